//! What lets pocketcode into each remote's opencode, kept apart from the
//! profiles (which the browser sees): the password a bootstrap gave the
//! opencode it started, and whether the user accepted an opencode that
//! runs without one. One JSON file in the data dir (`ssh-remote-access.json`),
//! mode 0600, written atomically; it never leaves the server.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::SshError;
use crate::server::auth::generation::write_atomically;

pub const ACCESS_FILE: &str = "ssh-remote-access.json";

#[derive(Clone, Default, Serialize, Deserialize)]
struct Access {
    /// `OPENCODE_SERVER_PASSWORD` of the opencode pocketcode started there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    password: Option<String>,
    /// `host:port` of a password-less opencode the user chose to use
    /// anyway; another host or port asks again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    open_accepted: Option<String>,
}

impl std::fmt::Debug for Access {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Access")
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("open_accepted", &self.open_accepted)
            .finish()
    }
}

#[derive(Debug)]
pub struct RemoteAccess {
    path: PathBuf,
    /// Serialises read-modify-write of the file.
    lock: Mutex<()>,
}

/// 32 random bytes, base64url: the password a bootstrap hands the remote.
pub fn new_password() -> String {
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

impl RemoteAccess {
    pub fn new(data_dir: &Path) -> Self {
        Self {
            path: data_dir.join(ACCESS_FILE),
            lock: Mutex::new(()),
        }
    }

    /// The stored password of profile `name`'s remote opencode.
    pub fn password(&self, name: &str) -> Result<Option<String>, SshError> {
        Ok(self.read_locked()?.remove(name).and_then(|a| a.password))
    }

    /// Whether a password-less opencode at `target` (`host:port`) was accepted.
    pub fn open_accepted(&self, name: &str, target: &str) -> Result<bool, SshError> {
        Ok(self
            .read_locked()?
            .get(name)
            .is_some_and(|a| a.open_accepted.as_deref() == Some(target)))
    }

    pub fn set_password(&self, name: &str, password: &str) -> Result<(), SshError> {
        self.update(name, |a| a.password = Some(password.to_owned()))
    }

    pub fn accept_open(&self, name: &str, target: &str) -> Result<(), SshError> {
        self.update(name, |a| a.open_accepted = Some(target.to_owned()))
    }

    /// Profile `name` is gone: so is what let pocketcode in.
    pub fn forget(&self, name: &str) -> Result<(), SshError> {
        let _held = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        let mut all = self.read()?;
        if all.remove(name).is_some() {
            self.write(&all)?;
        }
        Ok(())
    }

    fn update(&self, name: &str, change: impl FnOnce(&mut Access)) -> Result<(), SshError> {
        let _held = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        let mut all = self.read()?;
        change(all.entry(name.to_owned()).or_default());
        self.write(&all)
    }

    fn read_locked(&self) -> Result<BTreeMap<String, Access>, SshError> {
        let _held = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        self.read()
    }

    fn read(&self) -> Result<BTreeMap<String, Access>, SshError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
            Err(e) => {
                return Err(SshError::Configuration(format!(
                    "cannot read {}: {e}",
                    self.path.display()
                )));
            }
        };
        // The parse error is not shown: it could quote a password.
        serde_json::from_str(&text).map_err(|_| {
            SshError::Configuration(format!(
                "{} is not valid JSON; remove it (the remotes pocketcode started then need restarting), nothing was changed",
                self.path.display()
            ))
        })
    }

    fn write(&self, all: &BTreeMap<String, Access>) -> Result<(), SshError> {
        let json = serde_json::to_vec_pretty(all)
            .map_err(|e| SshError::Configuration(format!("cannot encode {ACCESS_FILE}: {e}")))?;
        write_atomically(&self.path, &json).map_err(|e| {
            SshError::Configuration(format!("cannot write {}: {e}", self.path.display()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    #[test]
    fn passwords_persist_owner_only_and_acceptance_is_per_target() {
        let dir =
            std::env::temp_dir().join(format!("pocketcode-ssh-access-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let access = RemoteAccess::new(&dir);
        assert_eq!(access.password("box").expect("empty"), None);
        let password = new_password();
        assert_eq!(password.len(), 43);
        access.set_password("box", &password).expect("set");
        access.accept_open("box", "box:4096").expect("accept");
        let again = RemoteAccess::new(&dir);
        assert_eq!(again.password("box").expect("read"), Some(password.clone()));
        assert!(again.open_accepted("box", "box:4096").expect("read"));
        assert!(!again.open_accepted("box", "other:4096").expect("read"));
        let mode = std::fs::metadata(dir.join(ACCESS_FILE))
            .expect("file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let shown = format!("{:?}", again.read().expect("read"));
        assert!(!shown.contains(&password), "{shown}");
        again.forget("box").expect("forget");
        assert_eq!(access.password("box").expect("gone"), None);
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }
}
