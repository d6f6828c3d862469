//! Server functions of the resources page: disk usage, garbage collection,
//! orphan processes (and killing one), deleting a repo, and opencode's
//! memory.

use leptos::prelude::*;

use super::AppError;
use crate::model::disk::{DiskUsage, GcReport};
use crate::model::memory::OpencodeMemory;
use crate::model::processes::{Killed, OrphanProcess};

/// How long a killed process gets between SIGTERM and SIGKILL.
#[cfg(feature = "ssr")]
const KILL_GRACE: std::time::Duration = std::time::Duration::from_secs(3);

/// `POST /pocket/fn/disk_usage`: the data directory, each clone and worktree,
/// and the volume.
#[server(prefix = "/pocket/fn", endpoint = "disk_usage")]
pub async fn get_disk_usage() -> Result<DiskUsage, AppError> {
    super::context::respond(async { Ok(super::context::state()?.git.disk_usage().await?) }).await
}

/// `POST /pocket/fn/collect_garbage`: removes (or with `dry_run`, lists) the
/// chats whose session is gone or that sat idle past the configured age.
#[server(prefix = "/pocket/fn", endpoint = "collect_garbage")]
pub async fn collect_garbage(dry_run: bool) -> Result<GcReport, AppError> {
    super::context::respond(async move {
        let state = super::context::state()?;
        let max_age = state.gc_max_age;
        Ok(crate::server::chats::collect_garbage(&state, max_age, dry_run).await?)
    })
    .await
}

/// `POST /pocket/fn/list_orphans`: processes the agent left behind.
#[server(prefix = "/pocket/fn", endpoint = "list_orphans")]
pub async fn list_orphans() -> Result<Vec<OrphanProcess>, AppError> {
    super::context::respond(async {
        let known = super::context::state()?.known_services();
        Ok(crate::server::system::list_orphans(known).await?)
    })
    .await
}

/// `POST /pocket/fn/kill_process`: SIGTERM, then SIGKILL; refused for
/// anything that is not an orphan of pocketcode's.
#[server(prefix = "/pocket/fn", endpoint = "kill_process")]
pub async fn kill_process(pid: String) -> Result<Killed, AppError> {
    super::context::respond(async move {
        let pid: u32 = pid.trim().parse().map_err(|_| {
            AppError::BadRequest(format!(
                "not a process id: {:?}",
                pid.chars().take(40).collect::<String>()
            ))
        })?;
        let known = super::context::state()?.known_services();
        Ok(crate::server::system::kill_orphan(known, pid, KILL_GRACE).await?)
    })
    .await
}

/// `POST /pocket/fn/delete_repo`: deletes a clone; with `force`, its chats
/// (sessions, worktrees, branches) first, else chats make it a 409.
/// Returns how many chats it had.
#[server(prefix = "/pocket/fn", endpoint = "delete_repo")]
pub async fn delete_repo(repo: String, #[server(default)] force: bool) -> Result<u32, AppError> {
    super::context::respond(async move {
        let name = crate::server::git::RepoName::parse(&repo)?;
        let state = super::context::state()?;
        Ok(crate::server::chats::delete_repo(&state, &name, force).await?)
    })
    .await
}

/// `POST /pocket/fn/opencode_memory`: opencode's memory, instances alive and
/// where its budget stands.
#[server(prefix = "/pocket/fn", endpoint = "opencode_memory")]
pub async fn get_opencode_memory() -> Result<OpencodeMemory, AppError> {
    super::context::respond(async { Ok(super::context::state()?.memory.now().await?) }).await
}
