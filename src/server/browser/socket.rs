//! `GET /pocket/browser/socket?repo=…&chat=…`: the Browser panel's
//! WebSocket (behind the auth wall like every `/pocket/` path). Frames go
//! out one at a time, each after the previous one was acked, always the
//! latest: a slow client gets fewer frames, never a queue; while it lags,
//! frames get cheaper.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use futures::{SinkExt, StreamExt};
use serde::Deserialize;
use tokio::sync::watch;

use super::input;
use super::instance::{ChatBrowser, Frame};
use super::screencast::LEVELS;
use crate::model::browser::{BrowserStatus, ClientMessage, FrameHeader, ServerMessage, join_frame};
use crate::server::state::AppState;

/// Acks slower than this (ms, smoothed) make frames cheaper…
const LAGGING_MS: f64 = 250.0;
/// …and faster than this make them better again.
const KEEPING_UP_MS: f64 = 80.0;
/// The least time between two changes of quality.
const SETTLE: Duration = Duration::from_secs(1);
/// How long a failed join waits to learn that Chromium ended.
const JOIN_SETTLE: Duration = Duration::from_secs(3);

#[derive(Deserialize)]
pub struct SocketQuery {
    repo: String,
    chat: String,
}

pub async fn socket(
    State(state): State<AppState>,
    Query(query): Query<SocketQuery>,
    upgrade: WebSocketUpgrade,
) -> Response {
    let key = crate::server::chats::ChatRef::parse(&query.repo, &query.chat)
        .and_then(|chat| chat.worktree().map(|name| name.as_string()));
    let key = match key {
        Ok(key) => key,
        Err(err) => return error_response(err.status(), err.to_string()),
    };
    let Some(browser) = state.browsers.get(&key) else {
        let err = super::BrowserError::NotRunning;
        return error_response(err.status(), err.to_string());
    };
    upgrade
        .max_message_size(64 * 1024)
        .on_upgrade(move |socket| serve(socket, browser))
}

fn error_response(status: u16, message: String) -> Response {
    let status = axum::http::StatusCode::from_u16(status)
        .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
    (status, message).into_response()
}

/// Where one client stands: the frame it has not acked yet, how fast it
/// acks, and the quality level asked for it.
struct Pace {
    waiting_for: Option<(u64, Instant)>,
    sent: u64,
    lag_ms: f64,
    level: usize,
    changed_at: Instant,
}

impl Pace {
    /// The ack of frame `seq`: returns a new level when it should change.
    fn acked(&mut self, seq: u64) -> Option<usize> {
        let (waited, since) = self.waiting_for?;
        if waited != seq {
            return None;
        }
        self.waiting_for = None;
        let took = since.elapsed().as_secs_f64() * 1000.0;
        self.lag_ms = 0.7 * self.lag_ms + 0.3 * took;
        if self.changed_at.elapsed() < SETTLE {
            return None;
        }
        let level = if self.lag_ms > LAGGING_MS {
            (self.level + 1).min(LEVELS.len() - 1)
        } else if self.lag_ms < KEEPING_UP_MS {
            self.level.saturating_sub(1)
        } else {
            self.level
        };
        (level != self.level).then(|| {
            self.level = level;
            self.changed_at = Instant::now();
            level
        })
    }
}

async fn serve(socket: WebSocket, browser: Arc<ChatBrowser>) {
    let (mut sink, mut incoming) = socket.split();
    if browser.client_joined().await.is_err() {
        let message = match ended_within(browser.watch_status(), JOIN_SETTLE).await {
            Some(status) => ServerMessage::Status { status },
            None => ServerMessage::Error {
                message: "the browser does not answer: restart it".into(),
            },
        };
        let _ = sink.send(text(&message)).await;
        return;
    }
    let mut frames = browser.watch_frames();
    let mut page = browser.watch_page();
    let mut status = browser.watch_status();
    let first = [
        ServerMessage::Status {
            status: status.borrow_and_update().clone(),
        },
        page_message(&page.borrow_and_update()),
    ];
    for message in first {
        if sink.send(text(&message)).await.is_err() {
            browser.client_left().await;
            return;
        }
    }
    let mut pace = Pace {
        waiting_for: None,
        sent: 0,
        lag_ms: 0.0,
        level: 0,
        changed_at: Instant::now(),
    };
    // A frame that came while the client had not acked the last one.
    let mut due = frames.borrow_and_update().is_some();
    loop {
        if due && pace.waiting_for.is_none() {
            let frame = frames.borrow_and_update().clone();
            due = false;
            if let Some(frame) = frame.filter(|f| f.seq > pace.sent) {
                if sink.send(frame_message(&frame)).await.is_err() {
                    break;
                }
                pace.sent = frame.seq;
                pace.waiting_for = Some((frame.seq, Instant::now()));
            }
        }
        tokio::select! {
            changed = frames.changed() => {
                if changed.is_err() { break; }
                due = true;
            }
            changed = page.changed() => {
                if changed.is_err() { break; }
                let message = page_message(&page.borrow_and_update());
                if sink.send(text(&message)).await.is_err() { break; }
            }
            changed = status.changed() => {
                if changed.is_err() { break; }
                let now = status.borrow_and_update().clone();
                let over = !matches!(now, BrowserStatus::Running { .. });
                if sink.send(text(&ServerMessage::Status { status: now })).await.is_err() || over {
                    break;
                }
            }
            message = incoming.next() => {
                let Some(Ok(message)) = message else { break };
                let Message::Text(body) = message else { continue };
                let reply = handle(&browser, &mut pace, body.as_str()).await;
                if let Some(reply) = reply && sink.send(text(&reply)).await.is_err() {
                    break;
                }
                due = due || pace.waiting_for.is_none();
            }
        }
    }
    browser.client_left().await;
}

