//! Remote backends, measured in one run against a real sshd on loopback
//! and a second real `opencode serve` (the "remote"):
//!
//! - connecting, step by step, from the connection's own timed history:
//!   the ssh tunnel up (Connecting → Discovering), discovery (→ Connected);
//!   and once with a bootstrap that starts opencode on the remote;
//! - how much later an event reaches a pocketcode client from a remote
//!   chat (its opencode's `/global/event` through the tunnel, relayed) than
//!   from a local chat (pocketcode's own opencode), side by side: each
//!   sample renames a chat straight on its opencode at t0 and notes when
//!   the `session.updated` reaches `/pocket/events`.
//!
//! Run with `cargo bench --features ssr --bench remote`.

use std::collections::HashMap;
use std::path::Path;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[path = "../tests/common/mod.rs"]
mod common;

use common::TestServer;
use common::http::call;
use common::measure::percentile;
use common::remote_opencode::RemoteOpencode;
use common::sse::json_items;
use common::sshd::Sshd;
use futures::StreamExt;
use serde_json::{Value, json};

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type Seen = Arc<Mutex<HashMap<String, Instant>>>;

const CONNECTS: usize = 5;
const SAMPLES: usize = 60;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("remote bench failed: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), BoxError> {
    let sshd = Sshd::start();
    let remote = RemoteOpencode::start().await;
    let known_hosts = sshd.known_hosts.display().to_string();
    let server = TestServer::start(&["--ssh-known-hosts", &known_hosts]).await;
    let local = server.wait_ready().await;
    let result = measure(&server, &sshd, &remote, &local).await;
    server.stop().await;
    remote.stop().await;
    result
}

