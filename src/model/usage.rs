//! What a chat's model calls cost: the context its latest turn used against the
//! model's window (the chat header's gauge), and tokens and cost added up
//! per chat and per day (the resources page, `/admin/usage`). Counted from
//! opencode's assistant messages, the way opencode's own UI counts them.

use serde::{Deserialize, Serialize};

use crate::opencode::Tokens;

/// Milliseconds in a day; days are UTC days, as every date pocketcode shows.
pub const DAY_MS: u64 = 86_400_000;

/// Tokens by kind, added up over turns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TokenCounts {
    pub input: u64,
    pub output: u64,
    pub reasoning: u64,
    pub cache_read: u64,
    pub cache_write: u64,
}

impl TokenCounts {
    /// Every kind together.
    pub fn total(&self) -> u64 {
        [
            self.input,
            self.output,
            self.reasoning,
            self.cache_read,
            self.cache_write,
        ]
        .into_iter()
        .fold(0, u64::saturating_add)
    }

    /// Adds one turn's tokens.
    pub fn add(&mut self, tokens: &Tokens) {
        self.input = self.input.saturating_add(tokens.input);
        self.output = self.output.saturating_add(tokens.output);
        self.reasoning = self.reasoning.saturating_add(tokens.reasoning);
        self.cache_read = self.cache_read.saturating_add(tokens.cache.read);
        self.cache_write = self.cache_write.saturating_add(tokens.cache.write);
    }

    /// Adds another sum.
    pub fn merge(&mut self, other: &Self) {
        self.input = self.input.saturating_add(other.input);
        self.output = self.output.saturating_add(other.output);
        self.reasoning = self.reasoning.saturating_add(other.reasoning);
        self.cache_read = self.cache_read.saturating_add(other.cache_read);
        self.cache_write = self.cache_write.saturating_add(other.cache_write);
    }
}

/// Tokens and cost of some model calls.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UsageTotals {
    pub tokens: TokenCounts,
    /// US dollars, as opencode priced the calls (0 for a model without prices).
    pub cost: f64,
    /// Calls to the model counted (opencode's steps: a turn that runs a
    /// tool and then answers is two).
    pub model_calls: u32,
}

impl UsageTotals {
    pub fn merge(&mut self, other: &Self) {
        self.tokens.merge(&other.tokens);
        self.cost += other.cost;
        self.model_calls = self.model_calls.saturating_add(other.model_calls);
    }
}

/// One chat's context and usage, for its header.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChatUsage {
    pub session_id: String,
    /// `provider/model` of the latest turn; before the first, the model the
    /// chat's prompts go to. `None` when neither is known.
    pub model: Option<String>,
    /// The context the latest turn that answered held: its input, output,
    /// reasoning and cache tokens (0 before the first answer).
    pub context_tokens: u64,
    /// The model's context window in tokens; `None` when opencode does not
    /// know it (then there is no gauge, only the tokens).
    pub context_window: Option<u64>,
    /// Every model call of the chat added up.
    pub totals: UsageTotals,
}

impl ChatUsage {
    /// How full the context is, in whole percent rounded up (a context
    /// in use never reads 0 %; over 100 when a turn overflowed); `None`
    /// without a known window.
    pub fn percent(&self) -> Option<u64> {
        let window = self.context_window.filter(|w| *w > 0)?;
        let percent = (u128::from(self.context_tokens) * 100).div_ceil(u128::from(window));
        Some(u64::try_from(percent).unwrap_or(u64::MAX))
    }
}

/// One chat's line of the usage report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChatUsageRow {
    /// `owner/name` of the chat's repo.
    pub repo: String,
    pub chat_id: String,
    /// The chat's title (empty when it has none yet).
    pub title: String,
    pub totals: UsageTotals,
}

/// One UTC day's line of the usage report: the calls of the turns begun
/// that day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DayUsage {
    /// Milliseconds since the Unix epoch of the day's 00:00 UTC.
    pub day_start: u64,
    pub totals: UsageTotals,
}

/// Tokens and cost of every local chat, per chat and per day.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UsageReport {
    /// Chats with at least one model call, most recently active first.
    pub chats: Vec<ChatUsageRow>,
    /// Days with at least one model call, newest first.
    pub days: Vec<DayUsage>,
    /// Everything added up.
    pub totals: UsageTotals,
    /// Chats whose messages could not be read (left out, logged).
    pub chats_failed: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(context_tokens: u64, context_window: Option<u64>) -> ChatUsage {
        ChatUsage {
            context_tokens,
            context_window,
            ..ChatUsage::default()
        }
    }

    #[test]
    fn the_percentage_rounds_up_so_a_used_context_never_reads_zero() {
        assert_eq!(usage(0, Some(128_000)).percent(), Some(0));
        assert_eq!(usage(1, Some(128_000)).percent(), Some(1));
        assert_eq!(usage(64_000, Some(128_000)).percent(), Some(50));
        assert_eq!(usage(200, Some(100)).percent(), Some(200));
        assert_eq!(usage(5, None).percent(), None);
        assert_eq!(usage(5, Some(0)).percent(), None);
    }

    #[test]
    fn totals_add_every_kind() {
        let mut sum = TokenCounts::default();
        let tokens: Tokens = serde_json::from_str(
            r#"{"input":10,"output":2,"reasoning":1,"cache":{"read":4,"write":3}}"#,
        )
        .expect("tokens");
        sum.add(&tokens);
        sum.add(&tokens);
        assert_eq!(sum.total(), 40);
        assert_eq!(sum.cache_read, 8);
    }
}