/// The browser's status once it is no longer running, if that comes
/// within `limit`. A panel that connects just as Chromium dies (its join
/// fails) is told that it stopped and how, which it can restart from,
/// rather than that it does not answer.
async fn ended_within(
    mut status: watch::Receiver<BrowserStatus>,
    limit: Duration,
) -> Option<BrowserStatus> {
    let ended = status.wait_for(|s| !matches!(s, BrowserStatus::Running { .. }));
    match tokio::time::timeout(limit, ended).await {
        Ok(Ok(status)) => Some(status.clone()),
        _ => None,
    }
}

/// Carries out one client message; returns what to tell the client.
async fn handle(browser: &ChatBrowser, pace: &mut Pace, body: &str) -> Option<ServerMessage> {
    let message = match serde_json::from_str::<ClientMessage>(body) {
        Ok(message) => message,
        Err(err) => {
            return Some(ServerMessage::Error {
                message: format!("the panel sent a message the server does not know: {err}"),
            });
        }
    };
    browser.touch();
    let result = match &message {
        ClientMessage::Ack { seq } => {
            // Quality is the server's business: a failed change is retried
            // with the next one, never the user's concern.
            if let Some(level) = pace.acked(*seq)
                && let Err(err) = browser.set_level(level).await
            {
                tracing::debug!(%err, "frame quality unchanged");
            }
            Ok(())
        }
        ClientMessage::Viewport {
            width,
            height,
            ratio,
        } => browser.set_viewport(*width, *height, *ratio).await,
        other => input::apply(&browser.cdp, other).await,
    };
    result.err().map(|err| ServerMessage::Error {
        message: err.to_string(),
    })
}

fn text(message: &ServerMessage) -> Message {
    Message::text(serde_json::to_string(message).unwrap_or_default())
}

fn page_message(page: &super::instance::PageInfo) -> ServerMessage {
    ServerMessage::Page {
        url: page.url.clone(),
        title: page.title.clone(),
    }
}

fn frame_message(frame: &Frame) -> Message {
    let header = FrameHeader {
        seq: frame.seq,
        page_width: frame.page_width,
        page_height: frame.page_height,
        quality: frame.quality,
    };
    Message::binary(join_frame(&header, &frame.jpeg))
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUNNING: BrowserStatus = BrowserStatus::Running {
        pid: 7,
        sandboxed: false,
    };

    #[tokio::test]
    async fn a_join_that_failed_as_chromium_died_learns_how_it_ended() {
        let (tx, rx) = watch::channel(RUNNING);
        let crashed = BrowserStatus::Crashed {
            message: "Chromium was killed by signal 9".into(),
        };
        let later = crashed.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            tx.send_replace(later);
            // Kept open: the status is read before the sender goes.
            tokio::time::sleep(Duration::from_secs(1)).await;
        });
        assert_eq!(ended_within(rx, JOIN_SETTLE).await, Some(crashed));
    }

    #[tokio::test]
    async fn an_ended_browser_is_told_at_once_and_a_running_one_not_at_all() {
        let (_tx, rx) = watch::channel(BrowserStatus::Stopped);
        assert_eq!(
            ended_within(rx, Duration::from_millis(1)).await,
            Some(BrowserStatus::Stopped)
        );
        let (_tx, rx) = watch::channel(RUNNING);
        assert_eq!(ended_within(rx, Duration::from_millis(100)).await, None);
    }
}
