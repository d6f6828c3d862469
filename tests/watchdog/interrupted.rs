//! A chat that is streaming when opencode hangs: within the watchdog's
//! bound opencode is restarted, the chat reads "interrupted" (the sidebar's
//! summaries and the tabs' stream say so, and the resync after the restart
//! keeps it so), and Continue runs it again to the end. Meanwhile no
//! pocketcode request waits longer than its stated limit.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::StreamExt as _;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use serde_json::Value;

use super::waits::{Waits, kinds};
use super::{
    PROBE_MISSES, PROBE_SECS, PROBE_TIMEOUT_SECS, health, opencode_serve, poll, start_probed,
};
use crate::common::git_fixture::Remote;
use crate::common::http::{NewChat, call};
use crate::common::sse::{json_items, pocket_events};
use crate::common::{READY, TempDir, TestServer};

/// How long pocketcode may take to answer what it answers itself (health,
/// info, summaries), on a loaded two-core machine.
const LOCAL_LIMIT: Duration = Duration::from_secs(5);
/// How long a call waits for a restarting opencode before it says it is
/// unavailable (`READY_TIMEOUT` of the opencode client, `WAIT_FOR_OPENCODE`
/// of the proxy).
const RESTART_WAIT: Duration = Duration::from_secs(15);

/// Every item of one `/pocket/events` stream, as it arrives.
struct Items {
    seen: Arc<Mutex<Vec<Value>>>,
    reader: tokio::task::JoinHandle<()>,
}

impl Items {
    async fn open(server: &TestServer) -> Self {
        let mut items = json_items(pocket_events(server, None).await);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let keep = seen.clone();
        let reader = tokio::spawn(async move {
            while let Some(item) = items.next().await {
                keep.lock().expect("lock").push(item);
            }
        });
        Self { seen, reader }
    }

    fn len(&self) -> usize {
        self.seen.lock().expect("lock").len()
    }

    /// The first item from `from` on that `matches`.
    fn find(&self, from: usize, matches: impl Fn(&Value) -> bool) -> Option<(usize, Value)> {
        let seen = self.seen.lock().expect("lock");
        (from..seen.len())
            .find(|i| matches(&seen[*i]))
            .map(|i| (i, seen[i].clone()))
    }

    async fn wait(&self, what: &str, from: usize, matches: impl Fn(&Value) -> bool) -> usize {
        poll(what, || self.find(from, &matches).is_some()).await;
        self.find(from, &matches).expect("found").0
    }
}

/// The chat's status as the sidebar reads it.
async fn status(server: &TestServer, session: &str) -> String {
    let (code, summaries) = call(server, "chat_summaries", &[]).await;
    assert_eq!(code, 200, "{summaries}");
    summaries
        .as_array()
        .expect("a list")
        .iter()
        .find(|c| c["session_id"] == session)
        .map(|c| c["status"].as_str().unwrap_or_default().to_owned())
        .unwrap_or_default()
}

