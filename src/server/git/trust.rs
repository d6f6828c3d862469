//! Which repos the user trusts to run their own opencode configuration,
//! and applying that to their chats' worktrees (see [`project_config`]).
//!
//! The list is `<data>/trusted-repos.json`, the trusted `owner/name`s,
//! written atomically; untrusted is the default. A file that does not parse
//! is reported with its path and never overwritten. A deleted repo is
//! forgotten: the same name cloned again later may be another repo.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use super::names::RepoName;
use super::store::RepoStore;
use super::{GitError, project_config, repo, worktree};
use crate::server::auth::generation::write_atomically;

pub const TRUST_FILE: &str = "trusted-repos.json";

#[derive(Debug)]
pub struct TrustStore {
    path: PathBuf,
    /// Serialises read-modify-write of the file (blocking code only).
    lock: Mutex<()>,
}

impl TrustStore {
    pub fn new(data_dir: &Path) -> Self {
        Self {
            path: data_dir.join(TRUST_FILE),
            lock: Mutex::new(()),
        }
    }

    /// The trusted repos' names.
    pub fn trusted(&self) -> Result<BTreeSet<String>, GitError> {
        let _held = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        self.read()
    }

    pub fn is_trusted(&self, repo: &RepoName) -> Result<bool, GitError> {
        Ok(self.trusted()?.contains(&repo.to_string()))
    }

    pub fn set(&self, repo: &RepoName, trusted: bool) -> Result<(), GitError> {
        let _held = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        let mut names = self.read()?;
        let changed = if trusted {
            names.insert(repo.to_string())
        } else {
            names.remove(&repo.to_string())
        };
        if !changed {
            return Ok(());
        }
        let json = serde_json::to_vec_pretty(&names)
            .map_err(|e| GitError::Trust(format!("cannot encode the trusted repos: {e}")))?;
        write_atomically(&self.path, &json)
            .map_err(|e| GitError::Trust(format!("cannot write {}: {e}", self.path.display())))
    }

    fn read(&self) -> Result<BTreeSet<String>, GitError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeSet::new()),
            Err(e) => {
                return Err(GitError::Trust(format!(
                    "cannot read {}: {e}",
                    self.path.display()
                )));
            }
        };
        serde_json::from_str(&text).map_err(|e| {
            GitError::Trust(format!(
                "{} is not a list of trusted repos ({e}); fix or remove it, nothing was changed",
                self.path.display()
            ))
        })
    }
}

impl RepoStore {
    /// Trusts `name` (its chats get their config back) or stops trusting
    /// it (their config is set aside). Returns the chats' worktrees, which
    /// opencode must reload. Trusting changes nothing when a chat made a
    /// config of its own while untrusted (a conflict naming it).
    pub async fn set_trust(
        &self,
        name: &RepoName,
        trusted: bool,
    ) -> Result<Vec<PathBuf>, GitError> {
        let name = name.clone();
        let locks = Arc::clone(&self.worktree_locks);
        let trust = Arc::clone(&self.trust);
        self.blocking(move |layout| {
            if repo::open(layout, &name)?.is_none() {
                return Err(GitError::RepoNotFound(name));
            }
            // Under the repo's worktree lock: a chat being made now gets
            // the new setting, not the old one.
            locks.with(&name, || {
                let paths: Vec<PathBuf> = repo::worktree_names(layout, Some(&name))?
                    .iter()
                    .map(|w| layout.worktree(w))
                    .collect();
                if trusted {
                    for path in &paths {
                        project_config::check_show(path)?;
                    }
                }
                trust.set(&name, trusted)?;
                for path in &paths {
                    if trusted {
                        project_config::show(path)?;
                    } else {
                        project_config::hide(path)?;
                    }
                }
                Ok(paths)
            })
        })
        .await
    }

