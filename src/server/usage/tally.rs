//! Adding up a session's assistant turns: pure functions over opencode's
//! messages, counted as opencode's own UI counts them (the context of the
//! latest turn that answered; every turn's tokens and cost).

use std::collections::BTreeMap;

use crate::model::usage::{ChatUsage, DAY_MS, UsageTotals};
use crate::opencode::{Choices, MessageWithParts, Role};

/// The assistant turns that reported usage (a turn still streaming, or
/// stopped before its model answered, has none yet).
fn turns(messages: &[MessageWithParts]) -> impl Iterator<Item = &MessageWithParts> {
    messages
        .iter()
        .filter(|m| m.info.role == Role::Assistant && m.info.tokens.is_some_and(|t| t.total() > 0))
}

/// Every turn of `messages` added up.
pub fn totals(messages: &[MessageWithParts]) -> UsageTotals {
    turns(messages).fold(UsageTotals::default(), |mut sum, turn| {
        add(&mut sum, turn);
        sum
    })
}

/// The turns of `messages` added up per UTC day they began on, into `days`
/// (keyed by the day's first millisecond).
pub fn add_per_day(messages: &[MessageWithParts], days: &mut BTreeMap<u64, UsageTotals>) {
    for turn in turns(messages) {
        let day = turn.info.time.created / DAY_MS * DAY_MS;
        add(days.entry(day).or_default(), turn);
    }
}

fn add(sum: &mut UsageTotals, turn: &MessageWithParts) {
    if let Some(tokens) = &turn.info.tokens {
        sum.tokens.add(tokens);
    }
    sum.cost += turn.info.cost.unwrap_or_default();
    sum.turns = sum.turns.saturating_add(1);
}

/// A session's context and usage: the context held by its latest turn
/// that answered (one with output), against the window of that turn's
/// model; before any, the model its last prompt went to, else the
/// default one, at 0 tokens.
pub fn chat_usage(session_id: &str, messages: &[MessageWithParts], choices: &Choices) -> ChatUsage {
    let answered = messages
        .iter()
        .rev()
        .find(|m| m.info.role == Role::Assistant && m.info.tokens.is_some_and(|t| t.output > 0));
    let context_tokens = answered
        .and_then(|m| m.info.tokens)
        .map_or(0, |t| t.total());
    let model = answered
        .and_then(|m| m.info.model_choice())
        .or_else(|| {
            let prompt = messages.iter().rev().find(|m| m.info.role == Role::User);
            prompt.and_then(|m| m.info.model_choice())
        })
        .or_else(|| choices.default_model.clone());
    let context_window = model
        .as_deref()
        .and_then(|id| choices.model(id))
        .and_then(|m| m.context_window);
    ChatUsage {
        session_id: session_id.to_owned(),
        model,
        context_tokens,
        context_window,
        totals: totals(messages),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opencode::ModelChoice;

    fn message(id: &str, role: &str, created: u64, extra: &str) -> MessageWithParts {
        let json = format!(
            r#"{{"info":{{"id":"{id}","sessionID":"ses_1","role":"{role}",
                "time":{{"created":{created}}}{extra}}},"parts":[]}}"#
        );
        serde_json::from_str(&json).expect("message")
    }

    fn turn(id: &str, created: u64, input: u64, output: u64, cost: f64) -> MessageWithParts {
        let extra = format!(
            r#","providerID":"scripted","modelID":"m","cost":{cost},
            "tokens":{{"input":{input},"output":{output},"reasoning":0,"cache":{{"read":10,"write":0}}}}"#
        );
        message(id, "assistant", created, &extra)
    }

    fn choices(window: Option<u64>) -> Choices {
        Choices {
            models: vec![ModelChoice {
                id: "scripted/m".into(),
                name: "m".into(),
                provider: "Scripted".into(),
                images: false,
                context_window: window,
            }],
            default_model: Some("scripted/m".into()),
            ..Choices::default()
        }
    }

    #[test]
    fn the_context_is_the_latest_answered_turn_and_totals_add_every_turn() {
        let messages = [
            message("msg_1", "user", 1_000, ""),
            turn("msg_2", 2_000, 100, 20, 0.25),
            message("msg_3", "user", 3_000, ""),
            turn("msg_4", 4_000, 300, 40, 0.5),
            // Still streaming: it does not say what the context holds yet.
            message(
                "msg_5",
                "assistant",
                5_000,
                r#","tokens":{"input":0,"output":0}"#,
            ),
        ];
        let usage = chat_usage("ses_1", &messages, &choices(Some(1_000)));
        assert_eq!(usage.context_tokens, 300 + 40 + 10);
        assert_eq!(usage.context_window, Some(1_000));
        assert_eq!(usage.percent(), Some(35));
        assert_eq!(usage.model.as_deref(), Some("scripted/m"));
        assert_eq!(usage.totals.tokens.input, 400);
        assert_eq!(usage.totals.tokens.total(), 400 + 60 + 20);
        assert!((usage.totals.cost - 0.75).abs() < 1e-9);
        assert_eq!(usage.totals.turns, 2);
    }

    #[test]
    fn before_any_answer_the_default_model_shows_an_empty_context() {
        let usage = chat_usage("ses_1", &[], &choices(Some(8_000)));
        assert_eq!(usage.context_tokens, 0);
        assert_eq!(usage.percent(), Some(0));
        assert_eq!(usage.totals.turns, 0);
    }

    #[test]
    fn a_model_without_a_known_window_has_tokens_but_no_percentage() {
        let messages = [turn("msg_1", 1, 50, 5, 0.0)];
        let usage = chat_usage("ses_1", &messages, &choices(None));
        assert_eq!(usage.context_tokens, 65);
        assert_eq!(usage.percent(), None);
        let other = Choices::default();
        assert_eq!(chat_usage("ses_1", &messages, &other).context_window, None);
    }

    #[test]
    fn turns_are_added_up_on_the_utc_day_they_began() {
        let mut days = BTreeMap::new();
        let late = DAY_MS - 1;
        add_per_day(
            &[
                turn("msg_1", late, 10, 1, 0.0),
                turn("msg_2", DAY_MS, 20, 2, 0.0),
            ],
            &mut days,
        );
        add_per_day(&[turn("msg_3", DAY_MS + 5, 30, 3, 0.0)], &mut days);
        let summary: Vec<_> = days
            .iter()
            .map(|(day, t)| (*day, t.tokens.input, t.turns))
            .collect();
        assert_eq!(summary, [(0, 10, 1), (DAY_MS, 50, 2)]);
    }
}
