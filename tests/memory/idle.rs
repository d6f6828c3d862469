//! Idle chats cost nothing: 20 chats prompted once and left alone lose
//! their opencode instances (and MCP processes) after the idle time, while
//! the sidebar keeps listing them right and brings none back; opening one
//! brings it back. Chats that work, wait for the user or are shown keep
//! theirs.

use std::time::{Duration, Instant};

use futures::StreamExt as _;
use futures::future::join_all;
use serde_json::Value;

use crate::common::browser_chat::{opencode_mcp, prompt_until, proxied_mcp, transcript_until};
use crate::common::git_fixture::Remote;
use crate::common::http::{NewChat, call};
use crate::common::sse::{json_items, pocket_events};
use crate::common::{TempDir, TestServer};
use crate::opencode_tree::{
    Disposals, QUIET, instances_created, mcp_processes, rss_mb, streams_to,
};

/// The idle time in these tests (the flag is in seconds).
pub const IDLE_SECS: &str = "3";
pub const DEADLINE: Duration = Duration::from_secs(120);
const CHATS: usize = 20;
/// With 20 chats loaded, opencode's tree held 4.0–4.3 GB here: opencode
/// ~2.2 GB and, before the browser tools started on first use, each chat's
/// MCP node process ~0.1 GB; opencode itself measured 0.66–2.6 GB (its
/// runtime returns freed memory to the system when it pleases; the
/// memory budget restarts it when that matters).
const RSS_BOUND_MB: u64 = 3000;

pub async fn start() -> TestServer {
    // No watchdog: its probes would be traffic the stream count must not see.
    TestServer::start(&["--idle-chat-secs", IDLE_SECS, "--opencode-probe-secs", "0"]).await
}

pub fn opencode_pid(server: &TestServer) -> u32 {
    let status = server
        .pocketcode
        .as_ref()
        .expect("running")
        .supervisor()
        .status();
    status.pid.expect("opencode runs")
}

/// The local directories pocketcode's book says have an instance loaded.
pub fn book_alive(server: &TestServer) -> Vec<std::path::PathBuf> {
    server
        .pocketcode
        .as_ref()
        .expect("running")
        .state
        .instances
        .alive()
}