async fn measure(
    server: &TestServer,
    sshd: &Sshd,
    remote: &RemoteOpencode,
    local: &pocketcode::server::supervisor::Upstream,
) -> Result<(), BoxError> {
    save(server, sshd, "devbox", remote.port, false).await?;
    println!("connect (ms)        tunnel up  discovery  total");
    for round in 1..=CONNECTS {
        if round > 1 {
            call(server, "disconnect", &[("name", "devbox")]).await;
        }
        let steps = connect(server, "devbox").await?;
        let tunnel = steps.get("Discovering").copied().unwrap_or_default();
        let total = steps.get("Connected").copied().ok_or("not connected")?;
        println!(
            "  round {round}          {tunnel:>9}  {:>9}  {total:>5}",
            total - tunnel
        );
    }
    bootstrap_once(server, &sshd.known_hosts).await?;

    // Events: a local chat (pocketcode's opencode) and a remote one.
    let http = reqwest::Client::new();
    let local_dir = server.workspace();
    let local_session: Value = local
        .request(&http, reqwest::Method::POST, "/session")
        .header("x-opencode-directory", local_dir.display().to_string())
        .json(&json!({}))
        .send()
        .await?
        .json()
        .await?;
    let local_id = local_session["id"]
        .as_str()
        .ok_or("no session id")?
        .to_owned();
    let hub = &server.pocketcode.as_ref().ok_or("stopped")?.state.events;
    hub.watch(&local_dir);
    let remote_id = remote.create_session(&remote.project("webapp")).await.id;
    let deadline = Instant::now() + Duration::from_secs(60);
    while !(hub.is_connected(&local_dir) && hub.is_connected(Path::new("@devbox"))) {
        if Instant::now() > deadline {
            return Err("the upstreams never connected".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let seen: Seen = Arc::default();
    let stream = server.http.get(server.url("/pocket/events")).send().await?;
    watch_titles(stream, seen.clone());
    tokio::time::sleep(Duration::from_millis(300)).await;

    let (mut local_ms, mut remote_ms) = (Vec::new(), Vec::new());
    for n in 0..SAMPLES {
        let title = format!("bench-local-{n}");
        let request = local
            .request(
                &http,
                reqwest::Method::PATCH,
                &format!("/session/{local_id}"),
            )
            .header("x-opencode-directory", local_dir.display().to_string());
        local_ms.push(sample(request, &title, &seen).await?);
        let title = format!("bench-remote-{n}");
        let request = http.patch(remote.url(&format!("/session/{remote_id}")));
        remote_ms.push(sample(request, &title, &seen).await?);
    }
    let (l50, l90) = (percentile(&local_ms, 0.5), percentile(&local_ms, 0.9));
    let (r50, r90) = (percentile(&remote_ms, 0.5), percentile(&remote_ms, 0.9));
    println!("event to client (ms, {SAMPLES} samples each)   p50     p90");
    println!("  local chat                          {l50:>7.2} {l90:>7.2}");
    println!("  remote chat, through the tunnel     {r50:>7.2} {r90:>7.2}");
    println!(
        "  added by the tunnel                 {:>7.2} {:>7.2}   (ratio p50 {:.2})",
        r50 - l50,
        r90 - l90,
        r50 / l50
    );
    Ok(())
}

/// Renames a chat with `request` and waits until its event arrives: ms.
async fn sample(
    request: reqwest::RequestBuilder,
    title: &str,
    seen: &Seen,
) -> Result<f64, BoxError> {
    let t0 = Instant::now();
    let response = request.json(&json!({ "title": title })).send().await?;
    if !response.status().is_success() {
        return Err(format!("rename answered {}", response.status()).into());
    }
    let deadline = t0 + Duration::from_secs(10);
    loop {
        if let Some(at) = seen.lock().unwrap_or_else(|e| e.into_inner()).get(title) {
            return Ok(at.duration_since(t0).as_secs_f64() * 1000.0);
        }
        if Instant::now() > deadline {
            return Err(format!("{title} never reached the client").into());
        }
        tokio::time::sleep(Duration::from_micros(200)).await;
    }
}

/// Notes when each `bench-` title first arrives on the client stream.
fn watch_titles(response: reqwest::Response, seen: Seen) {
    tokio::spawn(async move {
        let mut items = json_items(response);
        while let Some(item) = items.next().await {
            let at = Instant::now();
            let event = &item["event"];
            let title = event["properties"]["info"]["title"]
                .as_str()
                .unwrap_or_default();
            if event["type"] == "session.updated" && title.starts_with("bench-") {
                seen.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .entry(title.to_owned())
                    .or_insert(at);
            }
        }
    });
}

async fn save(
    server: &TestServer,
    sshd: &Sshd,
    name: &str,
    port: u16,
    bootstrap: bool,
) -> Result<(), BoxError> {
    let (port, ssh_port, key) = (
        port.to_string(),
        sshd.port.to_string(),
        sshd.key.display().to_string(),
    );
    let bootstrap = bootstrap.to_string();
    let (status, body) = call(
        server,
        "save_connection",
        &[
            ("name", name),
            ("host", "127.0.0.1"),
            ("port", &ssh_port),
            ("user", &sshd.user),
            ("identity_file", &key),
            ("remote_port", &port),
            ("bootstrap", &bootstrap),
        ],
    )
    .await;
    if status == 200 {
        Ok(())
    } else {
        Err(format!("save_connection: {status} {body}").into())
    }
}

/// Connects `name` and reads the steps' times (ms since the start) from
/// its diagnostics' history.
async fn connect(server: &TestServer, name: &str) -> Result<HashMap<String, u64>, BoxError> {
    let (_, state) = call(server, "connect", &[("name", name)]).await;
    if state["state"] != "connected" {
        return Err(format!("connect {name}: {state}").into());
    }
    let (_, report) = call(server, "connection_diagnostics", &[("name", name)]).await;
    let mut steps = HashMap::new();
    for line in report.as_str().unwrap_or_default().lines() {
        let Some(rest) = line.trim().strip_prefix('+') else {
            continue;
        };
        let Some((ms, state)) = rest.split_once(" ms ") else {
            continue;
        };
        let step: String = state
            .chars()
            .take_while(char::is_ascii_alphabetic)
            .collect();
        if let Ok(ms) = ms.parse() {
            // The first time each step was reached.
            steps.entry(step).or_insert(ms);
        }
    }
    Ok(steps)
}

/// A remote with opencode installed but not running: the bootstrap starts
/// it (its pid comes back in the diagnostics, and is ended afterwards).
async fn bootstrap_once(server: &TestServer, known_hosts: &Path) -> Result<(), BoxError> {
    let home = common::TempDir::new();
    let machine = Sshd::remote_machine(home.path(), true);
    let port = std::net::TcpListener::bind(("127.0.0.1", 0))?
        .local_addr()?
        .port();
    // pocketcode reads one known_hosts (the first sshd's): trust this one too.
    let trusted = std::fs::read_to_string(&machine.known_hosts)?;
    let mut file = std::fs::OpenOptions::new().append(true).open(known_hosts)?;
    std::io::Write::write_all(&mut file, trusted.as_bytes())?;
    save(server, &machine, "boot", port, true).await?;
    let steps = connect(server, "boot").await?;
    let (_, report) = call(server, "connection_diagnostics", &[("name", "boot")]).await;
    let report = report.as_str().unwrap_or_default().to_owned();
    call(server, "disconnect", &[("name", "boot")]).await;
    if let Some(pid) = report
        .split("\"pid\":")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|pid| pid.parse::<i32>().ok())
    {
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(pid),
            nix::sys::signal::Signal::SIGTERM,
        );
    }
    let at = |step: &str| steps.get(step).copied().unwrap_or_default();
    println!(
        "bootstrap (ms): tunnel up {}, first discovery failed by {}, opencode started and discovered by {}",
        at("Discovering").min(at("Bootstrapping")),
        at("Bootstrapping"),
        at("Connected")
    );
    Ok(())
}
