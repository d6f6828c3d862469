//! The connection profiles, as JSON in the data dir (`ssh-profiles.json`),
//! written atomically. A file that does not parse is never overwritten: it
//! is reported with its path until the user fixes or removes it.

use std::path::{Path, PathBuf};

use tokio::sync::Mutex;

use super::SshError;
use super::profile::Profile;
use crate::server::auth::generation::write_atomically;

pub const PROFILES_FILE: &str = "ssh-profiles.json";
/// More would be a mistake, not a fleet.
const MAX_PROFILES: usize = 50;

#[derive(Debug)]
pub struct ProfileStore {
    path: PathBuf,
    /// Serialises read-modify-write of the file.
    lock: Mutex<()>,
}

impl ProfileStore {
    pub fn new(data_dir: &Path) -> Self {
        Self {
            path: data_dir.join(PROFILES_FILE),
            lock: Mutex::new(()),
        }
    }

    /// Every profile, sorted by name.
    pub async fn list(&self) -> Result<Vec<Profile>, SshError> {
        let _held = self.lock.lock().await;
        self.read()
    }

    pub async fn get(&self, name: &str) -> Result<Option<Profile>, SshError> {
        Ok(self.list().await?.into_iter().find(|p| p.name == name))
    }

    /// Adds `profile`, or replaces the one of the same name.
    pub async fn save(&self, profile: Profile) -> Result<(), SshError> {
        profile.validate()?;
        let _held = self.lock.lock().await;
        let mut profiles = self.read()?;
        profiles.retain(|p| p.name != profile.name);
        if profiles.len() >= MAX_PROFILES {
            return Err(SshError::Configuration(format!(
                "there are already {MAX_PROFILES} connections: delete one first"
            )));
        }
        profiles.push(profile);
        self.write(profiles)
    }

    /// `Ok(false)` when there was no such profile.
    pub async fn delete(&self, name: &str) -> Result<bool, SshError> {
        let _held = self.lock.lock().await;
        let mut profiles = self.read()?;
        let before = profiles.len();
        profiles.retain(|p| p.name != name);
        if profiles.len() == before {
            return Ok(false);
        }
        self.write(profiles)?;
        Ok(true)
    }

    fn read(&self) -> Result<Vec<Profile>, SshError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => {
                return Err(SshError::Configuration(format!(
                    "cannot read {}: {e}",
                    self.path.display()
                )));
            }
        };
        let mut profiles: Vec<Profile> = serde_json::from_str(&text).map_err(|e| {
            SshError::Configuration(format!(
                "{} is not a valid profile list ({e}); fix or remove it, nothing was changed",
                self.path.display()
            ))
        })?;
        profiles.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(profiles)
    }

    fn write(&self, mut profiles: Vec<Profile>) -> Result<(), SshError> {
        profiles.sort_by(|a, b| a.name.cmp(&b.name));
        let json = serde_json::to_vec_pretty(&profiles)
            .map_err(|e| SshError::Configuration(format!("cannot encode the profiles: {e}")))?;
        write_atomically(&self.path, &json).map_err(|e| {
            SshError::Configuration(format!("cannot write {}: {e}", self.path.display()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(name: &str) -> Profile {
        Profile {
            name: name.into(),
            host: "example.com".into(),
            hostname: None,
            port: None,
            user: None,
            identity_file: None,
            proxy_jump: None,
            remote_port: 4096,
            bootstrap: false,
        }
    }

    #[tokio::test]
    async fn saves_replaces_deletes_and_never_overwrites_a_broken_file() {
        let dir = std::env::temp_dir().join(format!("pocketcode-ssh-store-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let store = ProfileStore::new(&dir);
        assert!(store.list().await.expect("empty").is_empty());
        store.save(profile("b")).await.expect("save b");
        store.save(profile("a")).await.expect("save a");
        store
            .save(Profile {
                port: Some(2222),
                ..profile("b")
            })
            .await
            .expect("replace b");
        let names: Vec<String> = store
            .list()
            .await
            .expect("list")
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(
            store.get("b").await.expect("get").and_then(|p| p.port),
            Some(2222)
        );
        // A bad profile is refused and changes nothing.
        let bad = Profile {
            host: "-x".into(),
            ..profile("c")
        };
        assert_eq!(
            store.save(bad).await.map_err(|e| e.kind()),
            Err("Configuration")
        );
        assert_eq!(store.list().await.expect("list").len(), 2);
        assert!(store.delete("a").await.expect("delete"));
        assert!(!store.delete("a").await.expect("already gone"));
        // A broken file is reported, and left as it is.
        std::fs::write(dir.join(PROFILES_FILE), "{not json").expect("break");
        let error = store.save(profile("d")).await.expect_err("broken");
        assert!(error.to_string().contains("fix or remove it"), "{error}");
        assert_eq!(
            std::fs::read_to_string(dir.join(PROFILES_FILE)).expect("read"),
            "{not json"
        );
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }
}
