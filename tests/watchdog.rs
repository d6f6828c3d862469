//! The liveness watchdog on a whole pocketcode: an opencode that stops
//! answering (SIGSTOP: its process and port stay, nothing answers) is
//! declared hung, its group killed and a new opencode started, with the
//! chats kept, the cause in `/admin/health` and the top bar, and a push
//! "opencode was restarted"; a chat that was working is interrupted until
//! Continue (see `watchdog/interrupted.rs`).

mod common;
#[path = "watchdog/interrupted.rs"]
mod interrupted;
#[path = "watchdog/waits.rs"]
mod waits;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::http::{call, proxied_session};
use common::{READY, TestServer};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use serde_json::{Value, json};

/// A loopback push service: keeps the body of every push it gets.
async fn push_service() -> (
    String,
    Arc<Mutex<Vec<Vec<u8>>>>,
    tokio::task::JoinHandle<()>,
) {
    let received = Arc::new(Mutex::new(Vec::new()));
    let keep = received.clone();
    let app = axum::Router::new().route(
        "/push/phone",
        axum::routing::post(move |body: axum::body::Bytes| async move {
            keep.lock().expect("lock").push(body.to_vec());
            axum::http::StatusCode::CREATED
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let endpoint = format!("http://{}/push/phone", listener.local_addr().expect("addr"));
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (endpoint, received, task)
}

/// Short probes, so the test sees a hang within seconds.
const PROBE_SECS: u64 = 1;
const PROBE_TIMEOUT_SECS: u64 = 1;
const PROBE_MISSES: u32 = 2;

/// A live, not-zombie process.
fn alive(pid: i32) -> bool {
    kill(Pid::from_raw(pid), None).is_ok()
        && std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|stat| !stat.contains(") Z "))
            .unwrap_or(false)
}

/// The processes in process group `group`.
fn group_members(group: u32) -> Vec<i32> {
    std::fs::read_dir("/proc")
        .expect("read /proc")
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            nix::unistd::getpgid(Some(Pid::from_raw(*pid))).ok()
                == Some(Pid::from_raw(group as i32))
        })
        .collect()
}

/// The `opencode serve` process itself in the supervised group (the
/// group's leader is bubblewrap when sandboxed).
fn opencode_serve(group: u32) -> i32 {
    group_members(group)
        .into_iter()
        .find(|pid| {
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
            args.first()
                .is_some_and(|argv0| argv0.ends_with(b"/opencode") || *argv0 == b"opencode")
                && args.get(1) == Some(&&b"serve"[..])
        })
        .unwrap_or_else(|| panic!("no `opencode serve` in group {group}"))
}

/// pocketcode probing opencode as fast as above, with `extra` flags.
async fn start_probed(extra: &[&str]) -> TestServer {
    let (every, timeout, misses) = (
        PROBE_SECS.to_string(),
        PROBE_TIMEOUT_SECS.to_string(),
        PROBE_MISSES.to_string(),
    );
    let mut args = vec![
        "--opencode-probe-secs",
        &every,
        "--opencode-probe-timeout-secs",
        &timeout,
        "--opencode-probe-misses",
        &misses,
    ];
    args.extend_from_slice(extra);
    TestServer::start(&args).await
}

