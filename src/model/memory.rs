//! opencode's memory and its budget, as the resources page and
//! `/admin/memory` show them.

use serde::{Deserialize, Serialize};

/// opencode's resident memory against its budget, now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OpencodeMemory {
    /// Resident memory of opencode's whole process tree (opencode, the MCP
    /// and LSP servers it started, the agent's commands); `None` while
    /// opencode is not running.
    pub rss_bytes: Option<u64>,
    /// How many processes that tree has.
    pub processes: u32,
    /// `--opencode-memory-mb` in bytes; 0: no budget.
    pub budget_bytes: u64,
    /// opencode instances alive (one per chat directory in use).
    pub instances_alive: u32,
    /// What the budget did last.
    pub state: BudgetState,
    /// The last restart the budget made, if any.
    pub last_restart: Option<MemoryRestart>,
    /// All of the above in words, e.g. `over budget: waiting for 1 busy
    /// chat before restarting opencode`.
    pub summary: String,
}

/// Where the memory budget stands.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "BudgetStateWire")]
pub enum BudgetState {
    /// No budget (`--opencode-memory-mb 0`).
    Off,
    /// opencode is not running (starting, restarting, stopped).
    #[default]
    NotRunning,
    /// At or under the budget.
    Under,
    /// Over the budget: the idle chats' instances were disposed; memory is
    /// measured again after a short settle.
    Disposed { chats: u32 },
    /// Over the budget after disposing: opencode is restarted once these
    /// busy chats are done.
    Waiting { disposed: u32, busy: u32 },
    /// Over the budget, but this opencode was started by the budget and has
    /// not been under it since: the budget is too small for it, and
    /// another restart would not help.
    TooSmall,
    /// Over the budget, but the last memory restart was too recent.
    CoolingDown { until_ms: u64 },
    /// The budget asked for a restart; opencode is starting again.
    Restarting,
}

/// [`BudgetState`] as written (`{"kind": …, …}`), read in one pass: a
/// derived internally tagged enum would buffer it in serde's `Content`
/// first, code the browser's WASM can do without.
#[derive(Deserialize)]
struct BudgetStateWire {
    kind: String,
    #[serde(default)]
    chats: Option<u32>,
    #[serde(default)]
    disposed: Option<u32>,
    #[serde(default)]
    busy: Option<u32>,
    #[serde(default)]
    until_ms: Option<u64>,
}

impl TryFrom<BudgetStateWire> for BudgetState {
    type Error = &'static str;

    fn try_from(wire: BudgetStateWire) -> Result<Self, Self::Error> {
        Ok(match wire.kind.as_str() {
            "off" => Self::Off,
            "not_running" => Self::NotRunning,
            "under" => Self::Under,
            "disposed" => Self::Disposed {
                chats: wire.chats.ok_or("missing field `chats`")?,
            },
            "waiting" => Self::Waiting {
                disposed: wire.disposed.ok_or("missing field `disposed`")?,
                busy: wire.busy.ok_or("missing field `busy`")?,
            },
            "too_small" => Self::TooSmall,
            "cooling_down" => Self::CoolingDown {
                until_ms: wire.until_ms.ok_or("missing field `until_ms`")?,
            },
            "restarting" => Self::Restarting,
            _ => return Err("unknown budget state"),
        })
    }
}

/// A restart the budget made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MemoryRestart {
    /// Milliseconds since the Unix epoch.
    pub at_ms: u64,
    /// opencode's resident memory when it was restarted.
    pub was_bytes: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_states_read_what_they_write() {
        let states = [
            BudgetState::Off,
            BudgetState::NotRunning,
            BudgetState::Under,
            BudgetState::Disposed { chats: 2 },
            BudgetState::Waiting {
                disposed: 1,
                busy: 3,
            },
            BudgetState::TooSmall,
            BudgetState::CoolingDown { until_ms: 9 },
            BudgetState::Restarting,
        ];
        for state in states {
            let json = serde_json::to_string(&state).expect("json");
            assert_eq!(
                serde_json::from_str::<BudgetState>(&json).ok(),
                Some(state),
                "{json}"
            );
        }
        assert_eq!(
            serde_json::to_string(&BudgetState::Waiting {
                disposed: 1,
                busy: 3
            })
            .expect("json"),
            r#"{"kind":"waiting","disposed":1,"busy":3}"#
        );
        for bad in [r#"{"kind":"waiting","busy":3}"#, r#"{"kind":"asleep"}"#] {
            assert!(serde_json::from_str::<BudgetState>(bad).is_err(), "{bad}");
        }
    }
}
