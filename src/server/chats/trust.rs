//! Trusting a repo, or no longer: its chats' worktrees get their opencode
//! config back (or have it set aside), then opencode reloads each of them.
//! The order matters: opencode reads the files when it loads a directory,
//! so the files move first and the instance is dropped after.

use super::ChatError;
use crate::model::repos::RepoTrust;
use crate::server::browser::Browsers;
use crate::server::git::{RepoName, RepoStore};
use crate::server::opencode_client::OpencodeClient;
use crate::server::state::AppState;

/// Trusts `repo` (or stops trusting it) and reloads its chats.
pub async fn set_repo_trust(
    state: &AppState,
    repo: &RepoName,
    trusted: bool,
) -> Result<RepoTrust, ChatError> {
    // opencode down: nothing is loaded, so nothing needs reloading.
    let client = OpencodeClient::from_state(state).await.ok();
    let reloaded = reload(&state.git, client.as_ref(), &state.browsers, repo, trusted).await?;
    Ok(RepoTrust {
        repo: repo.to_string(),
        trusted,
        reloaded,
    })
}

/// Returns how many chats were reloaded. `client` is `None` while opencode
/// is down: it loads every directory afresh when it is back.
async fn reload(
    store: &RepoStore,
    client: Option<&OpencodeClient>,
    browsers: &Browsers,
    repo: &RepoName,
    trusted: bool,
) -> Result<u32, ChatError> {
    let worktrees = store.set_trust(repo, trusted).await?;
    tracing::info!(%repo, trusted, chats = worktrees.len(), "repo trust set");
    let Some(client) = client else {
        return Ok(0);
    };
    for dir in &worktrees {
        // Also ends the MCP servers and plugins an untrusted config started.
        client.dispose_instance(dir).await?;
        browsers.instance_reloaded(dir).await;
    }
    Ok(u32::try_from(worktrees.len()).unwrap_or(u32::MAX))
}