pub async fn until(what: &str, mut done: impl AsyncFnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + DEADLINE;
    while !done().await {
        assert!(tokio::time::Instant::now() < deadline, "never: {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Every chat's status in the sidebar's live summaries, by session.
pub async fn statuses(server: &TestServer) -> std::collections::HashMap<String, String> {
    let (status, summaries) = call(server, "chat_summaries", &[]).await;
    assert_eq!(status, 200, "{summaries}");
    summaries
        .as_array()
        .expect("summaries")
        .iter()
        .map(|c| {
            (
                c["session_id"].as_str().unwrap_or_default().to_owned(),
                c["status"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// A request about each chat: each is needed now.
async fn keep_needed(server: &TestServer, chats: &[NewChat]) {
    for chat in chats {
        let (status, body) = call(server, "pending_asks", &chat.form()).await;
        assert_eq!(status, 200, "{body}");
    }
}

/// One look at the sidebar: every chat listed with its session, and idle.
async fn sidebar_is_right(server: &TestServer, chats: &[NewChat]) -> Result<(), String> {
    let (status, listed) = call(server, "list_chats", &[]).await;
    if status != 200 {
        return Err(format!("list_chats answered {status}: {listed}"));
    }
    let live = statuses(server).await;
    for chat in chats {
        let found = listed.as_array().into_iter().flatten().any(|c| {
            c["worktree"]["chat_id"] == chat.chat_id.as_str()
                && c["session_id"] == chat.session.as_str()
        });
        if !found {
            return Err(format!("chat {} is not listed: {listed}", chat.chat_id));
        }
        match live.get(&chat.session).map(String::as_str) {
            Some("idle") => {}
            other => return Err(format!("chat {} shows {other:?}, not idle", chat.chat_id)),
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_idle_chats_cost_nothing_until_one_is_opened() {
    let _alone = crate::ONE_AT_A_TIME.lock().await;
    let server = start().await;
    let upstream = server.wait_ready().await;
    let port = server
        .pocketcode
        .as_ref()
        .expect("running")
        .supervisor()
        .status()
        .port
        .expect("port");
    let pid = opencode_pid(&server);
    let disposals = Disposals::watch(&upstream).await;
    let fixtures = TempDir::new();
    let remote = Remote::create(fixtures.path(), "remote");
    // Made and prompted while every chat is needed (asked about every
    // half second), so all 20 are loaded at once before they are left.
    let setup_began = Instant::now();
    let mut chats: Vec<NewChat> = Vec::new();
    for _ in 0..CHATS {
        chats.push(NewChat::make(&server, &remote.url()).await);
        keep_needed(&server, &chats).await;
    }
    let prompted = async {
        join_all(chats.iter().enumerate().map(|(i, chat)| {
            let text = format!("Please repeat idle-{i}");
            let server = &server;
            async move {
                prompt_until(server, chat, &text, &format!("You said: \\\"{text}\\\"")).await;
            }
        }))
        .await;
        // (A chat disposed meanwhile gets them back from the next touch.)
        until("every chat's agent has its browser tools", async || {
            for chat in &chats {
                let mcp = proxied_mcp(&server, &chat.worktree).await;
                if mcp["playwright"]["status"] != "connected" {
                    return false;
                }
            }
            true
        })
        .await;
        // None of them browsed: no browser tools process runs.
        assert_eq!(mcp_processes(std::process::id()), 0);
        until("every chat idle in the sidebar", async || {
            sidebar_is_right(&server, &chats).await.is_ok()
        })
        .await;
        eprintln!("loaded:\n{}", crate::opencode_tree::breakdown(pid));
        rss_mb(pid)
    };
    let keeping = async {
        loop {
            keep_needed(&server, &chats).await;
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    };
    let loaded_mb = tokio::select! {
        loaded = prompted => loaded,
        () = keeping => unreachable!(),
    };
    let before: Vec<usize> = chats.iter().map(|c| disposals.of(&c.worktree)).collect();
    eprintln!(
        "{CHATS} chats made and prompted in {:?}",
        setup_began.elapsed()
    );

    // Left alone, and the sidebar polled all along: every instance goes,
    // and stays gone (opencode's log says when it loads one).
    let watched_since = Instant::now();
    let disposed_since = |i: usize| disposals.of(&chats[i].worktree) - before[i];
    let all_gone = async || (0..CHATS).all(|i| disposed_since(i) >= 1);
    let created = || {
        chats
            .iter()
            .map(|c| instances_created(server.data_dir.path(), &c.worktree))
            .collect::<Vec<_>>()
    };
    let mut polls = 0;
    let mut gone_at = None;
    let mut created_when_gone = Vec::new();
    while gone_at.is_none_or(|at: Instant| at.elapsed() < Duration::from_secs(6)) {
        if let Err(wrong) = sidebar_is_right(&server, &chats).await {
            panic!("poll {polls}: {wrong}");
        }
        polls += 1;
        if gone_at.is_none() && all_gone().await {
            gone_at = Some(Instant::now());
            created_when_gone = created();
        }
        if watched_since.elapsed() >= DEADLINE {
            // What each side believes of the chats left: pocketcode's
            // book, and opencode's own loads and disposals.
            let alive = book_alive(&server);
            let left: Vec<String> = (0..CHATS)
                .filter(|i| disposed_since(*i) == 0)
                .map(|i| {
                    let dir = &chats[i].worktree;
                    format!(
                        "chat {i}: pocketcode thinks it {}; opencode loaded it {} times, disposed {} ({} before the watch)",
                        if alive.iter().any(|a| a.as_os_str() == dir.as_str()) { "alive" } else { "gone" },
                        instances_created(server.data_dir.path(), dir),
                        disposals.of(dir),
                        before[i],
                    )
                })
                .collect();
            panic!("instances left after {DEADLINE:?}: {left:#?}");
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert!(
        created_when_gone.iter().all(|n| *n >= 1),
        "opencode's log shows no instance loads: {created_when_gone:?}"
    );
    let disposed_after = gone_at.expect("gone").duration_since(watched_since);
    let instances = &server.pocketcode.as_ref().expect("running").state.instances;
    assert_eq!(
        instances.alive(),
        vec![server.workspace()],
        "only the workspace's is loaded"
    );

    // Quiet: only event streams are still receiving. pocketcode holds one
    // for every local chat, this test the other.
    let mut series = Vec::new();
    let quiet_until = Instant::now() + QUIET;
    while Instant::now() < quiet_until {
        series.push(rss_mb(pid));
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    eprintln!("opencode tree RSS (MB) every 2 s after disposal: {series:?}");
    let streams = streams_to(port);
    let idle_mb = rss_mb(pid);
    eprintln!("after disposal:\n{}", crate::opencode_tree::breakdown(pid));
    eprintln!(
        "{CHATS} chats: opencode tree {loaded_mb} MB loaded, {idle_mb} MB after disposal \
         ({disposed_after:?} after the sidebar polls began, {polls} polls); {streams} streams"
    );
    assert_eq!(streams, 2, "pocketcode's one global stream and this test's");
    // Nothing loaded them again: not the sidebar's polls, not the streams.
    assert_eq!(created(), created_when_gone, "instances loaded again");
    for (i, chat) in chats.iter().enumerate() {
        assert_eq!(disposed_since(i), 1, "{} disposed again", chat.worktree);
    }
    assert!(idle_mb < RSS_BOUND_MB, "opencode's tree holds {idle_mb} MB");

    // Opening a chat brings it back: its page opens, its prompt streams.
    let chat = &chats[0];
    let mut stream = PocketEvents::open(&server).await;
    let opened_at = Instant::now();
    let (status, opened) = call(
        &server,
        "open_chat",
        &crate::common::browser_chat::chat_form(chat),
    )
    .await;
    assert_eq!(status, 200, "{opened}");
    let open_took = opened_at.elapsed();
    let mut form = chat.form().to_vec();
    form.push(("text", "Please repeat revived"));
    let prompted_at = Instant::now();
    let (status, body) = call(&server, "send_prompt", &form).await;
    assert_eq!(status, 200, "{body}");
    let first = stream
        .first_of(&chat.session, |e: &Value| e["type"] == "message.part.delta")
        .await;
    let first_event = prompted_at.elapsed();
    eprintln!(
        "revival: open_chat {open_took:?}, prompt → first streamed delta {first_event:?} ({first})"
    );
    transcript_until(&server, chat, "You said: \\\"Please repeat revived\\\"").await;
    until("the revived chat's browser tools", async || {
        opencode_mcp(&server, &chat.worktree).await["playwright"]["status"] == "connected"
    })
    .await;

    disposals.stop();
    server.stop().await;
}

/// pocketcode's own client stream (`/pocket/events`), as a tab reads it.
struct PocketEvents(futures::stream::BoxStream<'static, Value>);

impl PocketEvents {
    async fn open(server: &TestServer) -> Self {
        Self(json_items(pocket_events(server, None).await))
    }

    /// The first relayed event of `session` that `wanted` accepts.
    async fn first_of(&mut self, session: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        let find = async {
            while let Some(item) = self.0.next().await {
                if item["kind"] == "event" && item["session"] == session && wanted(&item["event"]) {
                    return item;
                }
            }
            panic!("the client stream ended");
        };
        tokio::time::timeout(DEADLINE, find)
            .await
            .expect("the chat's event on the client stream")
    }
}
