//! Chats: a worktree with the opencode session working in it, its changes
//! against the commit it started from, and what deleting or opening one
//! answers, as the server reports them to the UI and to `/admin/*` scripts.

use serde::{Deserialize, Serialize};

/// A chat's worktree under `<data>/worktrees/owner__name__<chat id>`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WorktreeInfo {
    /// `owner/name` of the repo it belongs to.
    pub repo: String,
    pub chat_id: String,
    pub path: String,
    /// `pocketcode/<chat id>`, or `None` when HEAD is detached.
    pub branch: Option<String>,
    /// Uncommitted changes (untracked files included).
    pub dirty: bool,
    /// Whether the repo's own opencode config is in place here (the repo
    /// was trusted) rather than set aside.
    #[serde(default)]
    pub trusted: bool,
    /// Seconds since the Unix epoch when the worktree was made.
    pub created: u64,
}

/// A chat: a worktree joined with the opencode session working in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChatSummary {
    pub worktree: WorktreeInfo,
    /// `None` when the session was deleted (the worktree is garbage).
    pub session_id: Option<String>,
    pub title: String,
    /// Milliseconds since the Unix epoch of the session's last update.
    pub updated: u64,
}

/// Lines changed in one file of a worktree, against the chat's base.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FileChange {
    pub path: String,
    /// `added`, `modified`, `deleted`, `renamed`, …
    pub status: String,
    pub insertions: u64,
    pub deletions: u64,
}

/// `git diff --stat` of a worktree (uncommitted and untracked changes
/// included) against the commit its chat started from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DiffStat {
    /// The base commit.
    pub base: String,
    pub files: Vec<FileChange>,
    pub insertions: u64,
    pub deletions: u64,
}

/// What deleting a chat removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeletedChat {
    /// opencode sessions deleted with it.
    pub sessions: u32,
    /// Whether its branch went too (merged, or asked for).
    pub branch_deleted: bool,
}

/// A chat as the chat page opens it: the chat and its transcript (`None`
/// when its opencode session no longer exists).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OpenedChat {
    pub chat: ChatSummary,
    /// What the page itself needs of the transcript (`None` with it).
    #[serde(default)]
    pub opening: Option<ChatOpening>,
    /// The transcript, read only by its part in the chunk `later`
    /// (`app::chat::live_transcript`).
    pub transcript: Option<crate::model::deferred::Deferred<crate::opencode::Transcript>>,
    /// Permission requests and questions waiting for the user, read only
    /// by the asks' part (in the chunk `later`: `app::chat::asks`).
    pub asks: crate::model::deferred::Deferred<crate::opencode::PendingAsks>,
    /// The models and modes for the composer's pickers (`None` when opencode
    /// could not list them).
    #[serde(default)]
    pub choices: Option<crate::opencode::Choices>,
    /// The header's context gauge at opening (`None` when it could not be
    /// added up: the gauge then asks for it), read only by the header's
    /// part in the chunk `later` (`app::chat::header`).
    pub usage: crate::model::deferred::Deferred<Option<crate::model::usage::ChatUsage>>,
}

/// What the chat page reads of an opened chat's transcript before its part
/// is built: the session, whether the agent is working (the composer's
/// Stop), and the model and mode of the last prompt (the pickers' start).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatOpening {
    pub session_id: String,
    /// The session's directory (the chat's worktree).
    pub directory: String,
    pub busy: bool,
    /// The last prompt's model (`provider/model`).
    pub model: Option<String>,
    /// The last prompt's mode (opencode agent).
    pub agent: Option<String>,
}

impl ChatOpening {
    pub fn of(transcript: &crate::opencode::Transcript) -> Self {
        let (model, agent) = transcript.last_pick();
        Self {
            session_id: transcript.session.id.clone(),
            directory: transcript.session.directory.clone(),
            busy: transcript.busy,
            model,
            agent,
        }
    }
}
