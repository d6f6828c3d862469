//! `POST /pocket/fn/set_repo_trust`: trust a repo to run its own opencode
//! config (`opencode.json`, `.opencode/`: plugins, agents, commands, MCP
//! servers) in its chats, or stop trusting it. Untrusted repos still chat.

use leptos::prelude::*;

use super::AppError;
use crate::model::repos::RepoTrust;

#[server(prefix = "/pocket/fn", endpoint = "set_repo_trust")]
pub async fn set_repo_trust(repo: String, trusted: bool) -> Result<RepoTrust, AppError> {
    super::context::respond(async move {
        let name = crate::server::git::RepoName::parse(&repo)?;
        let state = super::context::state()?;
        Ok(crate::server::chats::set_repo_trust(&state, &name, trusted).await?)
    })
    .await
}
