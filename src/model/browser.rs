//! The shared live browser, as the server and the Browser panel speak of
//! it: whether a chat's Chromium runs, and the messages of the panel's
//! WebSocket (`/pocket/browser/socket`). The server side is `server::browser`.
//!
//! The socket carries, from the server: [`ServerMessage`]s as text and
//! frames as binary messages (a big-endian `u32` header length, the
//! [`FrameHeader`] as JSON, then the JPEG bytes); from the panel:
//! [`ClientMessage`]s as text. Every frame must be acked before the next
//! one is sent, so a slow connection gets fewer frames, never a queue.

use serde::{Deserialize, Serialize};

/// Where the panel's WebSocket is (query: `repo` and `chat`).
pub const SOCKET_PATH: &str = "/pocket/browser/socket";

/// The MCP server's name in the chat's opencode: the agent's browser
/// tools are called `playwright_browser_…`.
pub const MCP_NAME: &str = "playwright";

/// Whether a tool the agent calls acts on the shared browser.
pub fn is_browser_tool(tool: &str) -> bool {
    tool.starts_with("playwright_browser_")
}

/// A chat's browser, as the panel and the ⋯ menu show it. Read through
/// [`BrowserStatusWire`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "state",
    rename_all = "snake_case",
    try_from = "BrowserStatusWire"
)]
pub enum BrowserStatus {
    /// Not started (or stopped after sitting idle).
    Stopped,
    Running {
        pid: u32,
        /// Whether Chromium runs with its own sandbox (not as root, nor
        /// where the kernel allows no user namespaces).
        #[serde(default)]
        sandboxed: bool,
    },
    /// Chromium ended on its own; `message` says how.
    Crashed { message: String },
}

/// What the panel sends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    /// The frame numbered `seq` is shown: the next one may come.
    Ack {
        seq: u64,
    },
    /// The panel's size in CSS pixels and the screen's pixel ratio: the
    /// page is laid out for it and frames are sized to it.
    Viewport {
        width: u32,
        height: u32,
        ratio: f64,
    },
    /// A tap or click at page coordinates (CSS pixels).
    Tap {
        x: f64,
        y: f64,
    },
    /// A wheel or drag scroll at (`x`, `y`) by (`dx`, `dy`) CSS pixels.
    Scroll {
        x: f64,
        y: f64,
        dx: f64,
        dy: f64,
    },
    /// Text typed into the focused element.
    Text {
        text: String,
    },
    /// A key that is not text: `Enter`, `Backspace`, `Tab`, `Escape`,
    /// `ArrowUp`/`Down`/`Left`/`Right`.
    Key {
        key: String,
    },
    Navigate {
        url: String,
    },
    Back,
    Forward,
    Reload,
}

/// What the server sends as text. Read through [`ServerMessageWire`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "snake_case",
    try_from = "ServerMessageWire"
)]
pub enum ServerMessage {
    Status {
        status: BrowserStatus,
    },
    /// The page's address and title changed.
    Page {
        url: String,
        title: String,
    },
    /// An input or navigation could not be done.
    Error {
        message: String,
    },
}

// The panel reads `BrowserStatus` and `ServerMessage` through these plain
// structs, in one pass: derived internally tagged enums would buffer each
// message in serde's `Content` first, code the browser's WASM can do
// without. The JSON is the same.

/// [`BrowserStatus`] as written (`{"state": …, …}`).
#[derive(Deserialize)]
struct BrowserStatusWire {
    state: String,
    #[serde(default)]
    pid: Option<u32>,
    #[serde(default)]
    sandboxed: bool,
    #[serde(default)]
    message: Option<String>,
}

impl TryFrom<BrowserStatusWire> for BrowserStatus {
    type Error = &'static str;

    fn try_from(wire: BrowserStatusWire) -> Result<Self, Self::Error> {
        Ok(match wire.state.as_str() {
            "stopped" => Self::Stopped,
            "running" => Self::Running {
                pid: wire.pid.ok_or("missing field `pid`")?,
                sandboxed: wire.sandboxed,
            },
            "crashed" => Self::Crashed {
                message: wire.message.ok_or("missing field `message`")?,
            },
            _ => return Err("unknown browser state"),
        })
    }
}