async fn health(server: &TestServer) -> Value {
    common::admin_health(&server.http, &server.base_url).await.1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_opencode_is_declared_hung_killed_and_replaced_keeping_its_chats() {
    let server = start_probed(&["--push-allow-loopback"]).await;
    server.wait_ready().await;
    let workspace = server.workspace().display().to_string();

    // A phone subscribed to pushes (it gets a first one at once).
    let (endpoint, pushes, push_task) = push_service().await;
    let (keys, auth) = ece::generate_keypair_and_auth_secret().expect("browser keys");
    let subscription = json!({
        "endpoint": endpoint,
        "keys": {
            "p256dh": URL_SAFE_NO_PAD.encode(keys.pub_as_raw().expect("public key")),
            "auth": URL_SAFE_NO_PAD.encode(auth),
        }
    })
    .to_string();
    let (status, body) = call(
        &server,
        "push_subscribe",
        &[("subscription", &subscription)],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let pushed = |n: usize| {
        let pushes = pushes.lock().expect("lock");
        pushes.get(n).map(|body| {
            let components = keys.raw_components().expect("components");
            let plain = ece::decrypt(&components, &auth, body).expect("decrypts");
            serde_json::from_slice::<Value>(&plain).expect("JSON payload")
        })
    };
    poll("the first push", || pushed(0).is_some()).await;

    // A chat with a turn in it, before the hang.
    let session = proxied_session(&server, &workspace, "made before the hang").await;
    let id = session["id"].as_str().expect("session id").to_owned();
    server
        .http
        .post(server.url(&format!("/session/{id}/message")))
        .header("x-opencode-directory", &workspace)
        .json(&json!({ "parts": [{ "type": "text", "text": "hello before the hang" }] }))
        .send()
        .await
        .expect("prompt")
        .error_for_status()
        .expect("prompted");
    let messages_before = messages(&server, &workspace, &id).await;
    assert!(
        messages_before >= 2,
        "a prompt and its answer: {messages_before}"
    );

    let before = health(&server).await;
    assert_eq!(before["opencode"]["state"], "healthy");
    assert_eq!(before["opencode"]["last_restart"], Value::Null);
    let group = before["opencode"]["pid"].as_u64().expect("pid") as u32;
    let stopped = opencode_serve(group);
    let members = group_members(group);

    kill(Pid::from_raw(stopped), Signal::SIGSTOP).expect("SIGSTOP opencode");
    let hung_at = Instant::now();
    // A request that reaches the stopped opencode: it waits for the kill.
    let in_flight = {
        let http = server.http.clone();
        let url = server.url("/session");
        let workspace = workspace.clone();
        tokio::spawn(async move {
            let started = Instant::now();
            let status = http
                .get(url)
                .header("x-opencode-directory", workspace)
                .timeout(READY)
                .send()
                .await
                .map(|r| r.status().as_u16());
            (started.elapsed(), status)
        })
    };

    // Declared hung within the bound the flags give.
    let bound =
        Duration::from_secs(PROBE_SECS.max(PROBE_TIMEOUT_SECS) * u64::from(PROBE_MISSES + 1));
    let restarted = loop {
        let now = health(&server).await;
        if now["opencode"]["last_restart"]["cause"] == "hung" {
            break now;
        }
        assert!(
            hung_at.elapsed() < bound + Duration::from_secs(5),
            "not declared hung within {bound:?}: {now}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let detected = hung_at.elapsed();
    let reason = restarted["opencode"]["last_restart"]["reason"]
        .as_str()
        .expect("reason");
    assert!(
        reason.starts_with(&format!("hung: {PROBE_MISSES} health probes missed")),
        "{reason}"
    );
    assert!(
        restarted["opencode"]["last_error"]
            .as_str()
            .is_some_and(|e| e.starts_with("hung:")),
        "{restarted}"
    );

    // Killed, whole group, although it was stopped.
    for pid in &members {
        assert!(!alive(*pid), "{pid} of the hung group is still alive");
    }

    // A request sent now waits for the new opencode instead of failing.
    let during_restart = Instant::now();
    let listed = server
        .http
        .get(server.url("/session"))
        .header("x-opencode-directory", &workspace)
        .send()
        .await
        .expect("list during restart");
    let waited_during_restart = during_restart.elapsed();
    assert_eq!(listed.status(), 200);
    let recovered = hung_at.elapsed();

    let after = health(&server).await;
    assert_eq!(after["opencode"]["state"], "healthy", "{after}");
    assert_eq!(after["opencode"]["restarts"], 1);
    let new_group = after["opencode"]["pid"].as_u64().expect("new pid") as u32;
    assert_ne!(new_group, group);
    assert_ne!(opencode_serve(new_group), stopped);

    // The chat made before is still there, with its turn.
    let kept = server
        .http
        .get(server.url(&format!("/session/{id}")))
        .header("x-opencode-directory", &workspace)
        .send()
        .await
        .expect("get session");
    assert_eq!(kept.status(), 200);
    let kept: Value = kept.json().await.expect("session json");
    assert_eq!(kept["title"], "made before the hang");
    assert_eq!(messages(&server, &workspace, &id).await, messages_before);

    // The top bar says so, and the phone heard of it.
    let (status, info) = call(&server, "info", &[]).await;
    assert_eq!(status, 200, "{info}");
    assert_eq!(info["opencode_restart"]["cause"], "hung", "{info}");
    let page = server
        .http
        .get(server.url("/"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        page.contains("opencode restarted just now (hung)"),
        "{page}"
    );
    // Among the chat's own alerts (its prompt finished).
    let restart_push = || {
        (0..)
            .map_while(pushed)
            .find(|p| p["title"] == "opencode was restarted")
    };
    poll("the restart push", || restart_push().is_some()).await;
    let restart = restart_push().expect("the restart push");
    assert!(
        restart["body"]
            .as_str()
            .is_some_and(|b| b.starts_with("it stopped answering (hung:")),
        "{restart}"
    );

    let (in_flight_waited, in_flight_status) = in_flight.await.expect("in-flight request");
    println!(
        "watchdog: declared hung after {detected:?} (bound {bound:?}), new opencode answered \
         after {recovered:?}; a request in flight at the hang waited {in_flight_waited:?} \
         ({in_flight_status:?}), one sent after the kill waited {waited_during_restart:?}"
    );
    assert!(
        in_flight_waited < bound + Duration::from_secs(15),
        "{in_flight_waited:?}"
    );

    server.stop().await;
    push_task.abort();
    assert!(!alive(stopped));
    let deadline = Instant::now() + Duration::from_secs(10);
    while group_members(new_group).iter().any(|pid| alive(*pid)) {
        assert!(
            Instant::now() < deadline,
            "the new opencode outlived the server"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A pause shorter than the limit is not a hang: misses count in a row,
/// and an answer resets them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn short_pauses_are_missed_probes_but_no_restart() {
    // Three rounds of up to two misses each: more than the limit in all,
    // never in a row.
    let server = TestServer::start(&[
        "--opencode-probe-secs",
        "1",
        "--opencode-probe-timeout-secs",
        "1",
        "--opencode-probe-misses",
        "3",
    ])
    .await;
    server.wait_ready().await;
    let group = health(&server).await["opencode"]["pid"]
        .as_u64()
        .expect("pid") as u32;
    let opencode = Pid::from_raw(opencode_serve(group));
    let mut misses_seen = 0;
    for _ in 0..3 {
        kill(opencode, Signal::SIGSTOP).expect("SIGSTOP");
        let deadline = Instant::now() + READY;
        let missed = loop {
            let now = health(&server).await;
            assert_eq!(now["opencode"]["last_restart"], Value::Null, "{now}");
            if now["opencode"]["probe_misses"] == 1 {
                break now;
            }
            assert!(Instant::now() < deadline, "no missed probe: {now}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        kill(opencode, Signal::SIGCONT).expect("SIGCONT");
        assert_eq!(missed["opencode"]["state"], "healthy", "{missed}");
        let deadline = Instant::now() + READY;
        loop {
            let now = health(&server).await;
            assert_eq!(now["opencode"]["last_restart"], Value::Null, "{now}");
            let misses = now["opencode"]["probe_misses"].as_u64().expect("misses");
            misses_seen = misses_seen.max(misses);
            if misses == 0 {
                break;
            }
            assert!(Instant::now() < deadline, "misses never reset: {now}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    let after = health(&server).await;
    assert_eq!(after["opencode"]["restarts"], 0, "{after}");
    assert_eq!(after["opencode"]["pid"], group, "{after}");
    assert!(alive(opencode.as_raw()));
    println!("watchdog: three short pauses, at most {misses_seen} misses in a row, no restart");
    server.stop().await;
}

async fn poll(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + READY;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn messages(server: &TestServer, workspace: &str, id: &str) -> usize {
    let list: Value = server
        .http
        .get(server.url(&format!("/session/{id}/message")))
        .header("x-opencode-directory", workspace)
        .send()
        .await
        .expect("messages")
        .error_for_status()
        .expect("messages listed")
        .json()
        .await
        .expect("messages json");
    list.as_array().expect("an array").len()
}
