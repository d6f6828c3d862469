//! The live event multiplexer against the real opencode: three worktrees
//! streaming at once into one client stream, transcripts rebuilt from the
//! stream equal to what opencode stored, through 20 cut connections, an
//! opencode crash, and next to a client that never reads.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::TestServer;
use eventsource_stream::Eventsource as _;
use futures::StreamExt;
use pocketcode::opencode::{Event, MessageWithParts, Session, Transcript};
use rand::{Rng as _, SeedableRng as _};
use reqwest::Method;
use serde_json::{Value, json};

const DEADLINE: Duration = Duration::from_secs(120);

/// One item read from `/pocket/events`: its id (if any) and its JSON.
type Item = (Option<String>, Value);

/// Opens the client stream, after `last_id` if given.
async fn open(
    server: &TestServer,
    last_id: Option<&str>,
) -> futures::stream::BoxStream<'static, Item> {
    let mut request = server.http.get(server.url("/pocket/events"));
    if let Some(id) = last_id {
        request = request.header("last-event-id", id);
    }
    let response = request.send().await.expect("GET /pocket/events");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-accel-buffering"], "no");
    response
        .bytes_stream()
        .eventsource()
        .map(|event| {
            let event = event.expect("SSE");
            let id = (!event.id.is_empty()).then_some(event.id);
            (id, serde_json::from_str(&event.data).expect("JSON item"))
        })
        .boxed()
}

fn seq(id: &str) -> u64 {
    id.rsplit_once('-')
        .expect("epoch-seq")
        .1
        .parse()
        .expect("seq")
}

/// A git worktree of the test workspace, with an opencode session in it.
async fn chat_in_worktree(server: &TestServer, name: &str) -> (PathBuf, Session) {
    let dir = server.data_dir.path().join(format!("wt-{name}"));
    let status = std::process::Command::new("git")
        .args(["worktree", "add", "-q", "-b", name])
        .arg(&dir)
        .current_dir(server.workspace())
        .status()
        .expect("git worktree add");
    assert!(status.success());
    let session: Session = opencode(server, &dir, Method::POST, "/session", Some(json!({})))
        .await
        .expect("session");
    assert_eq!(Path::new(&session.directory), dir);
    let hub = &server.pocketcode.as_ref().expect("running").state.events;
    hub.watch(&dir);
    let deadline = tokio::time::Instant::now() + DEADLINE;
    while !hub.is_connected(&dir) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "upstream never connected"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (dir, session)
}