/// [`ServerMessage`] as written (`{"type": …, …}`).
#[derive(Deserialize)]
struct ServerMessageWire {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    status: Option<BrowserStatus>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

impl TryFrom<ServerMessageWire> for ServerMessage {
    type Error = &'static str;

    fn try_from(wire: ServerMessageWire) -> Result<Self, &'static str> {
        Ok(match wire.kind.as_str() {
            "status" => Self::Status {
                status: wire.status.ok_or("missing field `status`")?,
            },
            "page" => Self::Page {
                url: wire.url.ok_or("missing field `url`")?,
                title: wire.title.ok_or("missing field `title`")?,
            },
            "error" => Self::Error {
                message: wire.message.ok_or("missing field `message`")?,
            },
            _ => return Err("unknown message type"),
        })
    }
}

/// What comes with each frame.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FrameHeader {
    pub seq: u64,
    /// The page's size in CSS pixels: frame pixels map onto it.
    pub page_width: f64,
    pub page_height: f64,
    /// The JPEG quality the frame was taken at (lower when the client lags).
    pub quality: u8,
}

/// Splits a binary frame message into its header and JPEG bytes.
pub fn split_frame(message: &[u8]) -> Option<(FrameHeader, &[u8])> {
    let len = u32::from_be_bytes(message.get(..4)?.try_into().ok()?) as usize;
    let header = serde_json::from_slice(message.get(4..4 + len)?).ok()?;
    Some((header, message.get(4 + len..)?))
}

/// Builds a binary frame message (the inverse of [`split_frame`]).
pub fn join_frame(header: &FrameHeader, jpeg: &[u8]) -> Vec<u8> {
    let json = serde_json::to_vec(header).unwrap_or_default();
    let mut message = Vec::with_capacity(4 + json.len() + jpeg.len());
    message.extend_from_slice(&(json.len() as u32).to_be_bytes());
    message.extend_from_slice(&json);
    message.extend_from_slice(jpeg);
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_split_into_what_was_joined() {
        let header = FrameHeader {
            seq: 7,
            page_width: 390.0,
            page_height: 700.5,
            quality: 60,
        };
        let message = join_frame(&header, b"\xff\xd8jpeg");
        assert_eq!(split_frame(&message), Some((header, &b"\xff\xd8jpeg"[..])));
        assert_eq!(split_frame(&message[..3]), None);
        assert_eq!(split_frame(&[0, 0, 0, 99, b'{']), None);
    }

    #[test]
    fn client_messages_are_tagged_json() {
        let tap: ClientMessage = serde_json::from_str(r#"{"type":"tap","x":1,"y":2.5}"#).unwrap();
        assert_eq!(tap, ClientMessage::Tap { x: 1.0, y: 2.5 });
        assert!(serde_json::from_str::<ClientMessage>(r#"{"type":"drop_tables"}"#).is_err());
        assert!(is_browser_tool("playwright_browser_click"));
        assert!(!is_browser_tool("bash"));
    }

    #[test]
    fn server_messages_read_what_they_write() {
        let messages = [
            ServerMessage::Status {
                status: BrowserStatus::Stopped,
            },
            ServerMessage::Status {
                status: BrowserStatus::Running {
                    pid: 42,
                    sandboxed: true,
                },
            },
            ServerMessage::Status {
                status: BrowserStatus::Crashed {
                    message: "signal 9".into(),
                },
            },
            ServerMessage::Page {
                url: "http://127.0.0.1:1/".into(),
                title: "t".into(),
            },
            ServerMessage::Error {
                message: "no such element".into(),
            },
        ];
        for message in messages {
            let json = serde_json::to_string(&message).expect("json");
            assert_eq!(
                serde_json::from_str::<ServerMessage>(&json).ok(),
                Some(message),
                "{json}"
            );
        }
        let running = r#"{"type":"status","status":{"state":"running","pid":7}}"#;
        assert_eq!(
            serde_json::from_str::<ServerMessage>(running).ok(),
            Some(ServerMessage::Status {
                status: BrowserStatus::Running {
                    pid: 7,
                    sandboxed: false
                }
            })
        );
        for bad in [
            r#"{"type":"status","status":{"state":"running"}}"#,
            r#"{"type":"page","url":"u"}"#,
            r#"{"type":"frame"}"#,
        ] {
            assert!(serde_json::from_str::<ServerMessage>(bad).is_err(), "{bad}");
        }
    }
}
