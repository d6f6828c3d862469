//! The budget's loop: measure, decide, act, and say what it did.

use std::sync::Arc;
use std::time::Instant;

use super::{COOL_DOWN, Inner, SETTLE, decide, tree_memory, words};
use crate::app::format::bytes;
use crate::model::memory::{BudgetState, MemoryRestart};
use crate::server::supervisor::{OpencodeState, RestartCause};

/// One stretch of memory over the budget, for one opencode.
struct Episode {
    pid: u32,
    /// How many instances were disposed in it; `None` before that.
    disposed: Option<u32>,
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

pub(super) async fn run(inner: Arc<Inner>) {
    let mut episode: Option<Episode> = None;
    // Set by a memory restart; cleared once memory is measured under the budget.
    let mut fresh = false;
    let mut last_restart: Option<Instant> = None;
    // The opencode asked to go: not measured again (stopping takes a moment).
    let mut replaced: Option<u32> = None;
    let mut wait = inner.every;
    loop {
        tokio::time::sleep(wait).await;
        wait = inner.every;
        let budget = inner.budget();
        if budget == 0 {
            episode = None;
            inner.set_state(BudgetState::Off);
            continue;
        }
        let status = inner.supervisor.status();
        let pid = match (status.state, status.pid) {
            (OpencodeState::Healthy, Some(pid)) if replaced != Some(pid) => pid,
            _ => {
                let state = if replaced.is_some() {
                    BudgetState::Restarting
                } else {
                    BudgetState::NotRunning
                };
                inner.set_state(state);
                continue;
            }
        };
        replaced = None;
        let rss = match tokio::task::spawn_blocking(move || tree_memory(pid)).await {
            Ok(Some(tree)) => tree.rss_bytes,
            // It just went away; the supervisor is on it.
            Ok(None) => continue,
            Err(err) => {
                tracing::error!(%err, "cannot measure opencode's memory");
                continue;
            }
        };
        if rss <= budget {
            fresh = false;
            episode = None;
            inner.set_state(BudgetState::Under);
            continue;
        }
        let episode = match &mut episode {
            Some(episode) if episode.pid == pid => episode,
            _ => episode.insert(Episode {
                pid,
                disposed: None,
            }),
        };
        let check = decide::Check {
            rss_bytes: rss,
            budget_bytes: budget,
            busy: inner.pool.busy(),
            disposed: episode.disposed.is_some(),
            fresh,
            since_last_restart: last_restart.map(|at| at.elapsed()),
            cool_down: COOL_DOWN,
        };
        let state = match decide::decide(&check) {
            decide::Action::Nothing => BudgetState::Under,
            decide::Action::DisposeIdle => {
                let disposed = inner.pool.dispose_idle().await;
                tracing::info!(
                    rss = %bytes(rss),
                    budget = %bytes(budget),
                    ?disposed,
                    "opencode is over its memory budget: disposed the idle chats' instances"
                );
                let chats = disposed.len() as u32;
                episode.disposed = Some(chats);
                wait = SETTLE;
                BudgetState::Disposed { chats }
            }
            decide::Action::WaitForBusy(busy) => BudgetState::Waiting {
                disposed: episode.disposed.unwrap_or(0),
                busy,
            },
            decide::Action::TooSmall => BudgetState::TooSmall,
            decide::Action::CoolDown(left) => BudgetState::CoolingDown {
                until_ms: inner.standing().last_restart.as_ref().map_or_else(
                    || now_ms() + left.as_millis() as u64,
                    |r| r.at_ms + COOL_DOWN.as_millis() as u64,
                ),
            },
            decide::Action::Restart => {
                let reason = format!(
                    "memory: opencode used {} with no chat busy, over its budget of {}",
                    bytes(rss),
                    bytes(budget)
                );
                inner.supervisor.restart(pid, RestartCause::Memory, reason);
                replaced = Some(pid);
                fresh = true;
                last_restart = Some(Instant::now());
                inner.standing().last_restart = Some(MemoryRestart {
                    at_ms: now_ms(),
                    was_bytes: rss,
                });
                BudgetState::Restarting
            }
        };
        inner.set_state(state);
    }
}

impl Inner {
    /// Records the state; a change goes to the log.
    fn set_state(&self, state: BudgetState) {
        let mut standing = self.standing();
        if standing.state == state {
            return;
        }
        let said = words::summary(&state, standing.last_restart.as_ref());
        match state {
            BudgetState::Under | BudgetState::NotRunning | BudgetState::Off => {
                tracing::info!(budget = %said, "memory budget")
            }
            _ => tracing::warn!(budget = %said, "memory budget"),
        }
        standing.state = state;
    }
}
