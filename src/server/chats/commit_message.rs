//! "Ask the agent to write it": the chat's model writes the commit message
//! for the chat's uncommitted changes, asked aside (see
//! `opencode_client::aside`), so the chat's transcript and status are left
//! as they were. The user edits the answer before committing.

use super::ChatError;
use super::chat_ref::no_chat;
use crate::model::chats::FileChange;
use crate::server::git::{GitError, WorktreeName};
use crate::server::opencode_client::OpencodeClient;
use crate::server::state::AppState;

/// How much of the diff the model is shown.
const MAX_DIFF_BYTES: usize = 24 * 1024;
/// The longest message kept (a model that rambles is cut).
const MAX_MESSAGE_CHARS: usize = 4000;

/// A commit message for the chat's uncommitted changes, from its model.
pub async fn write_commit_message(
    state: &AppState,
    client: &OpencodeClient,
    name: &WorktreeName,
) -> Result<String, ChatError> {
    let changes = state
        .git
        .changes(name)
        .await?
        .ok_or_else(|| no_chat(name))?;
    if changes.files.is_empty() {
        return Err(GitError::Conflict(
            "nothing to commit: the chat has no uncommitted changes".into(),
        )
        .into());
    }
    let chat = super::chat(&state.git, client, name)
        .await?
        .ok_or_else(|| no_chat(name))?;
    let Some(session) = chat.session_id else {
        return Err(GitError::Conflict("the chat has no session to ask yet".into()).into());
    };
    let diff = super::diff_patch(&state.git, name, Some(MAX_DIFF_BYTES)).await?;
    let question = question(&chat.title, &changes.files, &diff);
    let dir = state.git.layout().worktree(name);
    let answer = client
        .ask_aside(&dir, &session, "Commit message", &question, None)
        .await?;
    let message = tidy(&answer);
    if message.is_empty() {
        return Err(ChatError::Opencode(
            crate::server::opencode_client::OpencodeClientError::Status {
                status: 502,
                message: "the model wrote no message: write one yourself".into(),
            },
        ));
    }
    Ok(message)
}

/// What the model is asked (the scripted model reads the file list).
fn question(title: &str, files: &[FileChange], diff: &str) -> String {
    let listed: Vec<String> = files
        .iter()
        .map(|f| {
            format!(
                "- {} ({}, +{} −{})",
                f.path, f.status, f.insertions, f.deletions
            )
        })
        .collect();
    format!(
        "Write the commit message for this chat's uncommitted changes.\n\
         Answer with the commit message only: a summary line of at most 72 characters, \
         then, if the change needs it, a blank line and a short body saying why. \
         No code fences, no quotes, no preamble.\n\n\
         The chat: {title}\n\n\
         Files changed:\n{}\n\n\
         The diff (against the commit the chat started from):\n{diff}\n",
        listed.join("\n")
    )
}

/// The message without fences or quotes around it, cut to a sane length.
fn tidy(answer: &str) -> String {
    let mut text = answer.trim();
    if let Some(inner) = text.strip_prefix("```") {
        // Drop the fence's language tag line, and the closing fence.
        let inner = inner.split_once('\n').map_or("", |(_, rest)| rest);
        text = inner.trim_end().strip_suffix("```").unwrap_or(inner).trim();
    }
    let text = text.trim_matches('"').trim();
    text.chars()
        .take(MAX_MESSAGE_CHARS)
        .collect::<String>()
        .trim_end()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_and_quotes_go() {
        assert_eq!(
            tidy("  Fix the parser\n\nIt broke.  "),
            "Fix the parser\n\nIt broke."
        );
        assert_eq!(tidy("```text\nFix the parser\n```"), "Fix the parser");
        assert_eq!(tidy("\"Fix the parser\""), "Fix the parser");
        assert_eq!(tidy("```\n```"), "");
        assert_eq!(tidy(&"x".repeat(5000)).len(), MAX_MESSAGE_CHARS);
    }

    #[test]
    fn the_question_lists_every_file() {
        let files = vec![FileChange {
            path: "src/a.rs".into(),
            status: "modified".into(),
            insertions: 3,
            deletions: 1,
        }];
        let q = question("Fix it", &files, "diff --git a/src/a.rs");
        assert!(
            q.contains("Files changed:\n- src/a.rs (modified, +3 −1)"),
            "{q}"
        );
        assert!(q.contains("The chat: Fix it"), "{q}");
    }
}
