//! A repo's own opencode configuration in a chat's worktree (blocking):
//! set aside while the repo is untrusted, put back when it is trusted.
//!
//! opencode loads `opencode.json`, `opencode.jsonc` and `.opencode/`
//! (plugins, agents, commands, MCP servers, and a package install) from
//! the directory it works in, and starts the MCP servers they name. One
//! opencode serves every chat, so its process-wide
//! `OPENCODE_DISABLE_PROJECT_CONFIG` cannot tell a trusted repo from an
//! untrusted one; keeping the files out of an untrusted worktree can.
//!
//! Set aside means moved, not deleted: into the worktree's own git admin
//! directory (`.git/worktrees/<name>/`), which opencode never reads and
//! which goes when the worktree is removed. Whatever the worktree had there
//! (edits, untracked files) comes back as it was. The moved files' index
//! entries are marked skip-worktree, so git (`status`, `add -A`, `commit
//! -a`) sees them unchanged and nothing commits their absence; libgit2 does
//! not honour that bit for missing files, hence [`exclusions`].

use std::path::{Path, PathBuf};

use git2::{IndexEntry, Repository};

use super::GitError;

/// What opencode loads from a worktree's root (it looks upward from the
/// session's directory to the worktree root; sessions start at the root).
pub const CONFIG_PATHS: [&str; 3] = ["opencode.json", "opencode.jsonc", ".opencode"];

/// `GIT_INDEX_ENTRY_SKIP_WORKTREE` in an entry's extended flags.
const SKIP_WORKTREE: u16 = 1 << 14;

/// The set-aside config, in the worktree's git admin directory. Its
/// presence is the worktree's "untrusted" state, even when empty.
fn hidden_dir(checkout: &Repository) -> PathBuf {
    checkout.path().join("pocketcode-hidden-config")
}

/// Whether the worktree at `path` has its config set aside.
pub fn is_hidden(path: &Path) -> Result<bool, GitError> {
    Ok(hidden(&Repository::open(path)?))
}

/// Whether the worktree `checkout` has its config set aside.
pub fn hidden(checkout: &Repository) -> bool {
    hidden_dir(checkout).is_dir()
}

/// Sets the config aside; nothing to do when it already is.
pub fn hide(path: &Path) -> Result<(), GitError> {
    let checkout = Repository::open(path)?;
    let hidden = hidden_dir(&checkout);
    if hidden.is_dir() {
        return Ok(());
    }
    // Staged first: a crash halfway leaves no half-hidden state behind.
    let staging = hidden.with_extension("partial");
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(|e| GitError::io(staging.display(), e))?;
    }
    std::fs::create_dir_all(&staging).map_err(|e| GitError::io(staging.display(), e))?;
    mark_skip_worktree(&checkout, true)?;
    for name in CONFIG_PATHS {
        let from = path.join(name);
        if from.symlink_metadata().is_ok() {
            let to = staging.join(name);
            std::fs::rename(&from, &to).map_err(|e| GitError::io(from.display(), e))?;
        }
    }
    std::fs::rename(&staging, &hidden).map_err(|e| GitError::io(hidden.display(), e))
}

/// Puts the config back as it was. Refuses, changing nothing, when the
/// worktree has a config path of its own by now (made while untrusted).
pub fn show(path: &Path) -> Result<(), GitError> {
    let checkout = Repository::open(path)?;
    let hidden = hidden_dir(&checkout);
    if !hidden.is_dir() {
        return Ok(());
    }
    refuse_overwrite(&hidden, path)?;
    for name in CONFIG_PATHS {
        let from = hidden.join(name);
        if from.symlink_metadata().is_ok() {
            let to = path.join(name);
            std::fs::rename(&from, &to).map_err(|e| GitError::io(to.display(), e))?;
        }
    }
    mark_skip_worktree(&checkout, false)?;
    std::fs::remove_dir(&hidden).map_err(|e| GitError::io(hidden.display(), e))
}

/// Whether [`show`] would refuse: the conflict it would report.
pub fn check_show(path: &Path) -> Result<(), GitError> {
    let hidden = hidden_dir(&Repository::open(path)?);
    if !hidden.is_dir() {
        return Ok(());
    }
    refuse_overwrite(&hidden, path)
}

fn refuse_overwrite(hidden: &Path, path: &Path) -> Result<(), GitError> {
    for name in CONFIG_PATHS {
        let (from, to) = (hidden.join(name), path.join(name));
        if from.symlink_metadata().is_ok() && to.symlink_metadata().is_ok() {
            return Err(GitError::Conflict(format!(
                "{} was made while the repo was untrusted; move it away, then trust the repo",
                to.display()
            )));
        }
    }
    Ok(())
}

