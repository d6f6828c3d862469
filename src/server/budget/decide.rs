//! The budget's one decision, pure: from what one check measured and what
//! happened before, what to do now.
//!
//! Over the budget, idle instances go first (disposing them costs a chat
//! nothing: it revives when touched). Only if that was not enough is
//! opencode restarted, and never:
//! - while a chat is busy (it would be interrupted): it waits and says so;
//! - for an opencode the budget itself started that has not been under the
//!   budget since ("fresh"): a new one would be over at once too, so the
//!   budget is too small and it says so instead of restarting in a loop;
//! - within the cool-down after the last memory restart, even after the
//!   fresh opencode went under the budget and over it again.

use std::time::Duration;

/// What one check knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Check {
    /// Resident memory of opencode's process tree.
    pub rss_bytes: u64,
    /// 0: no budget.
    pub budget_bytes: u64,
    /// Chats working, or waiting for a permission or an answer.
    pub busy: u32,
    /// The idle instances were disposed since memory went over the budget.
    pub disposed: bool,
    /// This opencode was started by a memory restart and has not been
    /// under the budget since.
    pub fresh: bool,
    /// How long ago the last memory restart was.
    pub since_last_restart: Option<Duration>,
    /// The least time between two memory restarts.
    pub cool_down: Duration,
}

/// What to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Under the budget (or no budget).
    Nothing,
    /// Dispose the idle instances, then measure again.
    DisposeIdle,
    /// Restart once these busy chats are done.
    WaitForBusy(u32),
    /// A restart would not help: the budget is too small.
    TooSmall,
    /// A restart is due but the last one was too recent; this much is left.
    CoolDown(Duration),
    /// Restart opencode.
    Restart,
}

pub fn decide(check: &Check) -> Action {
    if check.budget_bytes == 0 || check.rss_bytes <= check.budget_bytes {
        return Action::Nothing;
    }
    if !check.disposed {
        return Action::DisposeIdle;
    }
    if check.fresh {
        return Action::TooSmall;
    }
    if check.busy > 0 {
        return Action::WaitForBusy(check.busy);
    }
    match check.since_last_restart {
        Some(since) if since < check.cool_down => Action::CoolDown(check.cool_down - since),
        _ => Action::Restart,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MB: u64 = 1024 * 1024;
    const MINUTE: Duration = Duration::from_secs(60);

    /// Over a 100 MB budget, idle instances already disposed, nothing
    /// busy, never restarted: the case that restarts.
    fn over() -> Check {
        Check {
            rss_bytes: 150 * MB,
            budget_bytes: 100 * MB,
            busy: 0,
            disposed: true,
            fresh: false,
            since_last_restart: None,
            cool_down: 10 * MINUTE,
        }
    }

    #[test]
    fn under_or_at_the_budget_or_without_one_does_nothing() {
        for check in [
            Check {
                rss_bytes: 100 * MB,
                ..over()
            },
            Check {
                rss_bytes: 10 * MB,
                disposed: false,
                busy: 3,
                ..over()
            },
            Check {
                budget_bytes: 0,
                ..over()
            },
        ] {
            assert_eq!(decide(&check), Action::Nothing, "{check:?}");
        }
    }

    #[test]
    fn over_the_budget_idle_instances_go_first_even_with_busy_chats() {
        for busy in [0, 2] {
            let check = Check {
                disposed: false,
                busy,
                ..over()
            };
            assert_eq!(decide(&check), Action::DisposeIdle);
        }
    }

    #[test]
    fn still_over_after_disposing_it_restarts_only_when_nothing_is_busy() {
        assert_eq!(decide(&over()), Action::Restart);
        let busy = Check { busy: 1, ..over() };
        assert_eq!(decide(&busy), Action::WaitForBusy(1));
    }

    #[test]
    fn a_fresh_opencode_over_the_budget_is_never_restarted() {
        let check = Check {
            fresh: true,
            since_last_restart: Some(60 * MINUTE),
            ..over()
        };
        assert_eq!(decide(&check), Action::TooSmall);
        // Its idle instances still go.
        let undisposed = Check {
            disposed: false,
            ..check
        };
        assert_eq!(decide(&undisposed), Action::DisposeIdle);
    }

    #[test]
    fn no_second_memory_restart_within_the_cool_down() {
        let soon = Check {
            since_last_restart: Some(4 * MINUTE),
            ..over()
        };
        assert_eq!(decide(&soon), Action::CoolDown(6 * MINUTE));
        let later = Check {
            since_last_restart: Some(10 * MINUTE),
            ..over()
        };
        assert_eq!(decide(&later), Action::Restart);
    }
}
