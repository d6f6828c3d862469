//! Turning a [`Reply`] into the wire: a stream of `chat.completion.chunk`
//! events ending in usage, finish reason and `[DONE]`, or one
//! `chat.completion` object.

use std::convert::Infallible;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::response::sse::Event;
use futures::{Stream, StreamExt, stream};

use super::completion::{
    AssistantMessage, ChatChunk, ChatCompletion, Choice, ChunkChoice, Delta, FinishReason,
    FunctionCall, FunctionDelta, ToolCall, ToolCallDelta, Usage,
};
use super::scenario::Reply;

/// A reply with what the wire format needs around it.
pub struct Answer {
    pub id: String,
    pub model: String,
    pub prompt_tokens: u64,
    pub reply: Reply,
}

/// The streamed answer's events. The pauses live inside the stream, so a
/// client that disconnects (opencode aborting) drops the rest of it.
pub fn events(answer: Answer) -> impl Stream<Item = Result<Event, Infallible>> + Send + 'static {
    let created = now();
    let chunk =
        |delta: Delta, finish_reason: Option<FinishReason>, usage: Option<Usage>| ChatChunk {
            id: answer.id.clone(),
            object: "chat.completion.chunk",
            created,
            model: answer.model.clone(),
            choices: vec![ChunkChoice {
                index: 0,
                delta,
                finish_reason,
            }],
            usage,
        };
    let mut steps: Vec<(Duration, ChatChunk)> = Vec::new();
    let completion_tokens = answer.reply.completion_tokens();
    let finish = match &answer.reply {
        Reply::ToolCall {
            id,
            name,
            arguments,
        } => {
            let first = ToolCallDelta {
                index: 0,
                id: Some(id.clone()),
                kind: Some("function"),
                function: FunctionDelta {
                    name: Some(name.clone()),
                    arguments: String::new(),
                },
            };
            // Arguments arrive in a later chunk, as real models send them.
            let rest = ToolCallDelta {
                index: 0,
                id: None,
                kind: None,
                function: FunctionDelta {
                    name: None,
                    arguments: arguments.to_string(),
                },
            };
            for (i, part) in [first, rest].into_iter().enumerate() {
                let delta = Delta {
                    role: (i == 0).then_some("assistant"),
                    tool_calls: Some(vec![part]),
                    ..Delta::default()
                };
                steps.push((Duration::ZERO, chunk(delta, None, None)));
            }
            FinishReason::ToolCalls
        }
        Reply::Text { chunks, pause } => {
            for (i, text) in chunks.iter().enumerate() {
                let delta = Delta {
                    role: (i == 0).then_some("assistant"),
                    content: Some(text.clone()),
                    ..Delta::default()
                };
                let wait = if i == 0 { Duration::ZERO } else { *pause };
                steps.push((wait, chunk(delta, None, None)));
            }
            FinishReason::Stop
        }
    };
    let usage = Usage::new(answer.prompt_tokens, completion_tokens);
    steps.push((
        Duration::ZERO,
        chunk(Delta::default(), Some(finish), Some(usage)),
    ));
    let events = stream::iter(steps).then(|(wait, chunk)| async move {
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        event(&chunk)
    });
    let done = stream::once(async { Ok(Event::default().data("[DONE]")) });
    events.chain(done)
}

/// The whole answer at once, for `stream: false`.
pub fn completion(answer: Answer) -> ChatCompletion {
    let completion_tokens = answer.reply.completion_tokens();
    let (content, tool_calls, finish) = match answer.reply {
        Reply::ToolCall {
            id,
            name,
            arguments,
        } => {
            let call = ToolCall {
                id,
                kind: "function".to_owned(),
                function: FunctionCall {
                    name,
                    arguments: arguments.to_string(),
                },
            };
            (None, Some(vec![call]), FinishReason::ToolCalls)
        }
        Reply::Text { chunks, .. } => (Some(chunks.concat()), None, FinishReason::Stop),
    };
    ChatCompletion {
        id: answer.id,
        object: "chat.completion",
        created: now(),
        model: answer.model,
        choices: vec![Choice {
            index: 0,
            message: AssistantMessage {
                role: "assistant",
                content,
                tool_calls,
            },
            finish_reason: finish,
        }],
        usage: Usage::new(answer.prompt_tokens, completion_tokens),
    }
}

fn event(chunk: &ChatChunk) -> Result<Event, Infallible> {
    // Serialising these plain structs cannot fail; an empty event would
    // only be skipped by the SDK, so there is nothing better to send.
    let data = serde_json::to_string(chunk).unwrap_or_default();
    Ok(Event::default().data(data))
}

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}
