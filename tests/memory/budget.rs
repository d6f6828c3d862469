//! With a tiny budget: the idle chats' instances are disposed first (as
//! opencode's own `/global/event` stream tells), the busy chat's is not and
//! opencode is not restarted while it works (`/resources` says it waits);
//! once it is done, one restart with cause `memory`, and no second one for
//! the fresh opencode that is over the budget from its start.

use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::{FutureExt, StreamExt};
use pocketcode::model::live::ChatStatus;
use pocketcode::server::supervisor::Upstream;
use serde_json::Value;

use crate::common::browser_chat::prompt_until;
use crate::common::git_fixture::Remote;
use crate::common::http::{NewChat, admin, call};
use crate::common::sse::{global_events, json_items};
use crate::common::{READY, TempDir, TestServer};

const MB: u64 = 1024 * 1024;

/// Every directory opencode reported `server.instance.disposed` for, in
/// the order it did, from its own global event stream.
struct Disposals {
    seen: Arc<Mutex<Vec<String>>>,
    reader: tokio::task::JoinHandle<()>,
}

impl Disposals {
    async fn subscribe(upstream: &Upstream) -> Self {
        let mut events = json_items(global_events(upstream).await);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let keep = seen.clone();
        let reader = tokio::spawn(async move {
            while let Some(event) = events.next().await {
                let payload = &event["payload"];
                if payload["type"] == "server.instance.disposed"
                    && let Some(dir) = payload["properties"]["directory"].as_str()
                {
                    keep.lock().expect("lock").push(dir.to_owned());
                }
            }
        });
        Self { seen, reader }
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().expect("lock").clone()
    }
}

/// Polls `what` until it holds (with a deadline); returns its last value.
async fn until<T: std::fmt::Debug>(
    what: &str,
    mut probe: impl AsyncFnMut() -> T,
    done: impl Fn(&T) -> bool,
) -> T {
    let deadline = tokio::time::Instant::now() + READY;
    loop {
        let value = probe().await;
        if done(&value) {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never {what}: {value:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn memory(server: &TestServer) -> Value {
    let (status, memory) = admin(server, "GET", "/admin/memory", None).await;
    assert_eq!(status, 200, "{memory}");
    memory
}

async fn opencode(server: &TestServer) -> Value {
    crate::common::admin_health(&server.http, &server.base_url)
        .await
        .1["opencode"]
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tiny_budget_disposes_idle_chats_first_and_restarts_only_when_none_is_busy() {
    let _alone = crate::ONE_AT_A_TIME.lock().await;
    let fixtures = TempDir::new();
    let remote = Remote::create(fixtures.path(), "remote");
    // A budget nothing reaches, until the chats are set up.
    let server = TestServer::start(&[
        "--opencode-memory-mb",
        "100000",
        "--opencode-memory-check-secs",
        "1",
    ])
    .await;
    let outcome = AssertUnwindSafe(async {
        let upstream = server.wait_ready().await;
        let state = &server.pocketcode.as_ref().expect("running").state;
        let under = until("under budget", || memory(&server), |m| m["state"]["kind"] == "under").await;
        assert_eq!(under["budget_bytes"], 100_000 * MB, "{under}");
        assert!(under["rss_bytes"].as_u64().is_some_and(|rss| rss > MB), "{under}");

        // Three chats prompted once, then idle; one busy for a long while.
        let mut idle = Vec::new();
        for n in 0..3 {
            let chat = NewChat::make(&server, &remote.url()).await;
            prompt_until(&server, &chat, &format!("idle chat {n}"), &format!("idle chat {n}")).await;
            idle.push(chat);
        }
        let busy = NewChat::make(&server, &remote.url()).await;
        let mut form = busy.form().to_vec();
        form.push(("text", "[scenario:slow chunks=400 ms=300]"));
        let (status, body) = call(&server, "send_prompt", &form).await;
        assert_eq!(status, 200, "{body}");
        // The idle chats' turns end a moment after their reply is in.
        let status_of = |list: &[pocketcode::model::live::ChatActivity], session: &str| {
            list.iter().find(|s| s.session_id == session).map(|s| s.status)
        };
        until(
            "the slow chat busy, the others idle",
            async || state.events.summaries(),
            |list| {
                status_of(list, &busy.session) == Some(ChatStatus::Busy)
                    && idle
                        .iter()
                        .all(|c| status_of(list, &c.session) == Some(ChatStatus::Idle))
            },
        )
        .await;
        let before = opencode(&server).await;
        let disposals = Disposals::subscribe(&upstream).await;

        // Over the budget: the idle chats go, the longest quiet first; the
        // busy one stays and opencode waits for it.
        state.memory.set_budget_bytes(MB);
        let waiting = until(
            "waiting for the busy chat",
            || memory(&server),
            |m| m["state"]["kind"] == "waiting",
        )
        .await;
        assert_eq!(waiting["state"]["busy"], 1, "{waiting}");
        assert_eq!(waiting["state"]["disposed"], 3, "{waiting}");
        let (status, page) = call(&server, "opencode_memory", &[]).await;
        assert_eq!(status, 200, "{page}");
        let said = page["summary"].as_str().expect("summary");
        assert!(
            said.contains("over budget: disposed 3 idle chats, waiting for 1 busy chat before restarting opencode"),
            "{said}"
        );
        let expected: Vec<String> = idle.iter().map(|c| c.worktree.clone()).collect();
        let seen = until("the idle chats disposed", async || disposals.seen(), |seen| {
            expected.iter().all(|dir| seen.contains(dir))
        })
        .await;
        // Which of them was quiet longest is the book's to say (its unit
        // tests check the order): their last events' times, not their
        // creation order.
        assert_eq!(
            seen.iter().take(3).filter(|d| expected.contains(d)).count(),
            3,
            "the idle chats went first: {seen:?}"
        );
        assert!(!seen.contains(&busy.worktree), "the busy chat was disposed: {seen:?}");
        assert!(!seen.iter().any(|d| *d == server.workspace().display().to_string()), "{seen:?}");
        let still = opencode(&server).await;
        assert_eq!(still["pid"], before["pid"], "restarted while a chat was busy");
        assert_eq!(still["restarts"], before["restarts"]);

        // The busy chat stops: opencode is restarted once, for memory.
        let (status, body) = call(&server, "abort_session", &busy.form()).await;
        assert_eq!(status, 200, "{body}");
        let after = until("a memory restart", || opencode(&server), |o| {
            o["state"] == "healthy" && o["last_restart"]["cause"] == "memory"
        })
        .await;
        assert_ne!(after["pid"], before["pid"]);
        assert_eq!(after["restarts"], before["restarts"].as_u64().expect("restarts") + 1);
        assert!(
            after["last_restart"]["reason"].as_str().is_some_and(|r| r.starts_with("memory: opencode used")),
            "{after}"
        );

        // The fresh opencode is over 1 MB from its start: the budget says it
        // is too small instead of restarting again.
        let too_small = until("too small", || memory(&server), |m| m["state"]["kind"] == "too_small").await;
        assert!(
            too_small["summary"].as_str().is_some_and(|s| s.contains("the budget is too small")
                && s.contains("restarted opencode at")),
            "{too_small}"
        );
        assert_eq!(too_small["last_restart"]["was_bytes"].as_u64().map(|b| b > MB), Some(true));
        let last = opencode(&server).await;
        assert_eq!(last["pid"], after["pid"], "restarted again");
        assert_eq!(last["restarts"], after["restarts"]);
        disposals.reader.abort();
    })
    .catch_unwind()
    .await;
    server.stop().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
