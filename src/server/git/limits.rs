//! How far one clone may go: a size cap (a repo that would fill the disk)
//! and a stall timeout (a remote that accepts the connection and then says
//! nothing would hold a blocking thread and the repo's name forever).

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::GitError;
use super::names::RepoName;
use crate::model::repos::CloneProgress;

pub const DEFAULT_MAX_MB: u64 = 2048;
pub const DEFAULT_STALL_SECS: u64 = 60;

#[derive(Clone, Copy, Debug)]
pub struct CloneLimits {
    pub max_bytes: u64,
    pub stall: Duration,
}

impl Default for CloneLimits {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_MB, DEFAULT_STALL_SECS)
    }
}

impl CloneLimits {
    pub fn new(max_mb: u64, stall_secs: u64) -> Self {
        Self {
            max_bytes: max_mb.saturating_mul(1024 * 1024),
            stall: Duration::from_secs(stall_secs.max(1)),
        }
    }

    /// libgit2 reads from a remote with a blocking socket and calls back
    /// only when data arrives: the stall timeout is its socket timeout,
    /// which ends a read (and the clone) that waits longer. It is one
    /// setting for the whole process, read when a connection opens; set
    /// at startup, before any clone or fetch.
    pub fn apply_to_libgit2(&self) {
        let ms = i32::try_from(self.stall.as_millis()).unwrap_or(i32::MAX);
        // SAFETY: libgit2 copies these ints into each new socket stream;
        // they are written here during startup, before this server clones
        // or fetches anything.
        unsafe {
            let _ = git2::opts::set_server_timeout_in_milliseconds(ms);
            let _ = git2::opts::set_server_connect_timeout_in_milliseconds(ms);
        }
    }
}

/// One clone under its limits: told of every progress report, it stops
/// the clone past the size cap, and says which limit ended a failed one.
pub struct CloneWatch {
    limits: CloneLimits,
    last_progress: Mutex<(Instant, u64)>,
    too_big: AtomicBool,
}

impl CloneWatch {
    pub fn new(limits: CloneLimits) -> Self {
        Self {
            limits,
            last_progress: Mutex::new((Instant::now(), 0)),
            too_big: AtomicBool::new(false),
        }
    }

    /// `false` stops the clone.
    pub fn allow(&self, progress: &CloneProgress) -> bool {
        if progress.received_bytes > self.limits.max_bytes {
            self.too_big.store(true, Ordering::Relaxed);
            return false;
        }
        let mut last = self
            .last_progress
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if progress.received_bytes != last.1 || progress.received_objects > 0 {
            *last = (Instant::now(), progress.received_bytes);
        }
        true
    }

    /// A finished clone whose files (a local clone reports no bytes on the
    /// way) passed the cap is refused after all.
    pub fn check_size(&self, name: &RepoName, bytes: u64) -> Result<(), GitError> {
        if bytes > self.limits.max_bytes {
            return Err(self.too_big_error(name));
        }
        Ok(())
    }

    /// The error of a failed clone, naming the limit that ended it.
    pub fn explain(&self, name: &RepoName, error: GitError) -> GitError {
        if self.too_big.load(Ordering::Relaxed) {
            return self.too_big_error(name);
        }
        let quiet = self
            .last_progress
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .0
            .elapsed();
        if matches!(error, GitError::Remote { .. }) && quiet >= self.limits.stall.mul_f32(0.9) {
            return GitError::CloneStalled(format!(
                "the clone of {name} stopped: the remote sent nothing for {} s (raise the limit with --clone-stall-secs or POCKETCODE_CLONE_STALL_SECS); {error}",
                self.limits.stall.as_secs()
            ));
        }
        error
    }

    fn too_big_error(&self, name: &RepoName) -> GitError {
        GitError::CloneTooBig(format!(
            "the clone of {name} stopped: it is bigger than the {} MB cap (raise it with --clone-max-mb or POCKETCODE_CLONE_MAX_MB)",
            self.limits.max_bytes / (1024 * 1024)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_stops_the_clone_and_names_its_flag() {
        let watch = CloneWatch::new(CloneLimits::new(1, 60));
        let name = RepoName::parse("a/b").expect("name");
        let small = CloneProgress {
            received_bytes: 1000,
            ..CloneProgress::default()
        };
        assert!(watch.allow(&small));
        let big = CloneProgress {
            received_bytes: 2 * 1024 * 1024,
            ..CloneProgress::default()
        };
        assert!(!watch.allow(&big));
        let error = watch.explain(&name, GitError::Conflict("aborted".into()));
        assert_eq!(error.status(), 413);
        assert!(error.to_string().contains("--clone-max-mb"), "{error}");
        assert!(watch.check_size(&name, 1024).is_ok());
    }
}
