//! Adding up a session's model calls: pure functions over opencode's
//! messages, counted as opencode counts them. Each call of a turn ends in
//! a `step-finish` part with that call's tokens and cost (a message's own
//! `tokens` are its last call's only; its `cost` is their sum); the
//! context is the latest turn that answered, as opencode's own UI shows it.

use std::collections::BTreeMap;

use crate::model::usage::{ChatUsage, DAY_MS, UsageTotals};
use crate::opencode::{Choices, MessageWithParts, PartBody, Role, Tokens};

/// One model call's tokens and cost.
struct Call {
    tokens: Tokens,
    cost: f64,
}

/// The model calls of an assistant message that reported usage (a turn
/// still streaming, or stopped before its model answered, has none yet).
/// A message without `step-finish` parts (older opencode) counts as one
/// call with its own tokens and cost.
fn calls(message: &MessageWithParts) -> Vec<Call> {
    if message.info.role != Role::Assistant {
        return Vec::new();
    }
    let steps: Vec<Call> = message
        .parts
        .iter()
        .filter_map(|part| match &part.body {
            PartBody::StepFinish { tokens, cost, .. } => Some(Call {
                tokens: (*tokens)?,
                cost: cost.unwrap_or_default(),
            }),
            _ => None,
        })
        .collect();
    if !steps.is_empty() {
        return steps;
    }
    message
        .info
        .tokens
        .filter(|t| t.total() > 0)
        .map(|tokens| Call {
            tokens,
            cost: message.info.cost.unwrap_or_default(),
        })
        .into_iter()
        .collect()
}

fn add(sum: &mut UsageTotals, call: &Call) {
    sum.tokens.add(&call.tokens);
    sum.cost += call.cost;
    sum.model_calls = sum.model_calls.saturating_add(1);
}

/// Every model call of `messages` added up.
pub fn totals(messages: &[MessageWithParts]) -> UsageTotals {
    let mut sum = UsageTotals::default();
    for call in messages.iter().flat_map(calls) {
        add(&mut sum, &call);
    }
    sum
}

/// The model calls of `messages` added up per UTC day their turn began on,
/// into `days` (keyed by the day's first millisecond).
pub fn add_per_day(messages: &[MessageWithParts], days: &mut BTreeMap<u64, UsageTotals>) {
    for message in messages {
        let day = message.info.time.created / DAY_MS * DAY_MS;
        for call in calls(message) {
            add(days.entry(day).or_default(), &call);
        }
    }
}

/// What a run of a session's messages adds up to, in order, so that
/// later messages can be added to it without reading the earlier ones
/// again (see `usage::settled`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tally {
    totals: UsageTotals,
    /// The latest turn that answered (one with output): the context it
    /// held and its model.
    answered: Option<(u64, Option<String>)>,
    /// The model the latest prompt went to (`None` also when it named none).
    prompted: Option<String>,
}

impl Tally {
    pub fn of(messages: &[MessageWithParts]) -> Self {
        let mut tally = Self::default();
        for message in messages {
            tally.add(message);
        }
        tally
    }

    /// Adds the message that follows the ones added so far.
    pub fn add(&mut self, message: &MessageWithParts) {
        for call in calls(message) {
            add(&mut self.totals, &call);
        }
        let info = &message.info;
        match info.role {
            Role::Assistant => {
                if let Some(tokens) = info.tokens.filter(|t| t.output > 0) {
                    self.answered = Some((tokens.total(), info.model_choice()));
                }
            }
            Role::User => self.prompted = info.model_choice(),
            Role::Other => {}
        }
    }

