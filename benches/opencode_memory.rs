//! opencode's memory against the number of chats, and what disposing idle
//! instances and restarting an idle opencode give back, side by side in one
//! run; then how long a disposed chat takes to come back.
//!
//! For each count of chats (1, 5, 10, 20, 40) a fresh pocketcode (no
//! memory budget) makes that many chats and prompts each once (scripted
//! model), then they sit idle. The resident memory of opencode's whole
//! process tree is measured, each time after a settle:
//! - alive: every chat's instance alive (disposal off);
//! - disposed: every idle chat's instance disposed, as the idle reaper and
//!   the budget's first step do (`Instances::dispose_idle`);
//! - restarted: then opencode restarted with nothing busy (the budget's
//!   second step).
//!
//! Revival: a disposed chat is opened (`open_chat`) and prompted; the time
//! `open_chat` takes, and from opening to the chat's first event on
//! `/pocket/events`. Measured for chats whose instance the idle reaper
//! disposed (opencode still running), for chats after the restart, and for
//! chats whose instance is alive, before anything was disposed, as the
//! baseline.
//!
//! The last round runs again with `--opencode-full-models` (opencode's
//! whole models database, as before pocketcode cut it down to the usable
//! providers), and both revivals are printed side by side.
//!
//! Run with `cargo bench --features ssr --bench opencode_memory`;
//! `POCKETCODE_BENCH_CHATS=15` (a comma-separated list) runs other counts
//! of chats (revivals are measured in the last, which needs at least 15).

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[path = "../tests/common/mod.rs"]
mod common;

use common::browser_chat::{chat_form, prompt_until};
use common::git_fixture::Remote;
use common::http::{NewChat, call};
use common::sse::json_items;
use common::{TempDir, TestServer};
use futures::{FutureExt, StreamExt};
use pocketcode::model::live::ChatStatus;
use pocketcode::server::budget::{TreeMemory, tree_memory};
use pocketcode::server::supervisor::RestartCause;

const COUNTS: [usize; 5] = [1, 5, 10, 20, 40];

/// The counts of chats to measure: [`COUNTS`], or `POCKETCODE_BENCH_CHATS`.
fn counts() -> Vec<usize> {
    match std::env::var("POCKETCODE_BENCH_CHATS") {
        Ok(list) => list
            .split(',')
            .map(|n| n.trim().parse().expect("POCKETCODE_BENCH_CHATS: numbers"))
            .collect(),
        Err(_) => COUNTS.to_vec(),
    }
}
/// Chats revived in the last round.
const REVIVED: usize = 5;
/// Time for opencode to let go of what it frees (and its children to exit).
const SETTLE: Duration = Duration::from_secs(5);

/// One round's measurements.
struct Round {
    chats: usize,
    alive: TreeMemory,
    disposed: TreeMemory,
    restarted: TreeMemory,
}

fn mib(bytes: u64) -> String {
    format!("{:.0}", bytes as f64 / (1024.0 * 1024.0))
}

fn cell(tree: &TreeMemory) -> String {
    format!("{} ({})", mib(tree.rss_bytes), tree.processes.len())
}

