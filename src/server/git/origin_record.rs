//! Where each clone came from, as pocketcode cloned it: `<data>/origins/
//! owner__name` holds the URL. The agent can rewrite a clone's own
//! `.git/config` (`remote.origin.url`, `pushurl`, `url.*.insteadOf`): this
//! record, out of its reach, is what says a repo is on GitHub.

use std::path::PathBuf;

use super::GitError;
use super::github_host::GithubHost;
use super::layout::Layout;
use super::names::RepoName;

fn path(layout: &Layout, name: &RepoName) -> PathBuf {
    layout.data_dir().join("origins").join(name.dir_name())
}

/// Records that `name` was cloned from `url` (replacing an older record).
pub fn write(layout: &Layout, name: &RepoName, url: &str) -> Result<(), GitError> {
    let file = path(layout, name);
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(|e| GitError::io(dir.display(), e))?;
    }
    let text = format!("{name}\n{url}\n");
    crate::server::auth::generation::write_atomically(&file, text.as_bytes())
        .map_err(|e| GitError::io(file.display(), e))
}

/// Whether pocketcode cloned `name` from `github`'s `owner/name`. Clones
/// made before the record existed count when their `origin` is exactly that
/// URL: the push goes to that URL either way, never to one the clone names.
pub fn is_github(layout: &Layout, github: &GithubHost, name: &RepoName) -> Result<bool, GitError> {
    let expected = github.repo_url(name);
    match std::fs::read_to_string(path(layout, name)) {
        Ok(text) => Ok(text == format!("{name}\n{expected}\n")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let Some(repo) = super::repo::open(layout, name)? else {
                return Ok(false);
            };
            let origin = repo.find_remote("origin").ok();
            Ok(origin.and_then(|r| r.url().map(str::to_owned)) == Some(expected))
        }
        Err(e) => Err(GitError::io(path(layout, name).display(), e)),
    }
}
