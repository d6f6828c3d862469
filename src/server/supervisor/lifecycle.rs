//! The supervising loop: start, wait for health, watch (exit and liveness),
//! restart with backoff.

use std::time::Duration;

use tokio::sync::watch;

use super::child::OpencodeChild;
use super::status::{LastRestart, OpencodeState, RestartCause};
use super::{OpencodeSettings, RestartRequest, Snapshot, locate, watchdog};
use crate::server::backoff::Backoff;

/// After this many failed starts in a row the state shows `failed`.
const FAILED_AFTER: u32 = 3;
const BACKOFF_FIRST: Duration = Duration::from_millis(500);
const BACKOFF_MAX: Duration = Duration::from_secs(30);

pub(super) async fn run(
    settings: OpencodeSettings,
    snapshot: watch::Sender<Snapshot>,
    mut stop: watch::Receiver<bool>,
    mut restarts: tokio::sync::mpsc::UnboundedReceiver<RestartRequest>,
) {
    let http = reqwest::Client::new();
    // Counts failed starts (or short runs) in a row; reset once opencode is healthy.
    let mut backoff = Backoff::new(BACKOFF_FIRST, BACKOFF_MAX);
    let mut started_once = false;
    loop {
        if *stop.borrow() {
            break;
        }
        let mut restart = None;
        let run = start_and_watch(
            &settings,
            &http,
            &snapshot,
            &mut stop,
            &mut restarts,
            &mut started_once,
        );
        let error = match run.await {
            Outcome::Stopped => break,
            Outcome::Exited(error) => {
                backoff.reset();
                restart = Some(RestartCause::Exited);
                error
            }
            Outcome::Hung(error) => {
                backoff.reset();
                restart = Some(RestartCause::Hung);
                error
            }
            Outcome::Replaced(cause, reason) => {
                backoff.reset();
                restart = Some(cause);
                reason
            }
            Outcome::FailedToStart(error) => {
                backoff.failed();
                error
            }
        };
        tracing::warn!(%error, "opencode is down, restarting");
        let state = if backoff.failures() >= FAILED_AFTER {
            OpencodeState::Failed
        } else {
            OpencodeState::Restarting
        };
        snapshot.send_modify(|s| {
            s.status.state = state;
            if let Some(cause) = restart {
                s.status.last_restart = Some(LastRestart::now(cause, error.clone()));
            }
            s.status.last_error = Some(error);
            s.status.pid = None;
            s.status.probe_misses = 0;
            s.upstream = None;
        });
        tokio::select! {
            _ = tokio::time::sleep(backoff.delay()) => {}
            _ = stop.changed() => break,
        }
    }
    snapshot.send_modify(|s| {
        s.status.state = OpencodeState::Stopped;
        s.status.pid = None;
        s.upstream = None;
    });
}

enum Outcome {
    Stopped,
    /// It was healthy, then exited.
    Exited(String),
    /// It was healthy, then stopped answering; its group was killed.
    Hung(String),
    /// It was healthy; pocketcode was asked to replace it (and stopped it).
    Replaced(RestartCause, String),
    /// It never became healthy.
    FailedToStart(String),
}

async fn start_and_watch(
    settings: &OpencodeSettings,
    http: &reqwest::Client,
    snapshot: &watch::Sender<Snapshot>,
    stop: &mut watch::Receiver<bool>,
    restarts: &mut tokio::sync::mpsc::UnboundedReceiver<RestartRequest>,
    started_once: &mut bool,
) -> Outcome {
    if let Some(catalog) = &settings.models {
        catalog.refresh_logged().await;
    }
    let mut child = match launch(settings, snapshot, started_once) {
        Ok(child) => child,
        Err(outcome) => return outcome,
    };
    if let Err(outcome) = until_healthy(&mut child, settings, http, snapshot, stop).await {
        return outcome;
    }
    watch_healthy(child, settings, http, snapshot, stop, restarts).await
}

/// Finds the binary and starts it; the snapshot shows the new process.
fn launch(
    settings: &OpencodeSettings,
    snapshot: &watch::Sender<Snapshot>,
    started_once: &mut bool,
) -> Result<OpencodeChild, Outcome> {
    let binary = locate(settings.binary.as_deref()).map_err(Outcome::FailedToStart)?;
    let child = OpencodeChild::spawn(settings, &binary).map_err(|err| {
        Outcome::FailedToStart(format!("could not start {}: {err}", binary.display()))
    })?;
    let port = child
        .upstream
        .base_url
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok());
    snapshot.send_modify(|s| {
        if *started_once {
            s.status.restarts += 1;
        }
        s.status.pid = Some(child.pid);
        s.status.port = port;
        s.status.binary = Some(binary.display().to_string());
        s.status.stderr_tail.clear();
    });
    *started_once = true;
    tracing::info!(pid = child.pid, binary = %binary.display(), "opencode started");
    Ok(child)
}

