//! How much later an event reaches a client through pocketcode's
//! `/pocket/events` than straight from opencode's `/event`, measured side by
//! side in one run.
//!
//! The measured event is a `session.updated` caused by renaming one chat
//! (`PATCH /session/{id}` sent straight to opencode at t0). A direct
//! subscriber to that chat's directory and one or ten pocketcode clients
//! note when it arrives. Scenarios: one watched worktree and nothing else
//! going on; twenty worktrees each streaming an answer (the client stream
//! carries all twenty); the same with ten clients.
//!
//! Run with `cargo bench --features ssr --bench events`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[path = "../tests/common/mod.rs"]
mod common;

use common::TestServer;
use common::measure::{percentile, rss_mib};
use common::sse::json_items;
use futures::StreamExt;
use pocketcode::server::supervisor::Upstream;
use reqwest::Method;
use serde_json::{Value, json};

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type Arrivals = Arc<Mutex<HashMap<String, Vec<Instant>>>>;

const SAMPLES: usize = 150;
const WORKTREES: usize = 20;

struct Bench {
    server: TestServer,
    upstream: Upstream,
    http: reqwest::Client,
    chats: Vec<(PathBuf, String)>,
}

impl Bench {
    fn opencode(&self, dir: &Path, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.upstream
            .request(&self.http, method, path)
            .header("x-opencode-directory", dir.display().to_string())
    }

    async fn add_chat(&mut self, name: &str) -> Result<(), BoxError> {
        let dir = self.server.data_dir.path().join(name);
        let status = std::process::Command::new("git")
            .args(["worktree", "add", "-q", "-b", name])
            .arg(&dir)
            .current_dir(self.server.workspace())
            .status()?;
        if !status.success() {
            return Err(format!("git worktree add {name} failed").into());
        }
        let session: Value = self
            .opencode(&dir, Method::POST, "/session")
            .json(&json!({}))
            .send()
            .await?
            .json()
            .await?;
        let id = session["id"].as_str().ok_or("no session id")?.to_string();
        let hub = &self
            .server
            .pocketcode
            .as_ref()
            .ok_or("stopped")?
            .state
            .events;
        hub.watch(&dir);
        let deadline = Instant::now() + Duration::from_secs(60);
        while !hub.is_connected(&dir) {
            if Instant::now() > deadline {
                return Err("upstream never connected".into());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.chats.push((dir, id));
        Ok(())
    }
}

/// Reads an SSE response, noting when each marker title arrives.
fn note_titles(response: reqwest::Response, arrivals: Arrivals, wrapped: bool) {
    tokio::spawn(async move {
        let mut items = json_items(response);
        while let Some(item) = items.next().await {
            let now = Instant::now();
            let event = if wrapped { &item["event"] } else { &item };
            if event["type"] == "session.updated"
                && let Some(title) = event["properties"]["info"]["title"].as_str()
                && title.starts_with("bench-")
            {
                let mut map = arrivals.lock().unwrap_or_else(|e| e.into_inner());
                map.entry(title.to_string()).or_default().push(now);
            }
        }
    });
}

fn memory(pid: &str) -> String {
    rss_mib(pid).map_or("?".into(), |mib| format!("{mib:.0} MiB"))
}

async fn scenario(bench: &Bench, name: &str, clients: usize) -> Result<(), BoxError> {
    let (dir, session) = bench.chats[0].clone();
    let direct: Arrivals = Arc::default();
    let pocket: Arrivals = Arc::default();
    let response = bench
        .opencode(&dir, Method::GET, "/event")
        .header("accept", "text/event-stream")
        .send()
        .await?;
    note_titles(response, direct.clone(), false);
    for _ in 0..clients {
        let response = bench
            .server
            .http
            .get(bench.server.url("/pocket/events"))
            .send()
            .await?;
        note_titles(response, pocket.clone(), true);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (mut d, mut p) = (Vec::new(), Vec::new());
    for i in 0..SAMPLES {
        let title = format!("bench-{name}-{i}");
        let t0 = Instant::now();
        bench
            .opencode(&dir, Method::PATCH, &format!("/session/{session}"))
            .json(&json!({ "title": title }))
            .send()
            .await?
            .error_for_status()?;
        let deadline = t0 + Duration::from_secs(10);
        loop {
            let seen_direct = direct
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(&title)
                .cloned();
            let seen_pocket = pocket
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(&title)
                .cloned();
            if let (Some(direct_at), Some(pocket_at)) = (seen_direct, seen_pocket)
                && pocket_at.len() == clients
            {
                d.push((direct_at[0] - t0).as_secs_f64() * 1e3);
                p.extend(pocket_at.iter().map(|at| (*at - t0).as_secs_f64() * 1e3));
                break;
            }
            if Instant::now() > deadline {
                return Err(format!("{title} did not reach every subscriber").into());
            }
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (d50, d99) = (percentile(&d, 0.5), percentile(&d, 0.99));
    let (p50, p99) = (percentile(&p, 0.5), percentile(&p, 0.99));
    println!(
        "| {name} | {clients} | {d50:.2} / {d99:.2} | {p50:.2} / {p99:.2} | {:.2}x / {:.2}x | {:+.2} / {:+.2} |",
        p50 / d50,
        p99 / d99,
        p50 - d50,
        p99 - d99,
    );
    Ok(())
}

async fn run(bench: &mut Bench, opencode_pid: String) -> Result<(), BoxError> {
    common::git_workspace(&bench.server.workspace());
    bench.add_chat("bench-0").await?;
    println!("event latency after PATCH /session (ms, p50 / p99; {SAMPLES} samples per scenario)");
    println!("| scenario | clients | direct /event | via /pocket/events | ratio | added |");
    println!("|---|---|---|---|---|---|");
    scenario(bench, "1-worktree-idle", 1).await?;
    for i in 1..WORKTREES {
        bench.add_chat(&format!("bench-{i}")).await?;
    }
    for (dir, session) in &bench.chats {
        let text = "[scenario:slow chunks=3000 ms=20]";
        bench
            .opencode(
                dir,
                Method::POST,
                &format!("/session/{session}/prompt_async"),
            )
            .json(&json!({"parts": [{"type": "text", "text": text}]}))
            .send()
            .await?
            .error_for_status()?;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    scenario(bench, "20-worktrees-streaming", 1).await?;
    scenario(bench, "20-worktrees-streaming", 10).await?;
    println!(
        "resident memory while streaming: bench process (pocketcode + clients) {}, opencode {}",
        memory("self"),
        memory(&opencode_pid)
    );
    for (dir, session) in &bench.chats {
        let _ = bench
            .opencode(dir, Method::POST, &format!("/session/{session}/abort"))
            .send()
            .await;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let server = TestServer::start(&[]).await;
    let upstream = server.wait_ready().await;
    let pid = server
        .pocketcode
        .as_ref()
        .and_then(|p| p.supervisor().status().pid)
        .map_or("?".into(), |p| p.to_string());
    let mut bench = Bench {
        server,
        upstream,
        http: reqwest::Client::new(),
        chats: Vec::new(),
    };
    let outcome = run(&mut bench, pid).await;
    bench.server.stop().await;
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("bench failed: {err}");
            ExitCode::FAILURE
        }
    }
}
