//! The machine pocketcode runs on: processes the agent left behind
//! (orphans) and killing them, and pocketcode's own resident memory.

mod kill;
mod orphans;
mod resident;
mod stat;

pub use kill::kill_orphan;
pub use orphans::{KnownServices, list_orphans};
pub use resident::{Resident, fewer_arenas, keep_lean, release_clean_file_pages};
pub use stat::ProcStat;

/// What can go wrong finding or killing processes.
#[derive(Debug, thiserror::Error)]
pub enum SystemError {
    #[error("{0}")]
    InvalidPid(String),
    #[error("no process {0}")]
    NoSuchProcess(u32),
    /// The process exists but is not an orphan in pocketcode's data directory.
    #[error("process {0} is not an orphan of pocketcode's; refusing to kill it")]
    NotOurs(u32),
    #[error("cannot signal process {pid}: {source}")]
    Signal { pid: u32, source: nix::Error },
    #[error("process {0} survived SIGKILL")]
    Survived(u32),
    #[error("a process scan failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

impl SystemError {
    pub fn status(&self) -> u16 {
        match self {
            Self::InvalidPid(_) => 400,
            Self::NotOurs(_) => 403,
            Self::NoSuchProcess(_) => 404,
            Self::Signal { .. } | Self::Survived(_) | Self::Task(_) => 500,
        }
    }
}