/// Waits for the new opencode to answer its health check (or for a stop);
/// the snapshot then says it is healthy, with its version.
async fn until_healthy(
    child: &mut OpencodeChild,
    settings: &OpencodeSettings,
    http: &reqwest::Client,
    snapshot: &watch::Sender<Snapshot>,
    stop: &mut watch::Receiver<bool>,
) -> Result<(), Outcome> {
    let health = tokio::select! {
        health = child.wait_healthy(http, settings.start_timeout) => health,
        _ = stop.changed() => {
            child.stop().await;
            return Err(Outcome::Stopped);
        }
    };
    let version = match health {
        Ok(version) => version,
        Err(error) => {
            child.stop().await;
            child.drain_stderr().await;
            copy_tail(snapshot, child);
            return Err(Outcome::FailedToStart(with_stderr(error, child)));
        }
    };
    tracing::info!(pid = child.pid, %version, url = %child.upstream.base_url, "opencode is healthy");
    if version != super::PINNED_OPENCODE_VERSION {
        // It works, but nothing here was tested against it.
        tracing::warn!(
            %version,
            pinned = super::PINNED_OPENCODE_VERSION,
            "this opencode is not the pinned version"
        );
    }
    snapshot.send_modify(|s| {
        s.status.state = OpencodeState::Healthy;
        s.status.version = Some(version);
        s.upstream = Some(child.upstream.clone());
    });
    Ok(())
}

/// Watches a healthy opencode until it hangs, exits, is stopped or is
/// replaced.
async fn watch_healthy(
    mut child: OpencodeChild,
    settings: &OpencodeSettings,
    http: &reqwest::Client,
    snapshot: &watch::Sender<Snapshot>,
    stop: &mut watch::Receiver<bool>,
    restarts: &mut tokio::sync::mpsc::UnboundedReceiver<RestartRequest>,
) -> Outcome {
    // Pinned outside the loop: its count of misses must survive the other
    // branches firing.
    let upstream = child.upstream.clone();
    let watchdog = watchdog::watch(http, &upstream, settings.liveness, |misses| {
        snapshot.send_modify(|s| s.status.probe_misses = misses);
    });
    tokio::pin!(watchdog);
    // Keep the tail of stderr visible while it runs.
    let mut tail_tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tokio::select! {
            hung = &mut watchdog => {
                tracing::error!(pid = child.pid, error = %hung, "opencode is hung: killing its process group");
                child.kill_group().await;
                child.drain_stderr().await;
                copy_tail(snapshot, &child);
                return Outcome::Hung(hung.to_string());
            }
            exit = child.exited() => {
                child.reap_group().await;
                child.drain_stderr().await;
                copy_tail(snapshot, &child);
                return Outcome::Exited(with_stderr(exit, &child));
            }
            _ = stop.changed() => {
                child.stop().await;
                return Outcome::Stopped;
            }
            Some(request) = restarts.recv() => {
                // A request meant for an opencode already replaced.
                if request.pid != child.pid {
                    continue;
                }
                tracing::warn!(pid = child.pid, cause = %request.cause, reason = %request.reason, "replacing opencode");
                // Not hung: SIGTERM first lets it close its database cleanly.
                child.stop().await;
                child.drain_stderr().await;
                copy_tail(snapshot, &child);
                return Outcome::Replaced(request.cause, request.reason);
            }
            _ = tail_tick.tick() => copy_tail(snapshot, &child),
        }
    }
}

fn copy_tail(snapshot: &watch::Sender<Snapshot>, child: &OpencodeChild) {
    let tail: Vec<String> = match child.stderr_tail.lock() {
        Ok(tail) => tail.iter().cloned().collect(),
        Err(_) => return,
    };
    snapshot.send_if_modified(|s| {
        if s.status.stderr_tail == tail {
            false
        } else {
            s.status.stderr_tail = tail;
            true
        }
    });
}

fn with_stderr(error: String, child: &OpencodeChild) -> String {
    match child.last_stderr_line() {
        Some(line) => format!("{error}; last stderr line: {line}"),
        None => error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let after = |failures: u32| {
            let mut backoff = Backoff::new(BACKOFF_FIRST, BACKOFF_MAX);
            (0..failures).for_each(|_| backoff.failed());
            backoff.delay()
        };
        assert_eq!(after(0), Duration::from_millis(500));
        assert_eq!(after(1), Duration::from_secs(1));
        assert_eq!(after(3), Duration::from_secs(4));
        assert_eq!(after(40), BACKOFF_MAX);
    }
}
