//! The OpenAI routes: chat completions (streamed or not), the model list
//! and speech to text; with the share service's stand-in next to them.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::Sse;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router, middleware};
use futures::StreamExt;
use tokio::sync::watch;

use super::completion::{ChatRequest, ErrorBody, ErrorDetail, ModelEntry, ModelList};
use super::key::{KeyCheck, require_key};
use super::scenario::{self, Failure, Reply};
use super::stream::{self, Answer};
use super::transcription::Transcriptions;
use super::usage_log::{ReportedUsage, UsageLog};
use super::{LITE_MODEL_ID, MODEL_ID};

#[derive(Clone)]
pub(super) struct ModelState {
    pub(super) requests: Arc<AtomicU64>,
    pub(super) key: KeyCheck,
    pub(super) transcriptions: Transcriptions,
    pub(super) usage: UsageLog,
    /// Turns `true` when the server stops, ending streams still running
    /// (a slow scenario would otherwise hold the graceful shutdown for ~30 s).
    pub(super) stopping: watch::Receiver<bool>,
}

/// `/v1/chat/completions`, `/v1/models` and `/v1/audio/transcriptions`
/// (which require `api_key`), for serving anywhere.
pub fn router(api_key: &str) -> Router {
    let (_never_stops, stopping) = watch::channel(false);
    app(ModelState {
        requests: Arc::default(),
        key: KeyCheck::new(api_key),
        transcriptions: Transcriptions::default(),
        usage: UsageLog::default(),
        stopping,
    })
}

pub(super) fn app(state: ModelState) -> Router {
    let key = state.key.clone();
    Router::new()
        .route("/v1/chat/completions", post(chat_completions))
        .route("/v1/models", get(models))
        .merge(super::transcription::routes(state.transcriptions.clone()))
        .route_layer(middleware::from_fn_with_state(key, require_key))
        .with_state(state)
        // opencode reaches the share service directly, without a key.
        .merge(super::share::routes(super::share::Shares::default()))
}

async fn chat_completions(
    State(state): State<ModelState>,
    Json(request): Json<ChatRequest>,
) -> Response {
    let number = state.requests.fetch_add(1, Ordering::Relaxed) + 1;
    let reply = scenario::reply(&request, number);
    tracing::debug!(
        number,
        stream = request.stream,
        messages = request.messages.len(),
        tools = request.tools.as_ref().map_or(0, Vec::len),
        reply = %describe(&reply),
        "scripted model request"
    );
    let reply = match reply {
        Ok(reply) => reply,
        Err(failure) => return failure_response(failure),
    };
    let answer = Answer {
        id: format!("chatcmpl-scripted-{number}"),
        model: if request.model.is_empty() {
            MODEL_ID.to_owned()
        } else {
            request.model.clone()
        },
        prompt_tokens: estimate_tokens(&request),
        reply,
    };
    state.usage.record(ReportedUsage {
        side_job: !request.has_tools(),
        prompt_tokens: answer.prompt_tokens,
        completion_tokens: answer.reply.completion_tokens(),
    });
    if request.stream {
        let events = stream::events(answer).take_until(stopped(state.stopping));
        Sse::new(events).into_response()
    } else {
        Json(stream::completion(answer)).into_response()
    }
}

async fn models() -> Json<ModelList> {
    Json(ModelList {
        object: "list",
        data: [MODEL_ID, LITE_MODEL_ID]
            .into_iter()
            .map(|id| ModelEntry {
                id,
                object: "model",
                created: 0,
                owned_by: "pocketcode",
            })
            .collect(),
    })
}

fn failure_response(failure: Failure) -> Response {
    let status = StatusCode::from_u16(failure.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let kind = if status.is_server_error() {
        "server_error"
    } else {
        "invalid_request_error"
    };
    let body = ErrorBody {
        error: ErrorDetail {
            message: failure.message,
            kind,
            code: "scripted_error",
        },
    };
    (status, Json(body)).into_response()
}

/// One line for the log; a slow reply's hundred chunks would drown it.
fn describe(reply: &Result<Reply, Failure>) -> String {
    match reply {
        Ok(Reply::Text { chunks, pause }) => {
            format!("text in {} chunks, {pause:?} apart", chunks.len())
        }
        Ok(Reply::ToolCall {
            name, arguments, ..
        }) => format!("{name} tool call {arguments}"),
        Err(failure) => format!("HTTP {} ({})", failure.status, failure.message),
    }
}

/// A rough count (4 characters a token) so opencode shows plausible usage.
fn estimate_tokens(request: &ChatRequest) -> u64 {
    let chars: usize = request.messages.iter().map(|m| m.text().len()).sum();
    u64::try_from(chars / 4).unwrap_or(u64::MAX)
}

/// Resolves once `stopping` turns true; never, if its sender is gone
/// without saying so (a bare [`router`] is never stopped).
pub(super) async fn stopped(mut stopping: watch::Receiver<bool>) {
    if stopping.wait_for(|stop| *stop).await.is_err() {
        std::future::pending::<()>().await;
    }
}
