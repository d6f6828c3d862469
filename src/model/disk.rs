//! Disk: what the repos and worktrees use under the data directory, and what
//! garbage collection of old worktrees removes, as the resources page and
//! `/admin/*` scripts show them.

use serde::{Deserialize, Serialize};

/// Bytes used by one repo clone or one worktree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PathUsage {
    /// `owner/name`, or `owner/name/<chat id>` for a worktree.
    pub name: String,
    pub bytes: u64,
}

/// Disk usage of the data directory and the volume it lives on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DiskUsage {
    pub data_dir: String,
    /// Everything under the data directory.
    pub data_bytes: u64,
    pub repos: Vec<PathUsage>,
    pub worktrees: Vec<PathUsage>,
    /// The volume holding the data directory, when it can be found.
    pub volume_total_bytes: Option<u64>,
    pub volume_available_bytes: Option<u64>,
}

/// Why the garbage collector picked (or spared) a worktree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GcEntry {
    pub repo: String,
    pub chat_id: String,
    pub path: String,
    pub reason: String,
}

/// What a garbage collection removed, or would remove in a dry run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GcReport {
    pub dry_run: bool,
    /// Removed (or to be removed).
    pub removed: Vec<GcEntry>,
    /// Would qualify, but kept because of uncommitted changes.
    pub kept: Vec<GcEntry>,
}
