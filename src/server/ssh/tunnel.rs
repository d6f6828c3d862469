//! One ssh process holding a local forward to a remote opencode. Ready
//! when the forward accepts connections (ssh binds it only after logging
//! in); if ssh exits first, what it printed says why. Closed with SIGTERM,
//! then SIGKILL after a grace period; dropping it kills the process too.

use std::process::Stdio;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use super::SshError;
use super::classify::transport_error;
use super::command::{SshSettings, forward_args};
use super::profile::Profile;

/// How long ssh may take to log in and bind the forward.
const READY_TIMEOUT: Duration = Duration::from_secs(20);
/// SIGTERM, then SIGKILL after this.
const STOP_GRACE: Duration = Duration::from_secs(3);
/// ssh's stderr kept for diagnostics.
const STDERR_LIMIT: usize = 32 * 1024;
/// New local ports tried when the picked one was taken meanwhile.
const PORT_ATTEMPTS: usize = 3;

pub struct Tunnel {
    child: Child,
    pid: u32,
    pub local_port: u16,
    /// ssh's arguments (the binary is [`SshSettings::binary`]).
    pub args: Vec<String>,
    stderr: Arc<Mutex<String>>,
    pub setup_time: Duration,
}

impl std::fmt::Debug for Tunnel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tunnel")
            .field("pid", &self.pid)
            .field("local_port", &self.local_port)
            .finish_non_exhaustive()
    }
}

impl Tunnel {
    /// Starts ssh and waits until its forward listens on 127.0.0.1.
    pub async fn open(profile: &Profile, settings: &SshSettings) -> Result<Self, SshError> {
        profile.validate()?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let port = free_port()?;
            match Self::start(profile, settings, port).await {
                Err(StartError::PortTaken) if attempt < PORT_ATTEMPTS => continue,
                Err(StartError::PortTaken) => {
                    return Err(SshError::Transport(
                        "no free local port could be bound for the forward".into(),
                    ));
                }
                Err(StartError::Failed(error)) => return Err(error),
                Ok(tunnel) => return Ok(tunnel),
            }
        }
    }

    async fn start(
        profile: &Profile,
        settings: &SshSettings,
        port: u16,
    ) -> Result<Self, StartError> {
        let started = Instant::now();
        let args = forward_args(profile, settings, port);
        let mut child = Command::new(&settings.binary)
            .args(&args)
            .env_clear()
            .envs(crate::server::sandbox::env::for_ssh())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .process_group(0)
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| {
                StartError::Failed(SshError::Transport(format!(
                    "cannot run {}: {e}",
                    settings.binary.display()
                )))
            })?;
        let pid = child.id().unwrap_or_default();
        let stderr = Arc::new(Mutex::new(String::new()));
        let reader = child.stderr.take().map(|pipe| {
            let stderr = Arc::clone(&stderr);
            tokio::spawn(async move {
                let mut lines = BufReader::new(pipe).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    let mut kept = stderr.lock().unwrap_or_else(PoisonError::into_inner);
                    if kept.len() + line.len() < STDERR_LIMIT {
                        kept.push_str(&line);
                        kept.push('\n');
                    }
                }
            })
        });
        let mut tunnel = Self {
            child,
            pid,
            local_port: port,
            args,
            stderr,
            setup_time: Duration::ZERO,
        };
        while started.elapsed() < READY_TIMEOUT {
            if let Ok(Some(_)) = tunnel.child.try_wait() {
                if let Some(reader) = reader {
                    let _ = reader.await;
                }
                let printed = tunnel.stderr();
                if printed.contains("Address already in use") {
                    return Err(StartError::PortTaken);
                }
                let needs_passphrase = printed.contains("Permission denied")
                    && key_needs_passphrase(profile.identity_file.as_deref()).await;
                return Err(StartError::Failed(transport_error(
                    &printed,
                    profile,
                    needs_passphrase,
                )));
            }
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                tunnel.setup_time = started.elapsed();
                return Ok(tunnel);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        tunnel.close().await;
        Err(StartError::Failed(SshError::Transport(format!(
            "ssh did not log in and open the forward within {} s",
            READY_TIMEOUT.as_secs()
        ))))
    }

    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// What ssh printed so far (bounded).
    pub fn stderr(&self) -> String {
        self.stderr
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Whether ssh still runs.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// SIGTERM, then SIGKILL if ssh is still there after a grace period.
    pub async fn close(mut self) {
        if !self.is_running() {
            return;
        }
        if let Ok(pid) = i32::try_from(self.pid) {
            let _ = kill(Pid::from_raw(pid), Signal::SIGTERM);
        }
        if tokio::time::timeout(STOP_GRACE, self.child.wait())
            .await
            .is_err()
        {
            let _ = self.child.kill().await;
        }
    }
}

enum StartError {
    PortTaken,
    Failed(SshError),
}

fn free_port() -> Result<u16, SshError> {
    std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .map_err(|e| SshError::Transport(format!("no local port for the forward: {e}")))
}

/// Whether the key file is encrypted: `ssh-keygen -y` with an empty
/// passphrase fails with "incorrect passphrase" then.
async fn key_needs_passphrase(key: Option<&str>) -> bool {
    let Some(key) = key else { return false };
    let path = match key.strip_prefix("~/") {
        Some(rest) => match std::env::var_os("HOME") {
            Some(home) => std::path::Path::new(&home).join(rest),
            None => return false,
        },
        None => key.into(),
    };
    let output = Command::new("ssh-keygen")
        .args(["-y", "-P", "", "-f"])
        .arg(&path)
        .env_clear()
        .envs(crate::server::sandbox::env::for_ssh())
        .stdin(Stdio::null())
        .output()
        .await;
    output.is_ok_and(|out| {
        !out.status.success()
            && String::from_utf8_lossy(&out.stderr).contains("incorrect passphrase")
    })
}
