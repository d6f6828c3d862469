//! Processes as the resources page and `/admin/processes` show them: the
//! ones the agent left behind, and how a killed one ended.

use serde::{Deserialize, Serialize};

/// A process left behind by the agent: its parent died, it was adopted by
/// init (or a reaper), and it runs inside pocketcode's data directory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrphanProcess {
    pub pid: u32,
    /// Its parent now: init or a reaper.
    pub parent_pid: u32,
    pub name: String,
    /// The command line, arguments joined by spaces.
    pub command: String,
    /// Its working directory (inside the data directory).
    pub cwd: String,
    pub age_seconds: u64,
    /// Resident memory.
    pub rss_bytes: u64,
}

/// How a killed process ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Killed {
    pub pid: u32,
    /// `SIGTERM` when that was enough, `SIGKILL` when it had to follow.
    pub signal: String,
}
