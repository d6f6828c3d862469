//! [`ScriptedModel`]: the routes served on a loopback port for as long as
//! the handle lives.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::serve::ListenerExt as _;
use tokio::sync::watch;

use super::key::{KeyCheck, random_key};
use super::routes::{ModelState, app, stopped};
use super::transcription::{TranscriptionUpload, Transcriptions};
use super::usage_log::{ReportedUsage, UsageLog};
use crate::server::served::{ServedTask, on_own_thread};

/// The scripted model served on a loopback port in a background task.
/// Dropping it stops the server too.
pub struct ScriptedModel {
    addr: SocketAddr,
    api_key: String,
    key: KeyCheck,
    requests: Arc<AtomicU64>,
    transcriptions: Transcriptions,
    usage: UsageLog,
    served: ServedTask,
}

impl ScriptedModel {
    /// Serves on a free port of 127.0.0.1, requiring a random key.
    pub async fn start() -> std::io::Result<Self> {
        Self::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), random_key()).await
    }

    /// Serves on `addr`, requiring `api_key`.
    pub async fn bind(addr: SocketAddr, api_key: String) -> std::io::Result<Self> {
        // Bound here, registered with the runtime that serves it.
        let listener = std::net::TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let (stopping, stopping_rx) = watch::channel(false);
        let key = KeyCheck::new(&api_key);
        let state = ModelState {
            requests: Arc::default(),
            key: key.clone(),
            transcriptions: Transcriptions::default(),
            usage: UsageLog::default(),
            stopping: stopping_rx.clone(),
        };
        let requests = state.requests.clone();
        let transcriptions = state.transcriptions.clone();
        let usage = state.usage.clone();
        let router = app(state);
        // The stand-in for a remote provider must not take pocketcode's
        // workers: in a bench its streams would count as pocketcode's time.
        let task = on_own_thread("scripted-model", async move {
            let listener = match tokio::net::TcpListener::from_std(listener) {
                Ok(listener) => listener,
                Err(err) => {
                    tracing::warn!(%err, "the scripted model cannot listen");
                    return;
                }
            };
            // Each SSE event leaves at once, as a provider's do: without
            // TCP_NODELAY a small write can wait ~40 ms for a delayed ACK.
            let listener = listener.tap_io(|tcp| {
                let _ = tcp.set_nodelay(true);
            });
            let served = axum::serve(listener, router)
                .with_graceful_shutdown(stopped(stopping_rx))
                .await;
            if let Err(err) = served {
                tracing::warn!(%err, "the scripted model stopped serving");
            }
        })?;
        Ok(Self {
            addr,
            api_key,
            key,
            requests,
            transcriptions,
            usage,
            served: ServedTask::new(stopping, task),
        })
    }

    /// The OpenAI base URL, e.g. `http://127.0.0.1:PORT/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The key its OpenAI routes require (`Authorization: Bearer <key>`).
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// The stand-in share service's URL (opencode's `enterprise.url`).
    pub fn share_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// opencode's config for talking to this model directly, key included
    /// (for an opencode that is not pocketcode's: the remote machine's in
    /// tests, or one started by hand).
    pub fn opencode_config(&self) -> serde_json::Value {
        super::opencode_config(&self.base_url(), &self.api_key, &self.share_url())
    }

    /// The distinct `Authorization` headers requests arrived with, in the
    /// order first seen (`""` for none; the first 16 only).
    pub fn authorizations(&self) -> Vec<String> {
        self.key.seen()
    }

    /// How many chat-completion requests arrived so far (title jobs included).
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// The recordings `/v1/audio/transcriptions` accepted so far, in order.
    pub fn transcriptions(&self) -> Vec<TranscriptionUpload> {
        self.transcriptions.uploads()
    }

    /// What `/v1/audio/transcriptions` answers from now on.
    pub fn set_transcription_text(&self, text: &str) {
        self.transcriptions.set_text(text);
    }

    /// The usage each answer reported, in order (the first 10,000).
    pub fn reported_usage(&self) -> Vec<ReportedUsage> {
        self.usage.reported()
    }

    /// Ends running streams, closes connections and waits (briefly) for it.
    pub async fn stop(self) {
        self.served.stop().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::scripted_model::MODEL_ID;
    use crate::server::served::STOP_GRACE;
    use serde_json::{Value, json};
    use std::time::Duration;

    async fn post(model: &ScriptedModel, body: Value) -> reqwest::Response {
        reqwest::Client::new()
            .post(format!("{}/chat/completions", model.base_url()))
            .bearer_auth(model.api_key())
            .json(&body)
            .send()
            .await
            .expect("scripted model answers")
    }

    fn body(text: &str, stream: bool) -> Value {
        json!({
            "model": MODEL_ID,
            "stream": stream,
            "tools": [{"type": "function", "function": {"name": "write", "parameters": {}}}],
            "messages": [
                {"role": "system", "content": "<env>\n  Working directory: /w\n</env>"},
                {"role": "user", "content": text},
            ],
        })
    }

    /// The JSON of each `data:` line, `[DONE]` as a string.
    fn data_lines(sse: &str) -> Vec<Value> {
        sse.lines()
            .filter_map(|l| l.strip_prefix("data: "))
            .map(|d| serde_json::from_str(d).unwrap_or_else(|_| Value::String(d.to_owned())))
            .collect()
    }

    #[tokio::test]
    async fn streams_text_then_usage_then_done() {
        let model = ScriptedModel::start().await.expect("start");
        let response = post(&model, body("Hello model", true)).await;
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        let lines = data_lines(&response.text().await.expect("body"));
        let text: String = lines
            .iter()
            .filter_map(|l| l["choices"][0]["delta"]["content"].as_str())
            .collect();
        assert!(text.contains("You said: \"Hello model\""), "{text}");
        assert!(lines.len() > 5);
        let last = &lines[lines.len() - 2];
        assert_eq!(last["choices"][0]["finish_reason"], "stop");
        assert!(last["usage"]["total_tokens"].as_u64().is_some());
        assert_eq!(lines[lines.len() - 1], "[DONE]");
        assert_eq!(model.requests(), 1);
        model.stop().await;
    }

    #[tokio::test]
    async fn streams_a_tool_call() {
        let model = ScriptedModel::start().await.expect("start");
        let response = post(&model, body("[scenario:write path=a.txt content=x]", true)).await;
        let lines = data_lines(&response.text().await.expect("body"));
        let call = &lines[0]["choices"][0]["delta"]["tool_calls"][0];
        assert_eq!(call["function"]["name"], "write");
        let arguments = lines[1]["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"]
            .as_str()
            .expect("arguments text");
        let arguments: Value = serde_json::from_str(arguments).expect("arguments JSON");
        assert_eq!(arguments, json!({"filePath": "/w/a.txt", "content": "x"}));
        assert_eq!(lines[2]["choices"][0]["finish_reason"], "tool_calls");
        model.stop().await;
    }

    #[tokio::test]
    async fn answers_without_streaming_and_lists_models() {
        let model = ScriptedModel::start().await.expect("start");
        let reply: Value = post(&model, body("Hi", false))
            .await
            .json()
            .await
            .expect("JSON");
        assert_eq!(reply["object"], "chat.completion");
        let content = reply["choices"][0]["message"]["content"]
            .as_str()
            .expect("content");
        assert!(content.contains("\"Hi\""));
        let models: Value = reqwest::Client::new()
            .get(format!("{}/models", model.base_url()))
            .bearer_auth(model.api_key())
            .send()
            .await
            .expect("models")
            .json()
            .await
            .expect("JSON");
        assert_eq!(models["data"][0]["id"], MODEL_ID);
        model.stop().await;
    }

    #[tokio::test]
    async fn a_request_without_the_key_gets_401_and_no_answer() {
        let model = ScriptedModel::start().await.expect("start");
        let url = format!("{}/chat/completions", model.base_url());
        let client = reqwest::Client::new();
        let missing = client.post(&url).json(&body("Hi", true)).send().await;
        let wrong = client
            .post(&url)
            .bearer_auth("sk-wrong")
            .json(&body("Hi", true))
            .send()
            .await;
        for response in [missing, wrong] {
            let response = response.expect("answers");
            assert_eq!(response.status(), 401);
            let error: Value = response.json().await.expect("JSON");
            assert_eq!(error["error"]["code"], "invalid_api_key");
        }
        assert_eq!(model.requests(), 0);
        assert_eq!(model.authorizations(), ["", "Bearer sk-wrong"]);
        model.stop().await;
    }

    #[tokio::test]
    async fn error_scenario_sends_an_openai_error() {
        let model = ScriptedModel::start().await.expect("start");
        let response = post(&model, body("[scenario:error message=nope]", true)).await;
        assert_eq!(response.status(), 400);
        let error: Value = response.json().await.expect("JSON");
        assert_eq!(error["error"]["message"], "nope");
        assert_eq!(error["error"]["type"], "invalid_request_error");
        model.stop().await;
    }

    #[tokio::test]
    async fn stop_ends_a_running_slow_stream() {
        let model = ScriptedModel::start().await.expect("start");
        let mut response = post(&model, body("[scenario:slow chunks=100 ms=1000]", true)).await;
        let first = response
            .chunk()
            .await
            .expect("read")
            .expect("a first chunk");
        assert!(String::from_utf8_lossy(&first).contains("Slow chunk 1 of 100"));
        let started = tokio::time::Instant::now();
        model.stop().await;
        while let Ok(Some(_)) = response.chunk().await {}
        assert!(started.elapsed() < STOP_GRACE + Duration::from_secs(1));
    }
}