/// A call to opencode through pocketcode for `dir`.
async fn opencode<T: serde::de::DeserializeOwned>(
    server: &TestServer,
    dir: &Path,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Option<T> {
    let mut request = server
        .http
        .request(method, server.url(path))
        .header("x-opencode-directory", dir.display().to_string());
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("reach opencode");
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    if response.status() == 204 {
        return None;
    }
    Some(response.json().await.expect("JSON"))
}

async fn prompt(server: &TestServer, dir: &Path, session: &str, text: &str) {
    let body = json!({"parts": [{"type": "text", "text": text}]});
    let path = format!("/session/{session}/prompt_async");
    let _: Option<Value> = opencode(server, dir, Method::POST, &path, Some(body)).await;
}

async fn stored(server: &TestServer, dir: &Path, session: &str) -> Vec<MessageWithParts> {
    let path = format!("/session/{session}/message");
    opencode(server, dir, Method::GET, &path, None)
        .await
        .expect("messages")
}

/// Applies stream items to per-session transcripts; returns the sessions
/// that went idle with an answer.
struct Rebuilt {
    transcripts: HashMap<String, Transcript>,
    directories: HashMap<String, String>,
    settled: Vec<String>,
}

impl Rebuilt {
    fn new(chats: &[(PathBuf, Session)]) -> Self {
        let mut transcripts = HashMap::new();
        let mut directories = HashMap::new();
        for (dir, session) in chats {
            directories.insert(session.id.clone(), dir.display().to_string());
            let transcript = Transcript {
                session: session.clone(),
                messages: Vec::new(),
                busy: false,
                error: None,
            };
            transcripts.insert(session.id.clone(), transcript);
        }
        Self {
            transcripts,
            directories,
            settled: Vec::new(),
        }
    }

    fn apply(&mut self, item: &Value) {
        if item["kind"] != "event" {
            return;
        }
        let raw = item["event"].to_string();
        let event = Event::parse(&raw).expect("an opencode event");
        let Some(session) = item["session"].as_str() else {
            return;
        };
        let Some(transcript) = self.transcripts.get_mut(session) else {
            return;
        };
        // Tagged right: the directory is the session's own.
        assert_eq!(
            item["directory"].as_str(),
            self.directories.get(session).map(String::as_str)
        );
        transcript.apply(&event);
        if matches!(event, Event::SessionIdle { .. }) && transcript.messages.len() >= 2 {
            self.settled.push(session.to_string());
        }
    }

    fn done(&self) -> bool {
        self.transcripts.keys().all(|s| self.settled.contains(s))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_worktrees_stream_into_one_client_stream_through_twenty_cuts() {
    let server = TestServer::start(&[]).await;
    server.wait_ready().await;
    common::git_workspace(&server.workspace());
    let mut chats = Vec::new();
    for name in ["alpha", "beta", "gamma"] {
        chats.push(chat_in_worktree(&server, name).await);
    }

    // Reader 1 stays connected; reader 2 is cut 20 times at random points.
    let mut steady = open(&server, None).await;
    let mut cut = open(&server, None).await;
    for (dir, session) in &chats {
        let text = format!("[scenario:slow chunks=120 ms=25] {}", dir.display());
        prompt(&server, dir, &session.id, &text).await;
    }

    let mut whole = Rebuilt::new(&chats);
    let mut pieced = Rebuilt::new(&chats);
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let mut last_id: Option<String> = None;
    let mut cuts = 0;
    let mut until_cut = rng.random_range(1..20);
    let mut ids = Vec::new();
    let outcome = tokio::time::timeout(DEADLINE, async {
        while !(whole.done() && pieced.done()) {
            tokio::select! {
                Some((_, item)) = steady.next(), if !whole.done() => whole.apply(&item),
                Some((id, item)) = cut.next(), if !pieced.done() => {
                    assert_ne!(item["kind"], "resync", "a replayable gap became a resync");
                    if let Some(id) = id {
                        ids.push(seq(&id));
                        last_id = Some(id);
                    }
                    pieced.apply(&item);
                    until_cut -= 1;
                    if until_cut == 0 && cuts < 20 {
                        cuts += 1;
                        until_cut = rng.random_range(1..20);
                        // Drop the connection, let events pass, come back.
                        cut = futures::stream::pending().boxed();
                        tokio::time::sleep(Duration::from_millis(rng.random_range(0..150))).await;
                        cut = open(&server, last_id.as_deref()).await;
                    }
                }
                else => break,
            }
        }
    })
    .await;
    assert!(outcome.is_ok(), "not all chats settled; cuts so far {cuts}");
    assert_eq!(cuts, 20, "the answers were too short to cut 20 times");
    // Zero gaps, zero duplicates: our ids are consecutive across the cuts.
    assert!(
        ids.windows(2).all(|w| w[1] == w[0] + 1),
        "ids not consecutive: {ids:?}"
    );
    for (dir, session) in &chats {
        let stored = stored(&server, dir, &session.id).await;
        assert!(stored.len() >= 2, "{stored:?}");
        assert_eq!(
            whole.transcripts[&session.id].messages, stored,
            "steady client"
        );
        assert_eq!(
            pieced.transcripts[&session.id].messages, stored,
            "cut client"
        );
    }
    server.stop().await;
}
