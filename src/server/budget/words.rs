//! The budget's state in words, for `/resources` and the log.

use crate::app::format::bytes;
use crate::app::timestamp::utc_minutes;
use crate::model::memory::{BudgetState, MemoryRestart};

/// `HH:MM UTC` of milliseconds since the Unix epoch.
fn clock(ms: u64) -> String {
    utc_minutes(ms)[11..].to_owned()
}

pub fn summary(state: &BudgetState, last_restart: Option<&MemoryRestart>) -> String {
    let now = match state {
        BudgetState::Off => "no budget".to_owned(),
        BudgetState::NotRunning => "opencode is not running".to_owned(),
        BudgetState::Under => "under budget".to_owned(),
        BudgetState::Disposed { chats: n } => {
            format!("over budget: disposed {} idle {}", n, plural(*n))
        }
        BudgetState::Waiting { disposed, busy } => {
            let first = match disposed {
                0 => String::new(),
                n => format!("disposed {n} idle {}, ", plural(*n)),
            };
            format!(
                "over budget: {first}waiting for {} busy {} before restarting opencode",
                busy,
                plural(*busy)
            )
        }
        BudgetState::TooSmall => "over budget right after restarting opencode: the budget is \
             too small for it, so it is not restarted again"
            .to_owned(),
        BudgetState::CoolingDown { until_ms } => format!(
            "over budget: opencode is not restarted again before {}",
            clock(*until_ms)
        ),
        BudgetState::Restarting => "over budget: restarting opencode".to_owned(),
    };
    match last_restart {
        Some(restart) => format!(
            "{now}; restarted opencode at {} (was {})",
            clock(restart.at_ms),
            bytes(restart.was_bytes)
        ),
        None => now,
    }
}

fn plural(n: u32) -> &'static str {
    if n == 1 { "chat" } else { "chats" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_what_it_did_and_waits_for() {
        assert_eq!(
            summary(&BudgetState::Disposed { chats: 3 }, None),
            "over budget: disposed 3 idle chats"
        );
        assert_eq!(
            summary(
                &BudgetState::Waiting {
                    disposed: 0,
                    busy: 1
                },
                None
            ),
            "over budget: waiting for 1 busy chat before restarting opencode"
        );
        let restart = MemoryRestart {
            // 2026-11-22 05:16 UTC
            at_ms: 1_795_324_613_302,
            was_bytes: 1_503_238_553,
        };
        assert_eq!(
            summary(&BudgetState::Under, Some(&restart)),
            "under budget; restarted opencode at 05:16 UTC (was 1.4 GiB)"
        );
    }
}
