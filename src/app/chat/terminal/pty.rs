//! The chat's terminals on opencode: a local chat's through pocketcode's
//! proxy (`/pty`), every call naming the chat's worktree (`?directory=`),
//! which the proxy's fence checks and opencode runs the shell in; a remote
//! chat's through pocketcode's relay to its remote (`/pocket/remote/…/pty`),
//! which runs them in the session's directory there.

use crate::app::web::http::{Failed, Verb, send_json};
use crate::opencode::{CreatePty, PTY_PATH, Pty, PtySize, ResizePty};

/// Where a chat's terminals are: opencode's `/pty` routes under `base`,
/// in `directory`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shells {
    pub base: String,
    pub directory: String,
}

impl Shells {
    /// A chat of `repo` working in `directory`: a remote's (repo
    /// `@<remote>`, `session_id` its session) or a local one.
    pub fn of_chat(repo: &str, session_id: &str, directory: String) -> Self {
        let base = match crate::model::remotes::remote_name(repo) {
            Some(remote) => crate::model::remotes::remote_pty_base(remote, session_id),
            None => PTY_PATH.to_owned(),
        };
        Self { base, directory }
    }

    /// `<base><tail>?directory=<directory>`.
    fn url(&self, tail: &str) -> String {
        with_directory(&format!("{}{tail}", self.base), &self.directory)
    }
}

/// `path?directory=<directory>` (the directory percent-encoded).
pub fn with_directory(path: &str, directory: &str) -> String {
    format!("{path}?directory={}", encode(directory))
}

/// Percent-encodes all but RFC 3986's unreserved characters.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
    crate::model::json::from_text(text)
        .map_err(|e| format!("opencode's answer was not understood: {e}"))
}

/// The chat's terminals that still run.
pub async fn list(shells: &Shells) -> Result<Vec<Pty>, String> {
    let text = send_json(Verb::Get, &shells.url(""), None)
        .await
        .map_err(|e| format!("The chat's terminals could not be listed: {e}"))?;
    Ok(parse::<Vec<Pty>>(&text)?
        .into_iter()
        .filter(Pty::running)
        .collect())
}

/// A new shell in the chat's worktree.
pub async fn create(shells: &Shells, title: String) -> Result<Pty, String> {
    let body = serde_json::to_string(&CreatePty { title }).map_err(|e| e.to_string())?;
    let text = send_json(Verb::Post, &shells.url(""), Some(body))
        .await
        .map_err(|e| format!("The terminal could not be started: {e}"))?;
    parse(&text)
}

/// The terminal if opencode still has it running.
pub async fn running(shells: &Shells, id: &str) -> Result<Option<Pty>, String> {
    let url = shells.url(&format!("/{id}"));
    match send_json(Verb::Get, &url, None).await {
        Ok(text) => Ok(parse::<Pty>(&text).ok().filter(Pty::running)),
        // opencode's 404: it ended and is gone.
        Err(Failed {
            status: Some(404), ..
        }) => Ok(None),
        Err(e) => Err(e.message),
    }
}

pub async fn resize(shells: &Shells, id: &str, rows: u16, cols: u16) -> Result<(), String> {
    let url = shells.url(&format!("/{id}"));
    let body = ResizePty {
        size: PtySize { rows, cols },
    };
    let body = serde_json::to_string(&body).map_err(|e| e.to_string())?;
    send_json(Verb::Put, &url, Some(body))
        .await
        .map(|_| ())
        .map_err(|e| format!("The terminal's new size was not taken: {e}"))
}

/// Ends the shell (and what runs in it).
pub async fn remove(shells: &Shells, id: &str) -> Result<(), String> {
    let url = shells.url(&format!("/{id}"));
    send_json(Verb::Delete, &url, None)
        .await
        .map(|_| ())
        .map_err(|e| format!("The terminal could not be closed: {e}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_directory_is_one_query_value() {
        assert_eq!(
            super::with_directory("/pty", "/data/work trees/a&b"),
            "/pty?directory=%2Fdata%2Fwork%20trees%2Fa%26b"
        );
        let remote = super::Shells::of_chat("@devbox", "ses_1", "/home/a".into());
        assert_eq!(
            remote.url("/pty_2"),
            "/pocket/remote/devbox/ses_1/pty/pty_2?directory=%2Fhome%2Fa"
        );
    }
}
