//! The chat's terminals on opencode, through pocketcode's proxy: every call
//! names the chat's worktree (`?directory=`), which the proxy's fence checks
//! and opencode runs the shell in.

use crate::app::web::http::{Failed, Verb, send_json};
use crate::opencode::{CreatePty, PTY_PATH, Pty, PtySize, ResizePty};

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
    serde_json::from_str(text).map_err(|e| format!("opencode's answer was not understood: {e}"))
}

/// The chat's terminals that still run.
pub async fn list(directory: &str) -> Result<Vec<Pty>, String> {
    let text = send_json(Verb::Get, &with_directory(PTY_PATH, directory), None)
        .await
        .map_err(|e| format!("The chat's terminals could not be listed: {e}"))?;
    Ok(parse::<Vec<Pty>>(&text)?
        .into_iter()
        .filter(Pty::running)
        .collect())
}

/// A new shell in the chat's worktree.
pub async fn create(directory: &str, title: String) -> Result<Pty, String> {
    let body = serde_json::to_string(&CreatePty { title }).map_err(|e| e.to_string())?;
    let text = send_json(Verb::Post, &with_directory(PTY_PATH, directory), Some(body))
        .await
        .map_err(|e| format!("The terminal could not be started: {e}"))?;
    parse(&text)
}

/// The terminal if opencode still has it running.
pub async fn running(directory: &str, id: &str) -> Result<Option<Pty>, String> {
    let url = with_directory(&format!("{PTY_PATH}/{id}"), directory);
    match send_json(Verb::Get, &url, None).await {
        Ok(text) => Ok(parse::<Pty>(&text).ok().filter(Pty::running)),
        // opencode's 404: it ended and is gone.
        Err(Failed {
            status: Some(404), ..
        }) => Ok(None),
        Err(e) => Err(e.message),
    }
}

pub async fn resize(directory: &str, id: &str, rows: u16, cols: u16) -> Result<(), String> {
    let url = with_directory(&format!("{PTY_PATH}/{id}"), directory);
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
pub async fn remove(directory: &str, id: &str) -> Result<(), String> {
    let url = with_directory(&format!("{PTY_PATH}/{id}"), directory);
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
    }
}