/// `opencode 612 MiB, node ×3 150 MiB`: the tree by process name.
fn breakdown(tree: &TreeMemory) -> String {
    let mut by_name: BTreeMap<&str, (usize, u64)> = BTreeMap::new();
    for process in &tree.processes {
        let entry = by_name.entry(&process.name).or_default();
        entry.0 += 1;
        entry.1 += process.rss_bytes;
    }
    by_name
        .iter()
        .map(|(name, (n, rss))| format!("{name} ×{n} {} MiB", mib(*rss)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn state(server: &TestServer) -> &pocketcode::server::state::AppState {
    &server.pocketcode.as_ref().expect("running").state
}

/// Disposes the idle chats' instances, as the idle reaper does, until
/// `chats` of them went (a chat that just finished its turn may still be
/// needed for a moment: its title, its last events).
async fn dispose_all(server: &TestServer, chats: usize) {
    let deadline = Instant::now() + common::READY;
    let mut disposed = std::collections::BTreeSet::new();
    while disposed.len() < chats {
        assert!(
            Instant::now() < deadline,
            "only {} of {chats} disposed: {disposed:?}",
            disposed.len()
        );
        disposed.extend(state(server).instances.dispose_idle(Duration::ZERO).await);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Waits until no chat of `chats` is working (a turn ends a moment after
/// its reply is in): busy chats are neither disposed nor idle.
async fn until_idle(server: &TestServer, chats: &[NewChat]) {
    let deadline = Instant::now() + common::READY;
    loop {
        let summaries = state(server).events.summaries();
        let working: Vec<&str> = chats
            .iter()
            .filter(|c| {
                summaries
                    .iter()
                    .any(|s| s.session_id == c.session && s.status != ChatStatus::Idle)
            })
            .map(|c| c.session.as_str())
            .collect();
        if working.is_empty() {
            return;
        }
        assert!(Instant::now() < deadline, "still working: {working:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn measure(server: &TestServer) -> TreeMemory {
    tokio::time::sleep(SETTLE).await;
    let pid = state(server)
        .supervisor
        .status()
        .pid
        .expect("opencode runs");
    tokio::task::spawn_blocking(move || tree_memory(pid))
        .await
        .expect("measured")
        .expect("opencode's tree")
}

/// How long opening a chat took, and opening it until its first event.
type Opened = (Duration, Duration);

/// What one round measured when it was the last: chats opened while their
/// instance was alive, after it was disposed, and after the restart.
#[derive(Default)]
struct Openings {
    alive: Vec<Opened>,
    disposed: Vec<Opened>,
    restarted: Vec<Opened>,
}

async fn round(
    remote: &Remote,
    chats: usize,
    last_round: bool,
    flags: &[&str],
) -> (Round, Openings) {
    let mut args = vec!["--opencode-memory-mb", "0"];
    args.extend_from_slice(flags);
    let server = TestServer::start(&args).await;
    let outcome = AssertUnwindSafe(async {
        server.wait_ready().await;
        let mut made = Vec::new();
        for n in 0..chats {
            let chat = NewChat::make(&server, &remote.url()).await;
            prompt_until(&server, &chat, &format!("chat {n}"), &format!("chat {n}")).await;
            made.push(chat);
        }
        let state = state(&server);
        until_idle(&server, &made).await;
        let alive = measure(&server).await;
        let mut openings = Openings::default();
        if last_round {
            for chat in made.iter().skip(REVIVED).take(REVIVED) {
                openings.alive.push(revive(&server, chat).await);
            }
        }

        until_idle(&server, &made).await;
        dispose_all(&server, chats).await;
        let disposed = measure(&server).await;
        if last_round {
            for chat in made.iter().skip(2 * REVIVED).take(REVIVED) {
                openings.disposed.push(revive(&server, chat).await);
            }
            until_idle(&server, &made).await;
            dispose_all(&server, REVIVED).await;
        }

        let pid = state.supervisor.status().pid.expect("pid");
        state
            .supervisor
            .restart(pid, RestartCause::Memory, "bench: restart when idle".into());
        let deadline = Instant::now() + common::READY;
        while state.supervisor.upstream().is_none() || state.supervisor.status().pid == Some(pid) {
            assert!(Instant::now() < deadline, "opencode never came back");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let restarted = measure(&server).await;

        if last_round {
            for chat in made.iter().take(REVIVED) {
                openings.restarted.push(revive(&server, chat).await);
            }
        }
        (
            Round {
                chats,
                alive,
                disposed,
                restarted,
            },
            openings,
        )
    })
    .catch_unwind()
    .await;
    server.stop().await;
    match outcome {
        Ok(result) => result,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// Opens a chat as the chat page does and prompts it: how long opening
/// took, and the time from opening to its first event on pocketcode's
/// client stream.
async fn revive(server: &TestServer, chat: &NewChat) -> Opened {
    let response = server
        .http
        .get(server.url("/pocket/events"))
        .send()
        .await
        .expect("/pocket/events");
    let first: Arc<Mutex<Option<Instant>>> = Arc::default();
    let seen = first.clone();
    let dir = chat.worktree.clone();
    let reader = tokio::spawn(async move {
        let mut items = json_items(response);
        while let Some(item) = items.next().await {
            if item["kind"] == "event" && item["directory"] == dir.as_str() {
                seen.lock().expect("lock").get_or_insert_with(Instant::now);
                return;
            }
        }
    });
    let start = Instant::now();
    let (status, body) = call(server, "open_chat", &chat_form(chat)).await;
    assert_eq!(status, 200, "{body}");
    let opened = start.elapsed();
    // As the chat page does: its directory is relayed (already, on the one
    // upstream all local chats share).
    state(server).events.watch(Path::new(&chat.worktree));
    let mut form = chat.form().to_vec();
    form.push(("text", "back again"));
    let (status, body) = call(server, "send_prompt", &form).await;
    assert_eq!(status, 200, "{body}");
    let deadline = Instant::now() + common::READY;
    let at = loop {
        if let Some(at) = *first.lock().expect("lock") {
            break at;
        }
        assert!(Instant::now() < deadline, "no event from the revived chat");
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    reader.abort();
    (opened, at - start)
}

/// `p50 / max` in ms of each part of `opened`.
fn spread(opened: &[Opened]) -> String {
    let part = |pick: fn(&Opened) -> Duration| {
        let mut times: Vec<Duration> = opened.iter().map(pick).collect();
        times.sort();
        match (times.get(times.len() / 2), times.last()) {
            (Some(p50), Some(max)) => format!("{} / {} ms", p50.as_millis(), max.as_millis()),
            _ => "none".to_owned(),
        }
    };
    format!(
        "open_chat {}, to the first event {} (p50 / max, {} chats)",
        part(|o| o.0),
        part(|o| o.1),
        opened.len()
    )
}

#[tokio::main]
async fn main() -> ExitCode {
    let fixtures = TempDir::new();
    let remote = Remote::create(fixtures.path(), "remote");
    let counts = counts();
    let mut rounds = Vec::new();
    let mut openings = Openings::default();
    for (n, &chats) in counts.iter().enumerate() {
        let last_round = n + 1 == counts.len();
        let (round, opened) = round(&remote, chats, last_round, &[]).await;
        eprintln!("{chats} chats: alive {}", breakdown(&round.alive));
        rounds.push(round);
        if last_round {
            openings = opened;
        }
    }
    // The same last round with opencode's whole models database (as before
    // pocketcode cut it down), side by side.
    let last = counts.last().copied().unwrap_or(REVIVED * 3);
    let (whole_round, whole) = round(&remote, last, true, &["--opencode-full-models"]).await;
    println!(
        "opencode's process tree, resident MiB (processes), {} s after each step",
        SETTLE.as_secs()
    );
    println!("| chats | alive | disposed | + restarted when idle |");
    println!("|---|---|---|---|");
    for round in &rounds {
        println!(
            "| {} | {} | {} | {} |",
            round.chats,
            cell(&round.alive),
            cell(&round.disposed),
            cell(&round.restarted)
        );
    }
    if let (Some(first), Some(last)) = (rounds.first(), rounds.last()) {
        println!(
            "{} chats against 1, alive: {:.2}x; disposed: {:.2}x; restarted: {:.2}x",
            last.chats,
            last.alive.rss_bytes as f64 / first.alive.rss_bytes as f64,
            last.disposed.rss_bytes as f64 / first.alive.rss_bytes as f64,
            last.restarted.rss_bytes as f64 / first.alive.rss_bytes as f64,
        );
        for (step, tree) in [
            ("alive", &last.alive),
            ("disposed", &last.disposed),
            ("restarted", &last.restarted),
        ] {
            println!("{} chats, {step}: {}", last.chats, breakdown(tree));
        }
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average while measuring: {}", load.trim());
    println!(
        "opening a chat whose instance is alive: {}",
        spread(&openings.alive)
    );
    println!(
        "reviving a chat whose instance was disposed: {}",
        spread(&openings.disposed)
    );
    println!(
        "reviving a disposed chat after the restart: {}",
        spread(&openings.restarted)
    );
    println!(
        "with opencode's whole models database (--opencode-full-models), {} chats: alive {}, disposed {}, restarted {}",
        whole_round.chats,
        cell(&whole_round.alive),
        cell(&whole_round.disposed),
        cell(&whole_round.restarted)
    );
    println!("| revival, p50 / max | cut-down database (default) | whole database |");
    println!("|---|---|---|");
    for (case, cut, full) in [
        ("alive", &openings.alive, &whole.alive),
        (
            "disposed, opencode running",
            &openings.disposed,
            &whole.disposed,
        ),
        ("after the restart", &openings.restarted, &whole.restarted),
    ] {
        println!("| {case} | {} | {} |", spread(cut), spread(full));
    }
    if openings.disposed.is_empty() || openings.restarted.is_empty() {
        eprintln!("bench failed: no revival measured");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
