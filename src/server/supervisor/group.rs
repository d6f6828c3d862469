//! Ending a process group for good. `killpg(SIGKILL)` only queues the
//! signal: each member still has to tear itself down (opencode unmaps
//! hundreds of MB), and members whose parent was the group's leader are
//! reparented once it dies. Reaping the leader therefore says nothing about
//! the others, so the supervisor waits here until no member runs before it
//! reports the old opencode gone and starts the next one on the same
//! small machine.

use std::time::Duration;

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

use crate::server::system::ProcStat;

/// How long the members of a killed group may take to exit.
const GONE_WITHIN: Duration = Duration::from_secs(5);
/// How often the group is looked at meanwhile.
const LOOK_EVERY: Duration = Duration::from_millis(20);

/// SIGKILL to every member of `group`, again until none is running (a
/// zombie has ended; its parent reaps it), for at most [`GONE_WITHIN`].
/// Returns the members still running then (empty when all ended).
pub(super) async fn kill_until_gone(group: u32) -> Vec<u32> {
    let deadline = tokio::time::Instant::now() + GONE_WITHIN;
    loop {
        // ESRCH: no process left in the group at all.
        if killpg(Pid::from_raw(group as i32), Signal::SIGKILL).is_err() {
            return Vec::new();
        }
        let running = tokio::task::spawn_blocking(move || running_members(group))
            .await
            .unwrap_or_default();
        if running.is_empty() || tokio::time::Instant::now() >= deadline {
            if !running.is_empty() {
                tracing::error!(
                    group,
                    ?running,
                    "processes of a killed opencode group are still running"
                );
            }
            return running;
        }
        tokio::time::sleep(LOOK_EVERY).await;
    }
}

/// The members of `group` that have not ended (zombies excluded). Blocking:
/// reads `/proc/<pid>/stat` of every process.
fn running_members(group: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| ProcStat::read(*pid).is_some_and(|stat| stat.group == group && !stat.ended()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_group_whose_leader_is_reaped_is_waited_for_until_its_members_end() {
        // A leader in its own group with a child that ignores nothing but
        // takes its time: the child outlives the leader's reaping.
        let mut leader = tokio::process::Command::new("sh")
            .args(["-c", "sleep 30 & wait"])
            .process_group(0)
            .spawn()
            .expect("spawn a group");
        let group = leader.id().expect("pid");
        let members = loop {
            let members = running_members(group);
            if members.len() >= 2 {
                break members;
            }
            tokio::time::sleep(LOOK_EVERY).await;
        };
        assert!(members.contains(&group), "{members:?}");

        let left = kill_until_gone(group).await;
        let _ = leader.wait().await;

        assert_eq!(left, Vec::<u32>::new());
        assert_eq!(running_members(group), Vec::<u32>::new());
    }
}
