//! opencode's API types (sessions, messages, parts, events), shared by the
//! server and the browser.
//!
//! Deserialisation is deliberately tolerant: opencode adds fields and part or
//! event kinds between releases, and an unknown one must never break a page.
//! Unknown fields are ignored; unknown part kinds become [`PartBody::Other`],
//! unknown tool states [`ToolState::Other`], unknown events [`Event::Other`].

mod asks;
mod choices;
mod event;
mod message;
mod part;
mod part_wire;
mod pty;
mod session;
mod tokens;
mod transcript;

pub use asks::{
    PendingAsks, PermissionReply, PermissionRequest, QuestionInfo, QuestionOption, QuestionRequest,
};
pub use choices::{AgentChoice, Choices, ModelChoice, split_model_id};
pub use event::{Event, PartDelta, SessionStatus, event_stream_url};
pub use message::{
    MessageError, MessageErrorData, MessageInfo, MessageTime, MessageWithParts, ModelRef, Role,
};
pub use part::{Part, PartBody, ToolState};
pub use pty::{CreatePty, PTY_PATH, Pty, PtySize, ResizePty, control_cursor, cursor_advance};
pub use session::{Session, SessionRevert, SessionShare, SessionTime};
pub use tokens::{CacheTokens, Tokens};
pub use transcript::{TRANSCRIPT_PAGE, Transcript};
