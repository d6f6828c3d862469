//! Killing an orphan: SIGTERM, then SIGKILL if it is still there after a
//! grace period. Anything that is not an orphan of ours is refused.

use std::time::Duration;

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use super::SystemError;
use super::orphans::{KnownServices, find_orphans};
use crate::model::processes::Killed;

/// How often to look whether the process is gone.
const POLL: Duration = Duration::from_millis(50);

pub async fn kill_orphan(
    known: KnownServices,
    pid: u32,
    grace: Duration,
) -> Result<Killed, SystemError> {
    let raw = i32::try_from(pid)
        .ok()
        .filter(|p| *p > 1)
        .ok_or_else(|| SystemError::InvalidPid(format!("refusing to signal pid {pid}")))?;
    if pid == std::process::id() {
        return Err(SystemError::InvalidPid(
            "refusing to signal pocketcode itself".into(),
        ));
    }
    let orphans = tokio::task::spawn_blocking(move || find_orphans(&known)).await?;
    if !orphans.iter().any(|o| o.pid == pid) {
        return Err(if alive(raw) {
            SystemError::NotOurs(pid)
        } else {
            SystemError::NoSuchProcess(pid)
        });
    }
    for (signal, wait) in [
        (Signal::SIGTERM, grace),
        (Signal::SIGKILL, grace.max(Duration::from_secs(1))),
    ] {
        match kill(Pid::from_raw(raw), signal) {
            Ok(()) => {}
            Err(nix::Error::ESRCH) => return Ok(killed(pid, signal)),
            Err(source) => return Err(SystemError::Signal { pid, source }),
        }
        if gone_within(raw, wait).await {
            tracing::info!(pid, ?signal, "killed an orphan process");
            return Ok(killed(pid, signal));
        }
    }
    Err(SystemError::Survived(pid))
}

fn killed(pid: u32, signal: Signal) -> Killed {
    Killed {
        pid,
        signal: signal.as_str().to_owned(),
    }
}

async fn gone_within(pid: i32, wait: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        if !alive(pid) {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Running (a zombie waiting for its reaper counts as gone).
fn alive(pid: i32) -> bool {
    u32::try_from(pid)
        .ok()
        .and_then(super::ProcStat::read)
        .is_some_and(|stat| !stat.ended())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_alive_and_a_made_up_one_is_not() {
        assert!(alive(std::process::id() as i32));
        assert!(!alive(i32::MAX));
    }
}