    /// The session's context and usage: the context held by its latest
    /// turn that answered, against the window of that turn's model; before
    /// any, the model its last prompt went to, else the default one, at 0
    /// tokens.
    pub fn usage(&self, session_id: &str, choices: &Choices) -> ChatUsage {
        let (context_tokens, answered_model) = self.answered.clone().unwrap_or_default();
        let model = answered_model
            .or_else(|| self.prompted.clone())
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
            totals: self.totals,
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::opencode::ModelChoice;

    fn chat_usage(session_id: &str, messages: &[MessageWithParts], choices: &Choices) -> ChatUsage {
        Tally::of(messages).usage(session_id, choices)
    }

    fn message(id: &str, role: &str, created: u64, extra: &str, parts: &str) -> MessageWithParts {
        let json = format!(
            r#"{{"info":{{"id":"{id}","sessionID":"ses_1","role":"{role}",
                "time":{{"created":{created}}}{extra}}},"parts":[{parts}]}}"#
        );
        serde_json::from_str(&json).expect("message")
    }

    fn tokens(input: u64, output: u64) -> String {
        format!(
            r#"{{"input":{input},"output":{output},"reasoning":0,"cache":{{"read":10,"write":0}}}}"#
        )
    }

    fn step(id: &str, input: u64, output: u64, cost: f64) -> String {
        format!(
            r#"{{"id":"{id}","sessionID":"ses_1","messageID":"m","type":"step-finish",
                "reason":"stop","cost":{cost},"tokens":{}}}"#,
            tokens(input, output)
        )
    }

    /// An assistant turn of one call per `(input, output, cost)`; its own
    /// tokens are its last call's, its cost their sum, as opencode keeps them.
    fn turn(id: &str, created: u64, calls: &[(u64, u64, f64)]) -> MessageWithParts {
        let (input, output, _) = calls.last().copied().unwrap_or_default();
        let cost: f64 = calls.iter().map(|c| c.2).sum();
        let extra = format!(
            r#","providerID":"scripted","modelID":"m","cost":{cost},"tokens":{}"#,
            tokens(input, output)
        );
        let parts: Vec<String> = calls
            .iter()
            .enumerate()
            .map(|(i, (input, output, cost))| {
                step(&format!("prt_{id}_{i}"), *input, *output, *cost)
            })
            .collect();
        message(id, "assistant", created, &extra, &parts.join(","))
    }

    /// The scripted model with a `window`, the default.
    pub(in crate::server::usage) fn choices(window: Option<u64>) -> Choices {
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
    fn the_context_is_the_latest_answered_turn_and_totals_add_every_call() {
        let messages = [
            message("msg_1", "user", 1_000, "", ""),
            turn("msg_2", 2_000, &[(100, 20, 0.25)]),
            message("msg_3", "user", 3_000, "", ""),
            // A tool call, then the answer: two calls in one turn.
            turn("msg_4", 4_000, &[(200, 5, 0.125), (300, 40, 0.5)]),
            // Still streaming: it does not say what the context holds yet.
            message(
                "msg_5",
                "assistant",
                5_000,
                r#","tokens":{"input":0,"output":0}"#,
                "",
            ),
        ];
        let usage = chat_usage("ses_1", &messages, &choices(Some(1_000)));
        assert_eq!(usage.context_tokens, 300 + 40 + 10);
        assert_eq!(usage.context_window, Some(1_000));
        assert_eq!(usage.percent(), Some(35));
        assert_eq!(usage.model.as_deref(), Some("scripted/m"));
        assert_eq!(usage.totals.tokens.input, 600);
        assert_eq!(usage.totals.tokens.total(), 600 + 65 + 30);
        assert!((usage.totals.cost - 0.875).abs() < 1e-9);
        assert_eq!(usage.totals.model_calls, 3);
    }

    #[test]
    fn a_turn_without_step_parts_counts_as_one_call() {
        let extra = format!(r#","cost":0.5,"tokens":{}"#, tokens(40, 2));
        let old = message("msg_1", "assistant", 1, &extra, "");
        let sum = totals(&[old]);
        assert_eq!((sum.tokens.input, sum.model_calls), (40, 1));
        assert!((sum.cost - 0.5).abs() < 1e-9);
    }

    #[test]
    fn before_any_answer_the_default_model_shows_an_empty_context() {
        let usage = chat_usage("ses_1", &[], &choices(Some(8_000)));
        assert_eq!(usage.context_tokens, 0);
        assert_eq!(usage.percent(), Some(0));
        assert_eq!(usage.totals.model_calls, 0);
    }

    #[test]
    fn a_model_without_a_known_window_has_tokens_but_no_percentage() {
        let messages = [turn("msg_1", 1, &[(50, 5, 0.0)])];
        let usage = chat_usage("ses_1", &messages, &choices(None));
        assert_eq!(usage.context_tokens, 65);
        assert_eq!(usage.percent(), None);
        let other = Choices::default();
        assert_eq!(chat_usage("ses_1", &messages, &other).context_window, None);
    }

    #[test]
    fn calls_are_added_up_on_the_utc_day_their_turn_began() {
        let mut days = BTreeMap::new();
        let late = DAY_MS - 1;
        add_per_day(
            &[
                turn("msg_1", late, &[(10, 1, 0.0)]),
                turn("msg_2", DAY_MS, &[(20, 2, 0.0)]),
            ],
            &mut days,
        );
        add_per_day(&[turn("msg_3", DAY_MS + 5, &[(30, 3, 0.0)])], &mut days);
        let summary: Vec<_> = days
            .iter()
            .map(|(day, t)| (*day, t.tokens.input, t.model_calls))
            .collect();
        assert_eq!(summary, [(0, 10, 1), (DAY_MS, 50, 2)]);
    }
}
