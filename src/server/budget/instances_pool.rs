//! The budget's view of opencode's instances is pocketcode's book of them
//! ([`Instances`]): disposing goes through it, so a disposed chat is
//! revived by whatever touches it next, and "busy" counts the local chats
//! the event hub's summaries show working or waiting for the user.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;

use super::InstancePool;
use crate::model::live::{ChatActivity, ChatStatus};
use crate::server::events::EventHub;
use crate::server::instances::Instances;

pub struct InstancesPool {
    pub instances: Arc<Instances>,
    pub events: Arc<EventHub>,
}

/// A local chat working or waiting (a remote's, `@…`, runs in another
/// opencode and never holds a local restart).
fn busy(summary: &ChatActivity) -> bool {
    !summary.directory.starts_with('@')
        && matches!(
            summary.status,
            ChatStatus::Busy
                | ChatStatus::Retrying
                | ChatStatus::WaitingPermission
                | ChatStatus::WaitingAnswer
        )
}

impl InstancePool for InstancesPool {
    fn dispose_idle(&self) -> BoxFuture<'_, Vec<PathBuf>> {
        // Over budget an idle chat goes at once: the idle time is for
        // memory to spare.
        Box::pin(self.instances.dispose_idle(Duration::ZERO))
    }

    fn alive(&self) -> u32 {
        u32::try_from(self.instances.alive().len()).unwrap_or(u32::MAX)
    }

    fn busy(&self) -> u32 {
        let busy = self.events.summaries().iter().filter(|s| busy(s)).count();
        u32::try_from(busy).unwrap_or(u32::MAX)
    }
}
