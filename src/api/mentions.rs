//! `POST /pocket/fn/{list_commands, find_files}`: what the composer's `/`
//! and `@` pickers offer (see `server::mentions`). Sending a command or a
//! file mention goes through `send_prompt`.

use leptos::prelude::*;

use super::AppError;
use crate::model::mentions::SlashCommand;

/// The slash commands of chat `chat_id` (opencode's, the project's, MCP
/// prompts, skills), by name.
#[server(prefix = "/pocket/fn", endpoint = "list_commands")]
pub async fn list_commands(repo: String, chat_id: String) -> Result<Vec<SlashCommand>, AppError> {
    super::context::respond(async {
        let (_, chat) = super::context::chat(&repo, &chat_id).await?;
        Ok(crate::server::mentions::commands(&chat).await?)
    })
    .await
}

/// Up to 20 files of chat `chat_id` whose path matches `query` (not
/// empty, one line, at most 200 bytes), best first.
#[server(prefix = "/pocket/fn", endpoint = "find_files")]
pub async fn find_files(
    repo: String,
    chat_id: String,
    query: String,
) -> Result<Vec<String>, AppError> {
    super::context::respond(async {
        let (_, chat) = super::context::chat(&repo, &chat_id).await?;
        Ok(crate::server::mentions::find_files(&chat, &query).await?)
    })
    .await
}

/// The `files` field of a prompt: one path per line (absent or empty:
/// none).
#[cfg(feature = "ssr")]
pub fn file_list(files: Option<&str>) -> Vec<String> {
    files
        .unwrap_or_default()
        .lines()
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}
