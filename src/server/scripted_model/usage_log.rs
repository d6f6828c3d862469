//! The usage the scripted model reported, answer by answer, so tests can
//! check that what opencode records (and pocketcode adds up) is what the
//! model said.

use std::sync::{Arc, Mutex};

/// How many answers are remembered: a test needs a few, and a long
/// `make run` must not grow memory.
const REMEMBERED: usize = 10_000;

/// One answer's `usage`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReportedUsage {
    /// Whether it answered one of opencode's side jobs (a title, a
    /// summary: requests offering no tools), which no chat turn counts.
    pub side_job: bool,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

/// The answers' usage, in order, shared by the routes and the handle.
#[derive(Clone, Default)]
pub(super) struct UsageLog(Arc<Mutex<Vec<ReportedUsage>>>);

impl UsageLog {
    pub(super) fn record(&self, usage: ReportedUsage) {
        if let Ok(mut log) = self.0.lock()
            && log.len() < REMEMBERED
        {
            log.push(usage);
        }
    }

    /// The first [`REMEMBERED`] answers' usage.
    pub(super) fn reported(&self) -> Vec<ReportedUsage> {
        self.0.lock().map(|log| log.clone()).unwrap_or_default()
    }
}
