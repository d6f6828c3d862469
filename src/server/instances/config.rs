//! The idle-chat flag.

use std::time::Duration;

use clap::Args;

#[derive(Clone, Debug, Args)]
pub struct InstancesConfig {
    /// A chat nobody needed for this many seconds (its agent idle, no tab
    /// showing it, nothing asked of the user, no request about it) gets
    /// its opencode instance disposed, its MCP processes with it; the next
    /// request about it loads it again. 0 keeps every instance.
    #[arg(long, env = "POCKETCODE_IDLE_CHAT_SECS", default_value_t = 600)]
    pub idle_chat_secs: u64,
}

impl InstancesConfig {
    /// `None` when idle chats are kept.
    pub fn idle(&self) -> Option<Duration> {
        (self.idle_chat_secs > 0).then(|| Duration::from_secs(self.idle_chat_secs))
    }
}
