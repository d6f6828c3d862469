//! `POST /pocket/fn/set_repo_trust`: trust a repo to run its own opencode
//! config (`opencode.json`, `.opencode/`: plugins, agents, commands, MCP
//! servers) in its chats, or stop trusting it. Untrusted repos still chat.

use leptos::prelude::*;

use super::AppError;
use crate::repos::RepoTrust;

#[server(prefix = "/pocket/fn", endpoint = "set_repo_trust")]
pub async fn set_repo_trust(repo: String, trusted: bool) -> Result<RepoTrust, AppError> {
    super::context::respond(async move {
        let name = crate::server::git::RepoName::parse(&repo)?;
        let state = super::context::state()?;
        // opencode down: nothing is loaded, so nothing needs reloading.
        let client = crate::server::opencode_client::OpencodeClient::from_state(&state)
            .await
            .ok();
        let reloaded = crate::server::chats::set_repo_trust(
            &state.git,
            client.as_ref(),
            &state.browsers,
            &name,
            trusted,
        )
        .await?;
        Ok(RepoTrust {
            repo: name.to_string(),
            trusted,
            reloaded,
        })
    })
    .await
}
