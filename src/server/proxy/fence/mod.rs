//! The directory fence: opencode serves whatever directory a request names
//! (`/file/content?path=passwd&directory=/etc` reads the machine's
//! passwords), so before the proxy forwards anything, HTTP or WebSocket, the
//! directory the request names must be pocketcode's workspace or one chat's
//! worktree (`<data>/worktrees/<worktree name>`), compared as canonical
//! paths (`..` and symlinks resolved). Anything else is refused with 403.
//!
//! Only local directories: remote chats never come through this proxy (their
//! server functions talk to the remote's opencode over `Connections`).
//!
//! What is forwarded is the allowed directory as pocketcode spells it, not
//! the client's spelling: opencode resolves `..` by text where the fence
//! resolves it on disk, and a symlink could be swapped between the check
//! and opencode's use. Subdirectories of a worktree are refused for the
//! same reason (the agent can turn one into a symlink at any time); no
//! pocketcode client names one.
//!
//! A terminal's create body can name a directory too (`cwd`); `pty` holds
//! it to the admitted one.

mod naming;
mod pty;

pub use pty::creates_terminal;

use std::io;
use std::path::{Path, PathBuf};

use axum::http::request::Parts;
use axum::http::uri::PathAndQuery;
use axum::http::{HeaderValue, Uri};

use crate::server::git::WorktreeName;
use naming::{DIRECTORY_HEADER, DIRECTORY_PARAMS};

#[derive(Debug, PartialEq, thiserror::Error)]
pub enum FenceError {
    #[error(
        "directory {0:?} is refused: only pocketcode's workspace and its chats' worktrees are reachable"
    )]
    Outside(String),
    #[error("directory {0:?} is refused: it is not an absolute path")]
    Relative(String),
    #[error("directory {directory:?} is refused: {reason}")]
    Unresolvable { directory: String, reason: String },
    #[error("directories {first:?} and {second:?} are refused: a request names one directory")]
    Conflicting { first: String, second: String },
    #[error("opencode workspace {0:?} is refused: pocketcode relays only directories it can check")]
    Workspace(String),
    #[error("the {DIRECTORY_HEADER} header is refused: it is not text")]
    Unreadable,
    #[error(
        "a terminal in {0:?} is refused: a terminal starts in the directory the request names (leave out cwd)"
    )]
    TerminalCwd(String),
    #[error("the terminal is refused: {0}")]
    TerminalBody(String),
    /// Fails closed: a check that did not finish lets nothing through.
    #[error("the directory check failed: {0}")]
    Check(String),
}

/// The directories a logged-in client may name, as pocketcode spells them.
#[derive(Clone, Debug)]
pub struct Fence {
    pub workspace: PathBuf,
    pub worktrees: PathBuf,
}

impl Fence {
    /// Lets the request through to the directory it names, rewritten to
    /// pocketcode's spelling of it (and returned), or refuses it. A request
    /// that names none goes to opencode's own (the workspace) untouched.
    pub async fn admit(&self, parts: &mut Parts) -> Result<Option<PathBuf>, FenceError> {
        let Some(named) = naming::named(&parts.headers, parts.uri.query())? else {
            return Ok(None);
        };
        // canonicalize is a blocking syscall: every reading in one trip.
        let fence = self.clone();
        let root = tokio::task::spawn_blocking(move || fence.allowed(&named.readings))
            .await
            .map_err(|err| FenceError::Check(err.to_string()))??;
        rewrite(parts, &root)?;
        Ok(Some(root))
    }

    /// The one allowed directory all `readings` resolve to.
    fn allowed(&self, readings: &[String]) -> Result<PathBuf, FenceError> {
        let mut allowed: Option<PathBuf> = None;
        for reading in readings {
            let root = self.resolve(reading)?;
            match &allowed {
                Some(first) if *first != root => {
                    return Err(FenceError::Conflicting {
                        first: first.display().to_string(),
                        second: root.display().to_string(),
                    });
                }
                _ => allowed = Some(root),
            }
        }
        allowed.ok_or(FenceError::Unreadable)
    }

    /// The allowed directory `directory` is, after resolving it on disk.
    fn resolve(&self, directory: &str) -> Result<PathBuf, FenceError> {
        if !Path::new(directory).is_absolute() {
            // opencode would resolve it against its own working directory.
            return Err(FenceError::Relative(directory.to_string()));
        }
        let unresolvable = |err: io::Error| FenceError::Unresolvable {
            directory: directory.to_string(),
            reason: match err.kind() {
                io::ErrorKind::NotFound => "it does not exist".to_string(),
                _ => err.to_string(),
            },
        };
        // A directory that does not exist is refused rather than resolved by
        // its nearest existing ancestor: opencode would make state for it,
        // and the name could become a symlink later. No pocketcode client
        // names one (a chat's worktree exists as long as the chat).
        let canonical = std::fs::canonicalize(directory).map_err(unresolvable)?;
        if std::fs::canonicalize(&self.workspace).is_ok_and(|w| w == canonical) {
            return Ok(self.workspace.clone());
        }
        let worktrees = std::fs::canonicalize(&self.worktrees).ok();
        if let (Some(parent), Some(name)) = (canonical.parent(), canonical.file_name())
            && Some(parent) == worktrees.as_deref()
            && name
                .to_str()
                .is_some_and(|n| WorktreeName::parse(n).is_ok())
            && canonical.is_dir()
        {
            return Ok(self.worktrees.join(name));
        }
        Err(FenceError::Outside(directory.to_string()))
    }
}

/// Replaces every spelling of the directory with `root`: each header and
/// each query value. `root` has no `%`, so it reads the same decoded once or
/// twice; the rest of the query keeps its bytes.
fn rewrite(parts: &mut Parts, root: &Path) -> Result<(), FenceError> {
    let root =
        root.to_str()
            .filter(|r| !r.contains('%'))
            .ok_or_else(|| FenceError::Unresolvable {
                directory: root.display().to_string(),
                // opencode would decode the `%` and name another directory.
                reason: "pocketcode cannot spell it for opencode (not UTF-8, or has a `%`)"
                    .to_string(),
            })?;
    if parts.headers.contains_key(DIRECTORY_HEADER) {
        // opencode decodes the header, so a path a header cannot carry
        // (not ASCII) goes encoded, as opencode's own clients send it.
        let value = HeaderValue::from_str(root)
            .or_else(|_| HeaderValue::from_str(&naming::encode_uri_component(root)))
            .map_err(|_| FenceError::Unreadable)?;
        parts.headers.insert(DIRECTORY_HEADER, value);
    }
    let Some(query) = parts.uri.query() else {
        return Ok(());
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| {
            let key = pair.split_once('=').map_or(pair, |(k, _)| k);
            let decoded_key = naming::query_pairs(key).pop().map(|(k, _)| k);
            match decoded_key {
                Some(name) if DIRECTORY_PARAMS.contains(&name.as_str()) => {
                    let value: String = form_urlencoded::byte_serialize(root.as_bytes()).collect();
                    format!("{key}={value}")
                }
                _ => pair.to_string(),
            }
        })
        .collect();
    let path_and_query = format!("{}?{}", parts.uri.path(), pairs.join("&"));
    let mut uri = std::mem::take(&mut parts.uri).into_parts();
    uri.path_and_query =
        Some(PathAndQuery::try_from(path_and_query).map_err(|_| FenceError::Unreadable)?);
    parts.uri = Uri::from_parts(uri).map_err(|_| FenceError::Unreadable)?;
    Ok(())
}

#[cfg(test)]
mod tests;
