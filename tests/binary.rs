//! The `pocketcode` binary as a user runs it: config from flags and env,
//! JSON logs, serving, and a graceful stop on SIGTERM / SIGINT that takes
//! opencode's whole process group with it.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::TempDir;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_pocketcode");

fn gone(pid: u32) -> bool {
    kill(Pid::from_raw(pid as i32), None).is_err()
}

/// Starts the binary on a free port, returns it with the URL it logged.
fn spawn(
    data: &TempDir,
) -> (
    std::process::Child,
    String,
    std::io::Lines<BufReader<std::process::ChildStderr>>,
) {
    let mut child = Command::new(BIN)
        .args(["--scripted-model", "always"])
        .env("POCKETCODE_LISTEN", "127.0.0.1:0")
        .env("POCKETCODE_DATA_DIR", data.path())
        .env("POCKETCODE_LOG_JSON", "true")
        .env("AUTH_PASSWORD", common::TEST_PASSWORD)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start pocketcode");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let url = loop {
        let line = lines
            .next()
            .expect("pocketcode logs before serving")
            .expect("log line");
        let entry: Value =
            serde_json::from_str(&line).unwrap_or_else(|_| panic!("not JSON: {line}"));
        if entry["fields"]["message"] == "pocketcode is serving" {
            break entry["fields"]["url"]
                .as_str()
                .expect("url field")
                .to_string();
        }
    };
    (child, url, lines)
}

/// opencode's pid, from `/admin/health`'s details (which need a login).
async fn opencode_pid(url: &str) -> u32 {
    let (_, _, http) = common::logged_in(url, common::TEST_PASSWORD).await;
    let (_, health) = common::wait_for_opencode_state(&http, url, "healthy").await;
    health["opencode"]["pid"].as_u64().expect("pid") as u32
}

async fn stops_cleanly_on(signal: Signal) {
    let data = TempDir::new();
    let (mut child, url, lines) = spawn(&data);
    let opencode = opencode_pid(&url).await;
    kill(Pid::from_raw(child.id() as i32), signal).expect("signal pocketcode");
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .expect("join")
        .expect("wait");
    assert!(status.success(), "exit status after {signal}: {status}");
    assert!(gone(opencode), "opencode {opencode} outlived pocketcode");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l.contains("\"stopped\"")), "{rest:?}");
    assert!(
        data.path().join("opencode/data").is_dir(),
        "opencode's XDG data dir"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_pocketcode_and_opencode() {
    stops_cleanly_on(Signal::SIGTERM).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_stops_pocketcode_and_opencode() {
    stops_cleanly_on(Signal::SIGINT).await;
}

/// Resident and mapped size (KiB) of the binary's own machine code in
/// `pid`, from its `r-xp` mapping of the executable.
fn resident_code_kib(pid: u32) -> (u64, u64) {
    let smaps = std::fs::read_to_string(format!("/proc/{pid}/smaps")).expect("smaps");
    let mut in_code = false;
    let (mut rss, mut size) = (0, 0);
    for line in smaps.lines() {
        let mut fields = line.split_whitespace();
        let first = fields.next().unwrap_or("");
        if first.contains('-') && first.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            in_code = fields.next() == Some("r-xp") && line.ends_with("/pocketcode");
            continue;
        }
        let kib = fields
            .next()
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(0);
        match first {
            "Size:" if in_code => size += kib,
            "Rss:" if in_code => rss += kib,
            _ => {}
        }
    }
    (rss, size)
}

/// Start-up maps most of the binary's code (each fault maps its
/// neighbours); idle pocketcode uses a few MB of it. Soon after serving it
/// gives the rest back, and it still serves after that.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_start_the_code_only_start_up_used_is_given_back() {
    let data = TempDir::new();
    let (mut child, url, _lines) = spawn(&data);
    let pid = child.id();
    opencode_pid(&url).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let (mut rss, size) = resident_code_kib(pid);
    assert!(
        size > 0,
        "no r-xp mapping of the binary in /proc/{pid}/smaps"
    );
    while rss * 4 > size {
        assert!(
            std::time::Instant::now() < deadline,
            "{rss} KiB of {size} KiB of code still resident a minute after start"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        rss = resident_code_kib(pid).0;
    }
    // The pages given back come back when used: it still answers.
    let (_, health) = common::wait_for_opencode_state(
        &common::logged_in(&url, common::TEST_PASSWORD).await.2,
        &url,
        "healthy",
    )
    .await;
    assert!(health["opencode"]["pid"].is_u64(), "{health}");
    kill(Pid::from_raw(pid as i32), Signal::SIGTERM).expect("signal pocketcode");
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .expect("join")
        .expect("wait");
    assert!(status.success(), "exit status: {status}");
}

#[test]
fn bad_config_is_refused_with_a_message_and_nothing_started() {
    let data = TempDir::new();
    let out = Command::new(BIN)
        .args(["--listen", "not-an-address"])
        .env("POCKETCODE_DATA_DIR", data.path())
        .output()
        .expect("run pocketcode");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--listen"), "{stderr}");
    assert!(
        !data.path().join("opencode").exists(),
        "nothing may be created"
    );
}

#[test]
fn a_busy_port_is_reported() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr").to_string();
    let data = TempDir::new();
    let out = Command::new(BIN)
        .args(["--listen", &addr])
        .env("POCKETCODE_DATA_DIR", data.path())
        .output()
        .expect("run pocketcode");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("cannot listen on {addr}")),
        "{stderr}"
    );
}
