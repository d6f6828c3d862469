//! A Chrome DevTools Protocol connection to one page: calls answered by
//! id, events handed to whoever owns the connection. Only ever to
//! Chromium's loopback port.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message;

use super::BrowserError;

/// A call Chromium does not answer within this is given up.
const CALL_TIMEOUT: Duration = Duration::from_secs(15);

type Pending = Arc<Mutex<HashMap<u64, oneshot::Sender<Result<Value, String>>>>>;

/// An event Chromium sent: its method and parameters.
#[derive(Debug)]
pub struct Event {
    pub method: String,
    pub params: Value,
}

/// The sending half of a page connection; cheap to clone.
#[derive(Clone)]
pub struct Cdp {
    outgoing: mpsc::UnboundedSender<Message>,
    pending: Pending,
    next_id: Arc<AtomicU64>,
}

#[derive(Deserialize)]
struct Target {
    #[serde(rename = "type")]
    kind: String,
    #[serde(rename = "webSocketDebuggerUrl", default)]
    ws_url: String,
}

#[derive(Deserialize)]
struct Incoming {
    #[serde(default)]
    id: Option<u64>,
    #[serde(default)]
    result: Option<Value>,
    #[serde(default)]
    error: Option<Value>,
    #[serde(default)]
    method: Option<String>,
    #[serde(default)]
    params: Value,
}

impl Cdp {
    /// Connects to the first page of the Chromium on `port`; its events
    /// arrive on the returned receiver until the connection closes.
    pub async fn connect_page(
        http: &reqwest::Client,
        port: u16,
    ) -> Result<(Self, mpsc::UnboundedReceiver<Event>), BrowserError> {
        let cdp_error = |e: &dyn std::fmt::Display| BrowserError::Cdp(e.to_string());
        let targets: Vec<Target> = http
            .get(format!("http://127.0.0.1:{port}/json/list"))
            .timeout(CALL_TIMEOUT)
            .send()
            .await
            .map_err(|e| cdp_error(&e))?
            .json()
            .await
            .map_err(|e| cdp_error(&e))?;
        let url = match targets.into_iter().find(|t| t.kind == "page") {
            Some(page) => page.ws_url,
            None => Self::new_page(http, port).await?,
        };
        if !url.starts_with("ws://127.0.0.1:") && !url.starts_with("ws://localhost:") {
            return Err(BrowserError::Cdp(format!("unexpected page address {url}")));
        }
        let (socket, _) = tokio_tungstenite::connect_async(url.as_str())
            .await
            .map_err(|e| cdp_error(&e))?;
        let (mut sink, stream) = socket.split();
        let (outgoing, mut to_send) = mpsc::unbounded_channel::<Message>();
        let (events, received) = mpsc::unbounded_channel();
        let pending: Pending = Arc::default();
        tokio::spawn(async move {
            while let Some(message) = to_send.recv().await {
                if sink.send(message).await.is_err() {
                    break;
                }
            }
        });
        tokio::spawn(dispatch(stream, pending.clone(), events));
        Ok((
            Self {
                outgoing,
                pending,
                next_id: Arc::new(AtomicU64::new(1)),
            },
            received,
        ))
    }

    /// A page to use when Chromium has none open.
    async fn new_page(http: &reqwest::Client, port: u16) -> Result<String, BrowserError> {
        let target: Target = http
            .put(format!("http://127.0.0.1:{port}/json/new?about:blank"))
            .timeout(CALL_TIMEOUT)
            .send()
            .await
            .map_err(|e| BrowserError::Cdp(e.to_string()))?
            .json()
            .await
            .map_err(|e| BrowserError::Cdp(e.to_string()))?;
        Ok(target.ws_url)
    }

    /// Calls `method` and waits for its result.
    pub async fn call(&self, method: &str, params: Value) -> Result<Value, BrowserError> {
        self.call_within(method, params, CALL_TIMEOUT)
            .await?
            .ok_or_else(|| {
                BrowserError::Cdp(format!("{method} got no answer within {CALL_TIMEOUT:?}"))
            })
    }

    /// Calls `method` and waits up to `within` for its result: `Ok(None)`
    /// when none came in time (Chromium may still carry the call out).
    pub async fn call_within(
        &self,
        method: &str,
        params: Value,
        within: Duration,
    ) -> Result<Option<Value>, BrowserError> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (answer, answered) = oneshot::channel();
        if let Ok(mut pending) = self.pending.lock() {
            pending.insert(id, answer);
        }
        let message = json!({ "id": id, "method": method, "params": params }).to_string();
        if self.outgoing.send(Message::text(message)).is_err() {
            return Err(BrowserError::Cdp("the connection is closed".into()));
        }
        match tokio::time::timeout(within, answered).await {
            Ok(Ok(Ok(result))) => Ok(Some(result)),
            Ok(Ok(Err(message))) => Err(BrowserError::Protocol {
                method: method.to_owned(),
                message,
            }),
            Ok(Err(_)) => Err(BrowserError::Cdp("the connection closed".into())),
            Err(_) => {
                if let Ok(mut pending) = self.pending.lock() {
                    pending.remove(&id);
                }
                Ok(None)
            }
        }
    }

    /// Sends `method` without waiting for its result (acks, for instance).
    pub fn notify(&self, method: &str, params: Value) {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let message = json!({ "id": id, "method": method, "params": params }).to_string();
        let _ = self.outgoing.send(Message::text(message));
    }
}

/// Reads what Chromium sends: answers go to the calls waiting for them,
/// events to `events`. When the socket closes, every call still waiting
/// fails.
async fn dispatch<E>(
    mut stream: impl futures::Stream<Item = Result<Message, E>> + Unpin,
    answers: Pending,
    events: mpsc::UnboundedSender<Event>,
) {
    while let Some(Ok(message)) = stream.next().await {
        let Message::Text(text) = message else {
            continue;
        };
        let Ok(incoming) = serde_json::from_str::<Incoming>(&text) else {
            continue;
        };
        match (incoming.id, incoming.method) {
            (Some(id), _) => {
                let waiter = answers.lock().ok().and_then(|mut p| p.remove(&id));
                if let Some(waiter) = waiter {
                    let answer = match incoming.error {
                        Some(error) => Err(error["message"]
                            .as_str()
                            .unwrap_or("unknown error")
                            .to_owned()),
                        None => Ok(incoming.result.unwrap_or(Value::Null)),
                    };
                    let _ = waiter.send(answer);
                }
            }
            (None, Some(method)) => {
                let _ = events.send(Event {
                    method,
                    params: incoming.params,
                });
            }
            (None, None) => {}
        }
    }
    // Closed: every call still waiting fails now.
    if let Ok(mut waiting) = answers.lock() {
        waiting.clear();
    }
}
