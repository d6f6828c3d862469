//! One run of `opencode serve`: spawning it in its own process group,
//! reading its output, probing its health, and stopping the whole group.

use std::collections::VecDeque;
use std::path::Path;
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::oneshot;

use super::OpencodeSettings;
use super::group;
use super::status::Upstream;

/// How many stderr lines are kept for `/admin/health`.
const STDERR_LINES: usize = 40;
/// opencode prints this on stdout once its port is open.
const LISTENING: &str = "opencode server listening on";
/// How long SIGTERM may take before the group gets SIGKILL (SIGTERM can
/// hang while opencode's background plugin install runs).
const TERM_GRACE: Duration = Duration::from_secs(3);

/// A running `opencode serve`.
pub(super) struct OpencodeChild {
    child: Child,
    pub pid: u32,
    pub upstream: Upstream,
    pub stderr_tail: Arc<Mutex<VecDeque<String>>>,
    stderr_reader: Option<tokio::task::JoinHandle<()>>,
    listening: Option<oneshot::Receiver<()>>,
}

/// Picks a free loopback port by binding port 0 and letting it go. Another
/// process could take it before opencode does; opencode then exits with
/// status 1 and the supervisor simply starts again on another port.
pub(super) fn free_port() -> std::io::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

fn random_password() -> String {
    let bytes: [u8; 24] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl OpencodeChild {
    pub fn spawn(settings: &OpencodeSettings, binary: &Path) -> std::io::Result<Self> {
        let port = free_port()?;
        let password = random_password();
        let home = &settings.home;
        for dir in ["data", "config", "state", "cache"] {
            std::fs::create_dir_all(home.join(dir))?;
        }
        std::fs::create_dir_all(&settings.workdir)?;
        let mut command = command(settings, binary, home, port, &password)?;
        let mut child = command.spawn()?;
        let pid = child.id().unwrap_or_default();
        let stderr_tail = Arc::new(Mutex::new(VecDeque::with_capacity(STDERR_LINES)));
        let (tx, listening) = oneshot::channel();
        if let Some(stdout) = child.stdout.take() {
            tokio::spawn(read_stdout(stdout, tx));
        }
        let stderr_reader = child
            .stderr
            .take()
            .map(|stderr| tokio::spawn(read_stderr(stderr, stderr_tail.clone())));
        Ok(Self {
            child,
            pid,
            upstream: Upstream {
                base_url: format!("http://127.0.0.1:{port}"),
                password,
            },
            stderr_tail,
            stderr_reader,
            listening: Some(listening),
        })
    }

    /// Waits for the "listening" line, then for `/global/health` to answer.
    /// Returns opencode's version.
    pub async fn wait_healthy(
        &mut self,
        http: &reqwest::Client,
        timeout: Duration,
    ) -> Result<String, String> {
        let deadline = tokio::time::Instant::now() + timeout;
        if let Some(listening) = self.listening.take() {
            tokio::select! {
                heard = tokio::time::timeout_at(deadline, listening) => match heard {
                    Ok(Ok(())) => {}
                    // Its stdout closed: usually because it exited, and how it
                    // exited is the useful part of the message.
                    Ok(Err(_)) => {
                        return Err(
                            match tokio::time::timeout(TERM_GRACE, self.child.wait()).await {
                                Ok(status) => exit_message(status),
                                Err(_) => "opencode closed its output before listening".into(),
                            },
                        );
                    }
                    Err(_) => return Err(format!("opencode did not open its port within {timeout:?}")),
                },
                status = self.child.wait() => return Err(exit_message(status)),
            }
        }
        // Requests sent in the first moments after the port opens can hang,
        // so every probe has a short timeout and is retried.
        loop {
            tokio::select! {
                probe = probe_health(http, &self.upstream) => match probe {
                    Ok(version) => return Ok(version),
                    Err(err) if tokio::time::Instant::now() >= deadline => {
                        return Err(format!("opencode health check failed: {err}"));
                    }
                    Err(_) => {}
                },
                status = self.child.wait() => return Err(exit_message(status)),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Resolves when opencode exits, with a message saying how.
    pub async fn exited(&mut self) -> String {
        exit_message(self.child.wait().await)
    }

    /// SIGTERM to the whole group, SIGKILL after a grace period.
    pub async fn stop(&mut self) {
        let group = Pid::from_raw(self.pid as i32);
        if killpg(group, Signal::SIGTERM).is_ok()
            && tokio::time::timeout(TERM_GRACE, self.child.wait())
                .await
                .is_ok()
        {
            // The leader is gone; anything it left behind in the group goes too.
            group::kill_until_gone(self.pid).await;
            return;
        }
        let _ = killpg(group, Signal::SIGKILL);
        let _ = self.child.wait().await;
        group::kill_until_gone(self.pid).await;
    }

    /// SIGKILL to the whole group at once: a hung opencode would not act
    /// on SIGTERM (a stopped one cannot), and SIGKILL ends stopped
    /// processes too.
    pub async fn kill_group(&mut self) {
        let _ = killpg(Pid::from_raw(self.pid as i32), Signal::SIGKILL);
        let _ = self.child.wait().await;
        group::kill_until_gone(self.pid).await;
    }

    /// After the leader exited on its own: clears what is left of its group.
    pub async fn reap_group(&self) {
        group::kill_until_gone(self.pid).await;
    }

    /// After an exit: lets the reader take in what opencode wrote last, so
    /// the error report includes it.
    pub async fn drain_stderr(&mut self) {
        if let Some(reader) = self.stderr_reader.take() {
            let _ = tokio::time::timeout(Duration::from_secs(1), reader).await;
        }
    }

    pub fn last_stderr_line(&self) -> Option<String> {
        self.stderr_tail.lock().ok()?.back().cloned()
    }
}

/// opencode's command line: `serve` on loopback `port`, in the agent's
/// sandbox when there is one, with an environment of its own (never
/// pocketcode's: the agent's tools inherit it), its own session and the
/// parent-death signal.
fn command(
    settings: &OpencodeSettings,
    binary: &Path,
    home: &Path,
    port: u16,
    password: &str,
) -> std::io::Result<Command> {
    let serve = [
        "serve",
        "--hostname",
        "127.0.0.1",
        "--port",
        &port.to_string(),
    ];
    let mut command = match &settings.sandbox {
        Some(zone) => {
            let mut zone = zone.clone();
            // opencode's own install must stay readable inside.
            zone.readable
                .extend(crate::server::sandbox::install_root(binary));
            let mut command = Command::new(crate::server::sandbox::BWRAP);
            command
                .args(
                    zone.bwrap_args(&settings.workdir)
                        .map_err(std::io::Error::other)?,
                )
                .arg("--")
                .arg(binary)
                .args(serve);
            command
        }
        None => {
            let mut command = Command::new(binary);
            command.args(serve);
            command
        }
    };
    command
        .current_dir(&settings.workdir)
        // Never pocketcode's environment: the agent's tools inherit this one.
        .env_clear()
        .envs(crate::server::sandbox::env::inherited())
        .env("HOME", home)
        .env("OPENCODE_SERVER_PASSWORD", password)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        // The version is pinned in package.json; never replace it behind our back.
        .env("OPENCODE_DISABLE_AUTOUPDATE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    if let Some(config) = &settings.config_json {
        command.env("OPENCODE_CONFIG_CONTENT", config);
    }
    if let Some(catalog) = &settings.models {
        command.env("OPENCODE_MODELS_PATH", catalog.path());
    }
    if settings.offline {
        command
            .env("OPENCODE_DISABLE_MODELS_FETCH", "1")
            .env("OPENCODE_DISABLE_LSP_DOWNLOAD", "1");
    }
    // SAFETY: the closure only calls prctl(2), which is async-signal-safe.
    // If pocketcode dies without a chance to clean up, opencode gets SIGTERM
    // instead of living on as an orphan.
    //
    // Its own session (so its own process group): stopping the group
    // stops what it started, and without a controlling terminal the
    // agent cannot push keystrokes into the terminal pocketcode runs in.
    unsafe {
        command.pre_exec(|| {
            nix::unistd::setsid().map_err(std::io::Error::from)?;
            nix::sys::prctl::set_pdeathsig(Signal::SIGTERM).map_err(std::io::Error::from)
        });
    }
    Ok(command)
}

fn exit_message(status: std::io::Result<ExitStatus>) -> String {
    match status {
        Ok(status) => format!("opencode exited ({status})"),
        Err(err) => format!("opencode could not be waited for: {err}"),
    }
}

async fn probe_health(http: &reqwest::Client, upstream: &Upstream) -> Result<String, String> {
    #[derive(serde::Deserialize)]
    struct Health {
        healthy: bool,
        version: String,
    }
    let response = upstream
        .request(http, reqwest::Method::GET, "/global/health")
        .timeout(Duration::from_secs(2))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("status {}", response.status()));
    }
    let health: Health = response.json().await.map_err(|e| e.to_string())?;
    if health.healthy {
        Ok(health.version)
    } else {
        Err("opencode reports itself unhealthy".into())
    }
}

async fn read_stdout(stdout: tokio::process::ChildStdout, listening: oneshot::Sender<()>) {
    let mut lines = BufReader::new(stdout).lines();
    let mut listening = Some(listening);
    while let Ok(Some(line)) = lines.next_line().await {
        tracing::debug!(target: "opencode", "{line}");
        if line.contains(LISTENING)
            && let Some(tx) = listening.take()
        {
            let _ = tx.send(());
        }
    }
}

async fn read_stderr(stderr: tokio::process::ChildStderr, tail: Arc<Mutex<VecDeque<String>>>) {
    let mut lines = BufReader::new(stderr).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        tracing::debug!(target: "opencode", stderr = true, "{line}");
        if let Ok(mut tail) = tail.lock() {
            if tail.len() == STDERR_LINES {
                tail.pop_front();
            }
            tail.push_back(line);
        }
    }
}
