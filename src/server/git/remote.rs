//! Talking to remotes (blocking): clone with progress, fetch, and the
//! GitHub token as a credential that is never logged nor written to disk.

use std::fmt;
use std::path::Path;

use git2::{Cred, CredentialType, FetchOptions, RemoteCallbacks, Repository};

use super::GitError;
use super::github_host::GithubHost;
use super::names::RepoName;
use crate::model::repos::CloneProgress;

/// `GITHUB_TOKEN`. Its `Debug` hides the value, so it cannot leak into logs.
#[derive(Clone)]
pub struct GithubToken(String);

impl GithubToken {
    pub fn new(token: String) -> Self {
        Self(token)
    }

    /// `None` for a blank token.
    pub fn non_empty(self) -> Option<Self> {
        (!self.0.trim().is_empty()).then_some(self)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for GithubToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("GithubToken(***)")
    }
}

/// Clones `url` into `dest` (a regular, non-bare clone), reporting
/// progress; `progress` answering `false` stops it.
pub fn clone(
    repo: &RepoName,
    url: &str,
    dest: &Path,
    token: Option<&GithubToken>,
    host: &GithubHost,
    progress: &(dyn Fn(CloneProgress) -> bool + Send + Sync),
) -> Result<(), GitError> {
    let mut builder = git2::build::RepoBuilder::new();
    builder.fetch_options(fetch_options(url, token, host, Some(progress)));
    builder.clone(url, dest).map_err(|e| GitError::Remote {
        action: "clone",
        repo: repo.clone(),
        message: e.message().to_owned(),
    })?;
    Ok(())
}

/// Fetches `origin` so new chats start from the current default branch.
pub fn fetch(
    repo_name: &RepoName,
    path: &Path,
    token: Option<&GithubToken>,
    host: &GithubHost,
) -> Result<(), GitError> {
    let repo = Repository::open(path)?;
    let mut remote = repo.find_remote("origin")?;
    let url = remote.url().unwrap_or_default().to_owned();
    let mut options = fetch_options(&url, token, host, None);
    remote
        .fetch(&[] as &[&str], Some(&mut options), None)
        .map_err(|e| GitError::Remote {
            action: "fetch",
            repo: repo_name.clone(),
            message: e.message().to_owned(),
        })
}

fn fetch_options<'a>(
    url: &str,
    token: Option<&'a GithubToken>,
    host: &GithubHost,
    progress: Option<&'a (dyn Fn(CloneProgress) -> bool + Send + Sync)>,
) -> FetchOptions<'a> {
    let mut callbacks = RemoteCallbacks::new();
    if let Some(progress) = progress {
        callbacks.transfer_progress(move |stats| {
            progress(CloneProgress {
                received_objects: stats.received_objects() as u64,
                total_objects: stats.total_objects() as u64,
                received_bytes: stats.received_bytes() as u64,
            })
        });
    }
    // Only GitHub gets the token; other hosts clone anonymously.
    if let Some(token) = token.filter(|_| host.owns(url)) {
        offer_token(&mut callbacks, token);
    }
    let mut options = FetchOptions::new();
    options.remote_callbacks(callbacks);
    // A redirect could take the token elsewhere.
    options.follow_redirects(git2::RemoteRedirect::None);
    options
}

/// Answers libgit2's credential request with the token (HTTP Basic,
/// `x-access-token:<token>`, as GitHub takes it), once.
pub fn offer_token<'a>(callbacks: &mut RemoteCallbacks<'a>, token: &'a GithubToken) {
    let mut offered = false;
    callbacks.credentials(move |_url, _user, allowed| {
        // libgit2 asks again after a refusal: answer once, then give up.
        if offered || !allowed.contains(CredentialType::USER_PASS_PLAINTEXT) {
            return Err(git2::Error::from_str("GitHub refused GITHUB_TOKEN"));
        }
        offered = true;
        Cred::userpass_plaintext("x-access-token", token.expose())
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A repository with a few commits, made with git2 itself.
    fn source_repo(dir: &Path) -> Repository {
        let repo = Repository::init(dir).expect("init");
        let signature = git2::Signature::now("test", "test@localhost").expect("signature");
        let mut parent: Option<git2::Oid> = None;
        for i in 0..5 {
            std::fs::write(dir.join(format!("file{i}.txt")), format!("content {i}\n"))
                .expect("write");
            let mut index = repo.index().expect("index");
            index
                .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
                .expect("add");
            index.write().expect("write index");
            let tree = repo
                .find_tree(index.write_tree().expect("tree"))
                .expect("tree");
            let parents: Vec<git2::Commit> = parent
                .map(|p| repo.find_commit(p).expect("parent"))
                .into_iter()
                .collect();
            let refs: Vec<&git2::Commit> = parents.iter().collect();
            parent = Some(
                repo.commit(
                    Some("HEAD"),
                    &signature,
                    &signature,
                    &format!("commit {i}"),
                    &tree,
                    &refs,
                )
                .expect("commit"),
            );
        }
        repo
    }

    #[test]
    fn clones_report_progress_up_to_every_object() {
        let root = std::env::temp_dir().join(format!("pocketcode-clone-{}", std::process::id()));
        let source = root.join("source");
        std::fs::create_dir_all(&source).expect("mkdir");
        source_repo(&source);
        let last = std::sync::Mutex::new(CloneProgress::default());
        let calls = std::sync::atomic::AtomicU32::new(0);
        let progress = |p: CloneProgress| {
            calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            *last.lock().expect("lock") = p;
            true
        };
        let name = RepoName::parse("local/source").expect("name");
        let url = format!("file://{}", source.display());
        clone(
            &name,
            &url,
            &root.join("clone"),
            None,
            &GithubHost::default(),
            &progress,
        )
        .expect("clone");
        let last = *last.lock().expect("lock");
        // 5 commits, 5 trees, 5 blobs.
        assert_eq!(last.total_objects, 15, "{last:?}");
        assert_eq!(last.received_objects, last.total_objects);
        assert!(
            calls.into_inner() >= 2,
            "progress is reported along the way"
        );
        assert!(root.join("clone/file4.txt").is_file());
        std::fs::remove_dir_all(&root).expect("cleanup");
    }

    #[test]
    fn the_token_never_shows_in_debug_output() {
        let token = GithubToken::new("ghp_secret123".into());
        assert_eq!(format!("{token:?}"), "GithubToken(***)");
        assert_eq!(format!("{:?}", Some(token)), "Some(GithubToken(***))");
    }
}
