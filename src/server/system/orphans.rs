//! Finding orphans: processes whose parent is init or a reaper, owned by
//! pocketcode's user, running inside its data directory (where the agent's
//! tools run), and not one of the services pocketcode runs on purpose.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use sysinfo::{Pid, Process, ProcessRefreshKind, ProcessesToUpdate, System, UpdateKind};

use crate::model::processes::OrphanProcess;

/// Processes that adopt orphans besides PID 1.
const REAPERS: &[&str] = &[
    "init",
    "systemd",
    "tini",
    "dumb-init",
    "docker-init",
    "catatonit",
    // PID 1 of the agent sandbox's PID namespace.
    "bwrap",
    "s6-svscan",
];

/// Names of the services pocketcode runs on purpose, never orphans.
const SERVICES: &[&str] = &["pocketcode", "opencode", "sshd", "ssh"];

/// What the scan must leave alone, and where "ours" is.
#[derive(Clone, Debug)]
pub struct KnownServices {
    /// pocketcode's data directory: orphans of ours run inside it.
    pub data_dir: PathBuf,
    /// Processes pocketcode started itself (opencode).
    pub pids: Vec<u32>,
}

/// [`find_orphans`] off the async threads.
pub async fn list_orphans(known: KnownServices) -> Result<Vec<OrphanProcess>, super::SystemError> {
    Ok(tokio::task::spawn_blocking(move || find_orphans(&known)).await?)
}

/// The orphans of ours, oldest first. Blocking: reads `/proc`.
pub fn find_orphans(known: &KnownServices) -> Vec<OrphanProcess> {
    let system = scan();
    let data_dir =
        std::fs::canonicalize(&known.data_dir).unwrap_or_else(|_| known.data_dir.clone());
    let me = std::process::id();
    // `/proc/self` belongs to this process's user.
    let uid = std::fs::metadata("/proc/self").map_or(u32::MAX, |m| m.uid());
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut orphans: Vec<OrphanProcess> = system
        .processes()
        .iter()
        .filter(|(pid, process)| {
            let pid = pid.as_u32();
            pid > 1
                && pid != me
                && !known.pids.contains(&pid)
                && process.thread_kind().is_none()
                && process.user_id().is_some_and(|u| **u == uid)
                && !is_service(process)
                && adopted(&system, process)
                && process.cwd().is_some_and(|cwd| cwd.starts_with(&data_dir))
        })
        .map(|(pid, process)| describe(*pid, process, now))
        .collect();
    orphans.sort_by(|a, b| b.age_seconds.cmp(&a.age_seconds).then(a.pid.cmp(&b.pid)));
    orphans
}

fn scan() -> System {
    let mut system = System::new();
    system.refresh_processes_specifics(
        ProcessesToUpdate::All,
        true,
        ProcessRefreshKind::nothing()
            .with_memory()
            .with_cmd(UpdateKind::Always)
            .with_cwd(UpdateKind::Always)
            .with_user(UpdateKind::Always),
    );
    system
}

/// Whether the process's parent is init or a known reaper.
fn adopted(system: &System, process: &Process) -> bool {
    let Some(parent) = process.parent() else {
        return false;
    };
    parent.as_u32() == 1
        || system
            .process(parent)
            .is_some_and(|p| REAPERS.contains(&p.name().to_string_lossy().as_ref()))
}

fn is_service(process: &Process) -> bool {
    let name = process.name().to_string_lossy();
    SERVICES.contains(&name.as_ref())
        || process
            .exe()
            .and_then(Path::file_name)
            .is_some_and(|exe| SERVICES.contains(&exe.to_string_lossy().as_ref()))
}

fn describe(pid: Pid, process: &Process, now: u64) -> OrphanProcess {
    let command = process
        .cmd()
        .iter()
        .map(|arg| arg.to_string_lossy())
        .collect::<Vec<_>>()
        .join(" ");
    OrphanProcess {
        pid: pid.as_u32(),
        parent_pid: process.parent().map_or(0, Pid::as_u32),
        name: process.name().to_string_lossy().into_owned(),
        command,
        cwd: process
            .cwd()
            .map(|c| c.display().to_string())
            .unwrap_or_default(),
        age_seconds: now.saturating_sub(process.start_time()),
        rss_bytes: process.memory(),
    }
}