    /// Sets the config aside in every chat of an untrusted repo whose
    /// config is in place (chats made before trust existed): at startup,
    /// before opencode loads any of them. Returns how many it changed.
    pub async fn hide_untrusted(&self) -> Result<u32, GitError> {
        let locks = Arc::clone(&self.worktree_locks);
        let trust = Arc::clone(&self.trust);
        self.blocking(move |layout| {
            let trusted = trust.trusted()?;
            let mut changed = 0;
            for name in repo::worktree_names(layout, None)? {
                if trusted.contains(&name.repo.to_string()) {
                    continue;
                }
                let path = layout.worktree(&name);
                locks.with(&name.repo, || -> Result<(), GitError> {
                    if worktree::is_checkout(&path) && !project_config::is_hidden(&path)? {
                        project_config::hide(&path)?;
                        changed += 1;
                    }
                    Ok(())
                })?;
            }
            Ok(changed)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_trust_per_repo_and_never_overwrites_a_broken_file() {
        let dir = std::env::temp_dir().join(format!("pocketcode-trust-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let store = TrustStore::new(&dir);
        let (one, two) = (
            RepoName::new("o", "one").expect("name"),
            RepoName::new("o", "two").expect("name"),
        );
        assert!(!store.is_trusted(&one).expect("no file: untrusted"));
        store.set(&one, true).expect("trust");
        store.set(&two, true).expect("trust");
        store.set(&two, false).expect("distrust");
        assert!(store.is_trusted(&one).expect("read"));
        assert!(!store.is_trusted(&two).expect("read"));
        assert!(!TrustStore::new(&dir).is_trusted(&two).expect("read again"));

        let path = dir.join(TRUST_FILE);
        std::fs::write(&path, "{not json").expect("break it");
        let error = store.set(&two, true).expect_err("a broken file is refused");
        assert!(error.to_string().contains(TRUST_FILE), "{error}");
        assert!(store.is_trusted(&one).is_err());
        assert_eq!(std::fs::read_to_string(&path).expect("kept"), "{not json");
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }

    /// A clone at the layout's place for `name` whose one commit has a config.
    fn seed_configured_repo(layout: &super::super::Layout, name: &RepoName) {
        let path = layout.repo(name);
        std::fs::create_dir_all(&path).expect("repos dir");
        let repo = git2::Repository::init(&path).expect("init");
        std::fs::write(path.join("opencode.json"), "{}").expect("write");
        std::fs::write(path.join("README.md"), "hello").expect("write");
        let mut index = repo.index().expect("index");
        index
            .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
            .expect("add");
        let tree = repo
            .find_tree(index.write_tree().expect("tree"))
            .expect("tree");
        let signature = git2::Signature::now("t", "t@localhost").expect("signature");
        repo.commit(Some("HEAD"), &signature, &signature, "first", &tree, &[])
            .expect("commit");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn trust_reaches_every_chat_of_the_repo_and_startup_hides_chats_made_before() {
        let dir =
            std::env::temp_dir().join(format!("pocketcode-trust-store-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let layout = super::super::Layout::new(dir.clone());
        let name = RepoName::new("local", "configured").expect("name");
        seed_configured_repo(&layout, &name);
        let store = RepoStore::new(layout.clone(), None);
        let config =
            |chat: &super::super::WorktreeName| layout.worktree(chat).join("opencode.json");

        let first = store.start_chat(name.clone()).0;
        assert!(!store.create_worktree(&first).await.expect("chat").trusted);
        assert!(!config(&first).exists(), "untrusted by default");
        let changed = store.set_trust(&name, true).await.expect("trust");
        assert_eq!(changed, vec![layout.worktree(&first)]);
        assert!(config(&first).is_file());
        assert!(
            store
                .repo(&name)
                .await
                .expect("repo")
                .expect("some")
                .trusted
        );
        let second = store.start_chat(name.clone()).0;
        assert!(store.create_worktree(&second).await.expect("chat").trusted);
        assert!(
            config(&second).is_file(),
            "a trusted repo's new chat has it"
        );

        // As if both chats were made before trust existed.
        store
            .trust
            .set(&name, false)
            .expect("distrust the list only");
        assert_eq!(store.hide_untrusted().await.expect("hide"), 2);
        assert!(!config(&first).exists() && !config(&second).exists());
        assert_eq!(store.hide_untrusted().await.expect("again"), 0);

        let nothing = RepoName::new("local", "nothing").expect("name");
        let error = store
            .set_trust(&nothing, true)
            .await
            .expect_err("no such repo");
        assert_eq!(error.status(), 404);
        store.set_trust(&name, true).await.expect("trust");
        store.delete_repo(&name, true).await.expect("delete");
        assert!(!store.trust.is_trusted(&name).expect("read"), "forgotten");
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }
}