/// Pathspecs for status and diff of the worktree `checkout`: none when its
/// config is in place, else everything but the config paths (their files
/// are set aside, not deleted). libgit2 takes the first pattern that matches.
pub fn exclusions(checkout: &Repository) -> Vec<String> {
    if !hidden(checkout) {
        return Vec::new();
    }
    CONFIG_PATHS
        .iter()
        .map(|name| format!("!{name}"))
        .chain(["*".to_owned()])
        .collect()
}

fn is_config(entry: &IndexEntry) -> bool {
    let path = entry.path.as_slice();
    CONFIG_PATHS.iter().any(|name| {
        let name = name.as_bytes();
        path == name || (path.starts_with(name) && path.get(name.len()) == Some(&b'/'))
    })
}

/// Sets or clears skip-worktree on the config's index entries.
fn mark_skip_worktree(checkout: &Repository, skip: bool) -> Result<(), GitError> {
    let mut index = checkout.index()?;
    let entries: Vec<IndexEntry> = index.iter().filter(is_config).collect();
    if entries.is_empty() {
        return Ok(());
    }
    for mut entry in entries {
        if skip {
            entry.flags_extended |= SKIP_WORKTREE;
        } else {
            entry.flags_extended &= !SKIP_WORKTREE;
        }
        index.add(&entry)?;
    }
    Ok(index.write()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A repo whose one commit has a config and a README, checked out at `dir`.
    fn configured_repo(dir: &Path) -> Repository {
        let repo = Repository::init(dir).expect("init");
        std::fs::create_dir_all(dir.join(".opencode/agent")).expect("mkdir");
        for (path, text) in [
            ("opencode.json", "{}"),
            (".opencode/agent/a.md", "an agent"),
            ("README.md", "hello"),
            ("opencode.json.md", "not config: a lookalike"),
        ] {
            std::fs::write(dir.join(path), text).expect("write");
        }
        let mut index = repo.index().expect("index");
        index
            .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
            .expect("add");
        index.write().expect("write index");
        let tree = repo
            .find_tree(index.write_tree().expect("tree"))
            .expect("tree");
        let signature = git2::Signature::now("t", "t@localhost").expect("signature");
        repo.commit(Some("HEAD"), &signature, &signature, "first", &tree, &[])
            .expect("commit");
        drop(tree);
        repo
    }

    fn cli_status(dir: &Path) -> String {
        let output = std::process::Command::new("git")
            .args(["status", "--porcelain"])
            .current_dir(dir)
            .output()
            .expect("git status");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn libgit2_changes(repo: &Repository) -> usize {
        let mut options = git2::StatusOptions::new();
        options.include_untracked(true);
        for spec in exclusions(repo) {
            options.pathspec(spec);
        }
        repo.statuses(Some(&mut options)).expect("status").len()
    }

    #[test]
    fn an_untrusted_worktree_has_its_config_set_aside_and_back_unchanged() {
        let dir =
            std::env::temp_dir().join(format!("pocketcode-project-config-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let repo = configured_repo(&dir);
        // An edit made while trusted survives being set aside.
        std::fs::write(dir.join("opencode.json"), "{\"edited\": true}").expect("edit");

        hide(&dir).expect("hide");
        assert!(is_hidden(&dir).expect("hidden"));
        assert!(!dir.join("opencode.json").exists());
        assert!(!dir.join(".opencode").exists());
        assert!(
            dir.join("opencode.json.md").exists(),
            "only the config goes"
        );
        assert_eq!(cli_status(&dir), "", "git sees nothing missing");
        assert_eq!(libgit2_changes(&repo), 0, "nor does pocketcode's status");
        hide(&dir).expect("hiding twice is nothing");

        // A config made while untrusted blocks trusting, and nothing moves.
        std::fs::write(dir.join("opencode.json"), "{}").expect("write");
        let error = check_show(&dir).expect_err("a conflict");
        assert!(matches!(error, GitError::Conflict(_)), "{error}");
        assert!(show(&dir).is_err());
        std::fs::remove_file(dir.join("opencode.json")).expect("move it away");

        show(&dir).expect("show");
        assert!(!is_hidden(&dir).expect("shown"));
        assert_eq!(
            std::fs::read_to_string(dir.join("opencode.json")).expect("back"),
            "{\"edited\": true}"
        );
        assert!(dir.join(".opencode/agent/a.md").is_file());
        assert_eq!(
            cli_status(&dir),
            " M opencode.json\n",
            "the edit shows again"
        );
        assert_eq!(libgit2_changes(&repo), 1);
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }
}
