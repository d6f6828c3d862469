//! The live stream's flags and environment variables.

use std::time::Duration;

use clap::Args;

#[derive(Clone, Debug, Args)]
pub struct EventsConfig {
    /// How many events the replay buffer keeps for reconnecting clients.
    #[arg(long, env = "POCKETCODE_EVENTS_REPLAY_SIZE", default_value_t = 20_000)]
    pub events_replay_size: usize,

    /// How long (seconds) the replay buffer keeps an event.
    #[arg(long, env = "POCKETCODE_EVENTS_REPLAY_SECS", default_value_t = 900)]
    pub events_replay_secs: u64,

    /// How many events one client may fall behind before it is told to resync.
    #[arg(long, env = "POCKETCODE_EVENTS_CLIENT_QUEUE", default_value_t = 4096)]
    pub events_client_queue: usize,

    /// Seconds between heartbeats on the client stream (at most 15).
    #[arg(long, env = "POCKETCODE_EVENTS_HEARTBEAT_SECS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=15))]
    pub events_heartbeat_secs: u64,
}

impl EventsConfig {
    pub fn replay_age(&self) -> Duration {
        Duration::from_secs(self.events_replay_secs)
    }

    pub fn heartbeat(&self) -> Duration {
        Duration::from_secs(self.events_heartbeat_secs)
    }
}
