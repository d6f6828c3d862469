//! The supervisor against a real `opencode serve`: start, health, restart
//! after `kill -9`, process-group shutdown, and a missing binary.

mod common;

use std::time::Duration;

use common::{READY, TestOpencode};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use pocketcode::server::supervisor::{OpencodeSettings, OpencodeState, RestartCause, Supervisor};

fn alive(pid: u32) -> bool {
    // Signal 0 checks existence; a zombie still counts until reaped, so
    // also look at /proc's state.
    kill(Pid::from_raw(pid as i32), None).is_ok()
        && std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|stat| !stat.contains(") Z "))
            .unwrap_or(false)
}

async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + READY;
    while !check() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starts_reports_health_restarts_after_kill_and_stops_its_group() {
    let oc = TestOpencode::start().await;
    let status = oc.supervisor.status();
    assert_eq!(status.state, OpencodeState::Healthy);
    assert_eq!(status.version.as_deref(), Some("1.18.33"));
    assert_eq!(status.restarts, 0);
    let first_pid = status.pid.expect("pid while healthy");
    assert!(alive(first_pid));

    // Without the internal password opencode refuses: the password is real.
    let anonymous = oc
        .http
        .get(format!("{}/global/health", oc.upstream.base_url))
        .send()
        .await
        .expect("reach opencode");
    assert_eq!(anonymous.status(), 401);

    kill(Pid::from_raw(first_pid as i32), Signal::SIGKILL).expect("kill -9 opencode");
    eventually("the supervisor to notice the exit", || {
        oc.supervisor.status().state != OpencodeState::Healthy
            || oc.supervisor.status().pid != Some(first_pid)
    })
    .await;
    let upstream = oc.supervisor.ready(READY).await.expect("healthy again");
    let status = oc.supervisor.status();
    assert_eq!(status.restarts, 1);
    let second_pid = status.pid.expect("new pid");
    assert_ne!(second_pid, first_pid);
    let error = status.last_error.expect("the exit is recorded");
    assert!(error.contains("signal: 9"), "{error}");
    let restart = status.last_restart.expect("the restart is recorded");
    assert_eq!(restart.cause, RestartCause::Exited);
    assert_eq!(restart.reason, error);
    let health = upstream
        .request(&oc.http, reqwest::Method::GET, "/global/health")
        .send()
        .await
        .expect("health after restart");
    assert!(health.status().is_success());

    oc.supervisor.shutdown().await;
    assert_eq!(oc.supervisor.status().state, OpencodeState::Stopped);
    assert!(oc.supervisor.upstream().is_none());
    eventually("the process group to be gone", || !alive(second_pid)).await;
    // Any child opencode started (plugin installs) went with its group.
    let group_left = std::fs::read_dir("/proc")
        .expect("read /proc")
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            nix::unistd::getpgid(Some(Pid::from_raw(*pid))).ok()
                == Some(Pid::from_raw(second_pid as i32))
        })
        .count();
    assert_eq!(group_left, 0, "processes left in opencode's group");
    oc.model.stop().await;
}

#[tokio::test]
async fn a_missing_binary_is_reported_as_failed_with_the_reason() {
    let dir = common::TempDir::new();
    let mut settings = OpencodeSettings::new(dir.path().join("oc"), dir.path().join("ws"));
    settings.binary = Some(dir.path().join("no-such-opencode"));
    let supervisor = Supervisor::spawn(settings);
    eventually("the failed state", || {
        supervisor.status().state == OpencodeState::Failed
    })
    .await;
    let status = supervisor.status();
    let error = status.last_error.expect("an error is recorded");
    assert!(error.contains("no-such-opencode"), "{error}");
    assert!(supervisor.upstream().is_none());
    let waited = supervisor.ready(Duration::from_millis(200)).await;
    assert!(waited.is_err());
    supervisor.shutdown().await;
    assert_eq!(supervisor.status().state, OpencodeState::Stopped);
}

#[tokio::test]
async fn a_crashing_binary_is_retried_and_its_stderr_is_kept() {
    use std::os::unix::fs::PermissionsExt;
    let dir = common::TempDir::new();
    // A broken install: it complains on stderr and exits at once.
    let binary = dir.path().join("opencode");
    std::fs::write(
        &binary,
        "#!/bin/sh\necho 'loading config' >&2\necho 'fatal: broken install' >&2\nexit 3\n",
    )
    .expect("write script");
    std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let mut settings = OpencodeSettings::new(dir.path().join("oc"), dir.path().join("ws"));
    settings.binary = Some(binary);
    let supervisor = Supervisor::spawn(settings);
    eventually("the failed state", || {
        supervisor.status().state == OpencodeState::Failed
    })
    .await;
    let status = supervisor.status();
    // Failed means it was retried (with backoff), not given up on the first try.
    assert!(status.restarts >= 2, "restarts: {}", status.restarts);
    let error = status.last_error.expect("an error is recorded");
    assert!(error.contains("exit status: 3"), "{error}");
    assert!(error.contains("fatal: broken install"), "{error}");
    assert_eq!(
        status.stderr_tail,
        ["loading config", "fatal: broken install"]
    );
    supervisor.shutdown().await;
}
