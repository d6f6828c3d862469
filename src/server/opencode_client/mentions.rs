//! What the composer's pickers ask opencode: a directory's commands, its
//! files by name, and running a command in a session.

use std::path::Path;

use reqwest::Method;
use serde_json::json;

use super::{OpencodeClient, OpencodeClientError, PromptFile, json, send};
use crate::model::mentions::SlashCommand;

/// A command call as opencode's `POST /session/:id/command` takes it.
#[derive(Clone, Debug, Default)]
pub struct CommandCall<'a> {
    pub name: &'a str,
    pub arguments: &'a str,
    /// `provider/model`; the command's or opencode's default when `None`.
    pub model: Option<&'a str>,
    pub agent: Option<&'a str>,
    /// Files mentioned with `@`, sent as file parts with the command.
    pub files: &'a [PromptFile],
}

impl OpencodeClient {
    /// The commands opencode offers in `dir` (its own, the project's, MCP
    /// prompts and skills).
    pub async fn commands(&self, dir: &Path) -> Result<Vec<SlashCommand>, OpencodeClientError> {
        json(send(self.request(Method::GET, dir, "/command")).await?).await
    }

    /// Up to `limit` files of `dir` whose path matches `query` (opencode's
    /// fuzzy search; ignored files left out), best first.
    pub async fn find_files(
        &self,
        dir: &Path,
        query: &str,
        limit: u32,
    ) -> Result<Vec<String>, OpencodeClientError> {
        let request = self.request(Method::GET, dir, "/find/file").query(&[
            ("query", query),
            ("dirs", "false"),
            ("limit", &limit.to_string()),
        ]);
        json(send(request).await?).await
    }

    /// Runs command `call` in session `id`. opencode answers only once the
    /// turn is over; the reply streams in as events meanwhile.
    pub async fn run_command(
        &self,
        dir: &Path,
        id: &str,
        call: &CommandCall<'_>,
    ) -> Result<(), OpencodeClientError> {
        let mut body = json!({ "command": call.name, "arguments": call.arguments });
        if let Some(model) = call.model {
            body["model"] = json!(model);
        }
        if let Some(agent) = call.agent {
            body["agent"] = json!(agent);
        }
        if !call.files.is_empty() {
            body["parts"] = json!(super::prompt::file_parts(call.files));
        }
        let path = format!("/session/{id}/command");
        send(self.request(Method::POST, dir, &path).json(&body)).await?;
        Ok(())
    }
}
