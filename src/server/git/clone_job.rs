//! One clone, start to end (blocking): into a staging directory under its
//! limits, then renamed into place, so a clone is either complete (and
//! records whose it is) or absent.

use super::GitError;
use super::github_host::GithubHost;
use super::layout::Layout;
use super::limits::{CloneLimits, CloneWatch};
use super::names::RepoName;
use super::remote::{self, GithubToken};
use super::{disk, origin_record, repo};
use crate::model::repos::CloneProgress;

pub fn clone_into_place(
    layout: &Layout,
    name: &RepoName,
    url: &str,
    token: Option<&GithubToken>,
    host: &GithubHost,
    limits: CloneLimits,
    progress: &(dyn Fn(CloneProgress) + Send + Sync),
) -> Result<(), GitError> {
    let staging = layout.clone_staging(name);
    let repos = layout.repos_dir();
    std::fs::create_dir_all(&repos).map_err(|e| GitError::io(repos.display(), e))?;
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(|e| GitError::io(staging.display(), e))?;
    }
    let watch = CloneWatch::new(limits);
    let watched = |p: CloneProgress| {
        progress(p);
        watch.allow(&p)
    };
    let result = remote::clone(name, url, &staging, token, host, &watched)
        .map_err(|error| watch.explain(name, error))
        .and_then(|()| watch.check_size(name, disk::size(&staging)))
        .and_then(|()| {
            repo::record_name(&staging, name)?;
            let dest = layout.repo(name);
            std::fs::rename(&staging, &dest).map_err(|e| GitError::io(dest.display(), e))?;
            origin_record::write(layout, name, url)
        });
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}
