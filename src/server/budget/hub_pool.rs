//! TEMPORARY, until `server::instances` (issue 20 part 2) lands: opencode's
//! instances as the event hub sees them. Alive: the local directories whose
//! events the hub relays (an upstream `/event` per directory keeps its
//! instance alive). Busy: the chats the hub's summaries show working or
//! waiting. Disposing: `POST /instance/dispose` per idle directory, which
//! the directory's upstream revives right away (so here disposal frees
//! nothing lasting; the decisions are what this adapter serves).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures::future::BoxFuture;

use super::InstancePool;
use crate::api::live::{ChatStatus, ChatSummary};
use crate::server::events::EventHub;
use crate::server::opencode_client::OpencodeClient;
use crate::server::supervisor::Supervisor;

pub struct HubPool {
    pub events: Arc<EventHub>,
    pub supervisor: Arc<Supervisor>,
    pub http: reqwest::Client,
    /// Never disposed: the first UI prompts there.
    pub workspace: PathBuf,
}

/// A local chat working or waiting (a remote's, `@…`, runs in another
/// opencode).
fn busy(summary: &ChatSummary) -> bool {
    !summary.directory.starts_with('@')
        && matches!(
            summary.status,
            ChatStatus::Busy
                | ChatStatus::Retrying
                | ChatStatus::WaitingPermission
                | ChatStatus::WaitingAnswer
        )
}

impl HubPool {
    fn local_directories(&self) -> Vec<String> {
        let mut watched = self.events.watched();
        // Remote connections (`@name`) run their own opencode.
        watched.retain(|dir| !dir.starts_with('@'));
        watched
    }

    /// The directories to dispose: local, not the workspace, no busy chat
    /// in them; the longest quiet first.
    fn idle_directories(&self) -> Vec<String> {
        let summaries = self.events.summaries();
        let mut last_activity: HashMap<&str, u64> = HashMap::new();
        for summary in &summaries {
            let latest = last_activity.entry(&summary.directory).or_default();
            *latest = (*latest).max(summary.last_activity_ms);
        }
        let workspace = self.workspace.display().to_string();
        let mut idle: Vec<String> = self
            .local_directories()
            .into_iter()
            .filter(|dir| {
                *dir != workspace && !summaries.iter().any(|s| s.directory == *dir && busy(s))
            })
            .collect();
        idle.sort_by_key(|dir| last_activity.get(dir.as_str()).copied().unwrap_or(0));
        idle
    }
}

impl InstancePool for HubPool {
    fn dispose_idle(&self) -> BoxFuture<'_, Vec<PathBuf>> {
        Box::pin(async move {
            let Some(upstream) = self.supervisor.upstream() else {
                return Vec::new();
            };
            let client = OpencodeClient::new(self.http.clone(), upstream);
            let mut disposed = Vec::new();
            for dir in self.idle_directories() {
                match client.dispose_instance(Path::new(&dir)).await {
                    Ok(()) => disposed.push(PathBuf::from(dir)),
                    Err(err) => tracing::warn!(%err, dir, "cannot dispose an idle instance"),
                }
            }
            disposed
        })
    }

    fn alive(&self) -> u32 {
        self.local_directories().len() as u32
    }

    fn busy(&self) -> u32 {
        self.events.summaries().iter().filter(|s| busy(s)).count() as u32
    }
}
