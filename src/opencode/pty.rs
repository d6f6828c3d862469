//! opencode's terminals (`/pty`): a shell in a PTY that opencode runs in the
//! directory the request names, with its output on a WebSocket
//! (`/pty/{id}/connect`). Output comes as text frames; a binary frame that
//! starts with a zero byte is a control frame whose JSON says how far the
//! output has got (`{"cursor": N}`, counted in UTF-16 code units), so a
//! reconnect can ask for only what it missed (`?cursor=N`).

use serde::{Deserialize, Serialize};

/// Where opencode lists and creates terminals.
pub const PTY_PATH: &str = "/pty";

/// A terminal as opencode lists it. Only the fields the UI uses.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pty {
    /// `pty_…`
    pub id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub cwd: String,
    /// `running` or `exited`.
    #[serde(default)]
    pub status: String,
}

impl Pty {
    pub fn running(&self) -> bool {
        self.status == "running"
    }
}

/// `POST /pty`: a login shell in the requested directory (opencode's
/// default command and working directory).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CreatePty {
    pub title: String,
}

/// `PUT /pty/{id}`: the terminal's new size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResizePty {
    pub size: PtySize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PtySize {
    pub rows: u16,
    pub cols: u16,
}

/// The output position a control frame reports, if `frame` is one.
pub fn control_cursor(frame: &[u8]) -> Option<u64> {
    #[derive(Deserialize)]
    struct Control {
        cursor: u64,
    }
    let json = frame.strip_prefix(&[0])?;
    serde_json::from_slice::<Control>(json)
        .ok()
        .map(|c| c.cursor)
}

/// How far `text` moves the output position (UTF-16 code units, as
/// opencode counts them).
pub fn cursor_advance(text: &str) -> u64 {
    text.encode_utf16().count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_frames_carry_the_cursor() {
        assert_eq!(control_cursor(b"\0{\"cursor\":42}"), Some(42));
        assert_eq!(control_cursor(b"{\"cursor\":42}"), None);
        assert_eq!(control_cursor(b"\0not json"), None);
    }

    #[test]
    fn the_cursor_counts_utf16_units() {
        assert_eq!(cursor_advance("hi\r\n"), 4);
        assert_eq!(cursor_advance("é"), 1);
        assert_eq!(cursor_advance("😀"), 2);
    }

    #[test]
    fn resize_is_opencodes_shape() {
        let body = ResizePty {
            size: PtySize { rows: 30, cols: 90 },
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"size":{"rows":30,"cols":90}}"#
        );
    }
}
