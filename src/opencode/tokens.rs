//! The tokens of an assistant turn, as opencode records them from its
//! provider's usage report (`tokens` of a message's info and of its
//! `step-finish` parts).

use serde::{Deserialize, Deserializer, Serialize};

/// `{"input", "output", "reasoning", "cache": {"read", "write"}}`. A count
/// that is missing, fractional or negative is read as the nearest
/// whole number of at least 0: a provider's odd report must not break the
/// transcript.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tokens {
    #[serde(default, deserialize_with = "lenient_count")]
    pub input: u64,
    #[serde(default, deserialize_with = "lenient_count")]
    pub output: u64,
    #[serde(default, deserialize_with = "lenient_count")]
    pub reasoning: u64,
    #[serde(default)]
    pub cache: CacheTokens,
}

/// Prompt tokens read from, and written to, the provider's cache.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheTokens {
    #[serde(default, deserialize_with = "lenient_count")]
    pub read: u64,
    #[serde(default, deserialize_with = "lenient_count")]
    pub write: u64,
}

impl Tokens {
    /// Every token of the turn, the way opencode's own UI adds them up for
    /// the context a turn used: input, output, reasoning and both caches.
    pub fn total(&self) -> u64 {
        self.input
            .saturating_add(self.output)
            .saturating_add(self.reasoning)
            .saturating_add(self.cache.read)
            .saturating_add(self.cache.write)
    }
}

fn lenient_count<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    let value = Option::<serde_json::Number>::deserialize(deserializer)?;
    Ok(value.map_or(0, |n| whole(n.as_f64().unwrap_or_default())))
}

/// A cost that is not a finite number of at least 0 is read as absent.
pub(super) fn lenient_cost<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<f64>, D::Error> {
    let value = Option::<serde_json::Number>::deserialize(deserializer)?;
    Ok(value
        .and_then(|n| n.as_f64())
        .filter(|cost| cost.is_finite() && *cost >= 0.0))
}

#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "clamped to 0..=u64::MAX first; `as` saturates"
)]
fn whole(value: f64) -> u64 {
    if value.is_finite() && value > 0.0 {
        value.round() as u64
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_opencodes_tokens_and_adds_them_up_as_its_ui_does() {
        let json = r#"{"input":1200,"output":34,"reasoning":5,"cache":{"read":100,"write":7}}"#;
        let tokens: Tokens = serde_json::from_str(json).expect("tokens");
        assert_eq!(tokens.cache.read, 100);
        assert_eq!(tokens.total(), 1200 + 34 + 5 + 100 + 7);
    }

    #[test]
    fn odd_counts_do_not_break_a_message() {
        let json = r#"{"input":12.6,"output":-3,"reasoning":null}"#;
        let tokens: Tokens = serde_json::from_str(json).expect("tokens");
        assert_eq!((tokens.input, tokens.output, tokens.reasoning), (13, 0, 0));
        assert_eq!(tokens.cache, CacheTokens::default());
    }
}
