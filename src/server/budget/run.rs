//! The budget's loop: measure, decide, act, and say what it did.

use std::sync::Arc;
use std::time::{Duration, Instant};

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
    let mut budgeter = Budgeter {
        inner,
        episode: None,
        fresh: false,
        last_restart: None,
        replaced: None,
    };
    let mut wait = budgeter.inner.every;
    loop {
        tokio::time::sleep(wait).await;
        wait = budgeter.step().await.unwrap_or(budgeter.inner.every);
    }
}

/// The loop's memory between checks.
struct Budgeter {
    inner: Arc<Inner>,
    episode: Option<Episode>,
    /// Set by a memory restart; cleared once memory is measured under the budget.
    fresh: bool,
    last_restart: Option<Instant>,
    /// The opencode asked to go: not measured again (stopping takes a moment).
    replaced: Option<u32>,
}

impl Budgeter {
    /// One check; returns how long to wait before the next when it is not
    /// the usual interval.
    async fn step(&mut self) -> Option<Duration> {
        let budget = self.inner.budget();
        if budget == 0 {
            self.episode = None;
            self.inner.set_state(BudgetState::Off);
            return None;
        }
        let pid = self.healthy_pid()?;
        let rss = match tokio::task::spawn_blocking(move || tree_memory(pid)).await {
            Ok(Some(tree)) => tree.rss_bytes,
            // It just went away; the supervisor is on it.
            Ok(None) => return None,
            Err(err) => {
                tracing::error!(%err, "cannot measure opencode's memory");
                return None;
            }
        };
        if rss <= budget {
            self.fresh = false;
            self.episode = None;
            self.inner.set_state(BudgetState::Under);
            return None;
        }
        let (state, wait) = self.over_budget(pid, rss, budget).await;
        self.inner.set_state(state);
        wait
    }

    /// The opencode to measure: healthy, and not one asked to go.
    fn healthy_pid(&mut self) -> Option<u32> {
        let status = self.inner.supervisor.status();
        match (status.state, status.pid) {
            (OpencodeState::Healthy, Some(pid)) if self.replaced != Some(pid) => {
                self.replaced = None;
                Some(pid)
            }
            _ => {
                let state = if self.replaced.is_some() {
                    BudgetState::Restarting
                } else {
                    BudgetState::NotRunning
                };
                self.inner.set_state(state);
                None
            }
        }
    }

    /// opencode `pid` uses `rss`, over `budget`: decides and acts.
    async fn over_budget(
        &mut self,
        pid: u32,
        rss: u64,
        budget: u64,
    ) -> (BudgetState, Option<Duration>) {
        let inner = self.inner.clone();
        let episode = match &mut self.episode {
            Some(episode) if episode.pid == pid => episode,
            other => other.insert(Episode {
                pid,
                disposed: None,
            }),
        };
        let check = decide::Check {
            rss_bytes: rss,
            budget_bytes: budget,
            busy: inner.pool.busy(),
            disposed: episode.disposed.is_some(),
            fresh: self.fresh,
            since_last_restart: self.last_restart.map(|at| at.elapsed()),
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
                return (BudgetState::Disposed { chats }, Some(SETTLE));
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
                self.replaced = Some(pid);
                self.fresh = true;
                self.last_restart = Some(Instant::now());
                inner.standing().last_restart = Some(MemoryRestart {
                    at_ms: now_ms(),
                    was_bytes: rss,
                });
                BudgetState::Restarting
            }
        };
        (state, None)
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
