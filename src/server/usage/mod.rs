//! Context and cost: what a chat's model calls used, from opencode's
//! assistant messages (their `step-finish` parts' `tokens` and `cost`), against its model's context
//! window (`limit.context` of opencode's provider list); and every local
//! chat's usage per chat and per UTC day for the resources page.
//!
//! A local chat's messages and the models are read through the
//! workspace's instance, and its session is found in opencode's global
//! list, as the search does: reading usage brings back no idle chat's
//! instance. A remote's chat is read from its own opencode.

mod settled;
mod tally;

pub use settled::SettledTallies;
pub use tally::Tally;

use std::collections::BTreeMap;
use std::path::Path;

use futures::StreamExt;

use crate::model::usage::{ChatUsage, ChatUsageRow, DayUsage, UsageReport, UsageTotals};
use crate::opencode::Session;
use crate::server::chats::{ChatError, ChatRef, existing_worktree};
use crate::server::opencode_client::{OpencodeClient, OpencodeClientError};
use crate::server::state::AppState;

#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    #[error(
        "chat {0} has no opencode session any more, so it has no usage: delete it from Resources"
    )]
    NoSession(String),
    #[error(transparent)]
    Chat(#[from] ChatError),
}

impl UsageError {
    pub fn status(&self) -> u16 {
        match self {
            Self::NoSession(_) => 404,
            Self::Chat(e) => e.status(),
        }
    }
}

impl From<OpencodeClientError> for UsageError {
    fn from(error: OpencodeClientError) -> Self {
        Self::Chat(error.into())
    }
}

/// The context and usage of `chat`'s session.
pub async fn chat_usage(state: &AppState, chat: &ChatRef) -> Result<ChatUsage, UsageError> {
    let (client, dir, session) = match chat {
        ChatRef::Local(name) => {
            let worktree = existing_worktree(state.git.layout(), name)?;
            let client = OpencodeClient::from_state(state).await?;
            let session = newest_session(&client, &worktree)
                .await?
                .ok_or_else(|| UsageError::NoSession(format!("{} of {}", name.chat, name.repo)))?;
            (client, state.workspace.clone(), session.id)
        }
        ChatRef::Remote { session, .. } => {
            let target = chat.resolve(state).await?;
            (target.client, target.dir, session.clone())
        }
    };
    let (tally, choices) = tokio::try_join!(
        session_tally(&state.usage_tallies, &client, &dir, &session),
        client.choices(&dir)
    )?;
    Ok(tally.usage(&session, &choices))
}

/// `session`'s messages added up: its kept tally with the messages after
/// it where the latest go on from it (`settled`), else all of them read.
/// Opening a chat reads it beside the transcript, so the header's gauge
/// comes with the chat (see `chats::open_chat`).
pub async fn session_tally(
    kept: &SettledTallies,
    client: &OpencodeClient,
    dir: &Path,
    session: &str,
) -> Result<tally::Tally, OpencodeClientError> {
    if let Some(from) = kept.get(session) {
        let recent = client.messages(dir, session, Some(settled::RECENT)).await?;
        if let Some(rest) = settled::after(&from, &recent) {
            return Ok(kept.tally(session, Some(from), rest));
        }
        if recent.len() < settled::RECENT {
            // That is all of them: the kept message was undone.
            return Ok(kept.tally(session, None, &recent));
        }
    }
    let all = client.messages(dir, session, None).await?;
    Ok(kept.tally(session, None, &all))
}

/// The newest top-level session working in `dir`, from opencode's global
/// list (which loads no instance).
async fn newest_session(
    client: &OpencodeClient,
    dir: &Path,
) -> Result<Option<Session>, OpencodeClientError> {
    let sessions = client.all_sessions(true).await?;
    Ok(sessions
        .into_iter()
        .filter(|s| Path::new(&s.directory) == dir)
        .max_by_key(|s| s.time.updated))
}

/// Every local chat's tokens and cost, per chat and per UTC day.
pub async fn usage_report(state: &AppState) -> Result<UsageReport, UsageError> {
    let mut reads = crate::server::chats::every_chat_messages(state).await?;
    let mut report = UsageReport::default();
    let mut days: BTreeMap<u64, UsageTotals> = BTreeMap::new();
    while let Some((chat, messages)) = reads.next().await {
        let messages = match messages {
            Ok(messages) => messages,
            Err(error) => {
                tracing::warn!(chat = %chat.worktree.chat_id, %error, "usage: messages not read");
                report.chats_failed += 1;
                continue;
            }
        };
        let totals = tally::totals(&messages);
        if totals.model_calls == 0 {
            continue;
        }
        tally::add_per_day(&messages, &mut days);
        report.totals.merge(&totals);
        report.chats.push(ChatUsageRow {
            repo: chat.worktree.repo,
            chat_id: chat.worktree.chat_id,
            title: chat.title,
            totals,
        });
    }
    report.days = days
        .into_iter()
        .rev()
        .map(|(day_start, totals)| DayUsage { day_start, totals })
        .collect();
    Ok(report)
}