fn session_event(item: &Value, session: &str, kind: &str) -> bool {
    item["kind"] == "event" && item["session"] == session && item["event"]["type"] == kind
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chat_working_at_the_hang_is_interrupted_and_continue_finishes_it() {
    let server = start_probed(&[]).await;
    server.wait_ready().await;
    let fixtures = TempDir::new();
    let remote = Remote::create(fixtures.path(), "remote");
    let chat = NewChat::make(&server, &remote.url()).await;
    let session = chat.session.as_str();
    let items = Items::open(&server).await;

    // A long, slow answer: it is still streaming when opencode stops.
    let mut form = chat.form().to_vec();
    form.push(("text", "[scenario:slow chunks=600 ms=100]"));
    let (code, body) = call(&server, "send_prompt", &form).await;
    assert_eq!(code, 200, "{body}");
    items
        .wait("the answer streaming", 0, |i| {
            session_event(i, session, "message.part.delta")
        })
        .await;
    assert_eq!(status(&server, session).await, "busy");

    let group = health(&server).await["opencode"]["pid"]
        .as_u64()
        .expect("pid") as u32;
    let stopped = opencode_serve(group);
    kill(Pid::from_raw(stopped), Signal::SIGSTOP).expect("SIGSTOP opencode");
    let hung_at = Instant::now();
    let bound =
        Duration::from_secs(PROBE_SECS.max(PROBE_TIMEOUT_SECS) * u64::from(PROBE_MISSES + 1));
    let waits = Waits::start(&server, kinds(LOCAL_LIMIT, bound + RESTART_WAIT));
    let before_restart = items.len();

    // Restarted within the bound, and the chat reads interrupted at once.
    loop {
        let now = health(&server).await;
        if now["opencode"]["last_restart"]["cause"] == "hung" {
            break;
        }
        assert!(
            hung_at.elapsed() < bound + Duration::from_secs(5),
            "not declared hung within {bound:?}: {now}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let detected = hung_at.elapsed();
    let restarted = items
        .wait("the restart on the stream", before_restart, |i| {
            i["kind"] == "restarted"
        })
        .await;
    let (_, item) = items.find(restarted, |_| true).expect("the item");
    assert_eq!(item["cause"], "hung", "{item}");
    assert_eq!(status(&server, session).await, "interrupted");

    // The new opencode answers, and the chat's upstream reconnected and
    // resynced from it (opencode says idle): still interrupted.
    let worktree = chat.worktree.clone();
    items
        .wait("the chat's resync", restarted, |i| {
            i["kind"] == "resync" && i["directory"] == worktree.as_str()
        })
        .await;
    let recovered = hung_at.elapsed();
    let listed = server
        .http
        .get(server.url("/session"))
        .header("x-opencode-directory", &chat.worktree)
        .send()
        .await
        .expect("list sessions");
    assert_eq!(listed.status(), 200);
    assert_eq!(status(&server, session).await, "interrupted");
    let (code, info) = call(&server, "info", &[]).await;
    assert_eq!(code, 200, "{info}");
    assert_eq!(info["opencode_restart"]["cause"], "hung", "{info}");

    // Every request answered within its limit while opencode was stopped
    // and restarted.
    let measured = waits.finish().await;
    for m in &measured {
        let mut errors: Vec<u16> = m.failures.iter().map(|(status, _)| *status).collect();
        errors.dedup();
        println!(
            "while opencode was stopped: {} answered {} times ({} errors, statuses {errors:?}), \
             longest wait {:?} (limit {:?})",
            m.kind.name,
            m.count,
            m.failures.len(),
            m.longest,
            m.kind.limit
        );
    }
    for m in &measured {
        assert!(m.count > 0, "{m:?}");
        assert!(m.unanswered.is_empty(), "{m:?}");
        assert!(m.longest <= m.kind.limit, "{m:?}");
        // An error says what is wrong: opencode (re)starting or unreachable.
        for (status, body) in &m.failures {
            assert!(
                *status >= 500 && body.contains("opencode"),
                "{status}: {body}"
            );
        }
    }
    let longest = measured.iter().map(|m| m.longest).max().unwrap_or_default();
    println!(
        "interrupted: hung declared after {detected:?} (bound {bound:?}), chat resynced after \
         {recovered:?}; the longest any request waited meanwhile: {longest:?}"
    );

    // Continue: the chat runs again and finishes with a new answer.
    let transcript_form = chat.form();
    let (code, before) = call(&server, "get_transcript", &transcript_form).await;
    assert_eq!(code, 200, "{before}");
    let messages_before = before["messages"].as_array().expect("messages").len();
    let from = items.len();
    let mut form = chat.form().to_vec();
    form.push(("text", "continue"));
    let (code, body) = call(&server, "send_prompt", &form).await;
    assert_eq!(code, 200, "{body}");
    assert_ne!(status(&server, session).await, "interrupted");
    let busy = items
        .wait("the chat busy again", from, |i| {
            session_event(i, session, "session.status")
                && i["event"]["properties"]["status"]["type"] == "busy"
        })
        .await;
    items
        .wait("the chat idle again", busy, |i| {
            session_event(i, session, "session.idle")
                || (session_event(i, session, "session.status")
                    && i["event"]["properties"]["status"]["type"] == "idle")
        })
        .await;
    let deadline = Instant::now() + READY;
    while status(&server, session).await != "idle" {
        assert!(Instant::now() < deadline, "the chat never settled");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (code, after) = call(&server, "get_transcript", &transcript_form).await;
    assert_eq!(code, 200, "{after}");
    let messages = after["messages"].as_array().expect("messages");
    assert!(messages.len() >= messages_before + 2, "{after}");
    let last = messages.last().expect("a message");
    assert_eq!(last["info"]["role"], "assistant", "{last}");
    assert!(
        last.to_string().contains(r#"You said: \"continue\""#),
        "{last}"
    );

    items.reader.abort();
    server.stop().await;
}
