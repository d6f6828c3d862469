//! One headless Chromium: started in its own process group with remote
//! debugging on loopback only, its own profile directory, every request
//! through pocketcode's forward proxy, its own sandbox when it can have
//! it, and watched until it ends.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use tokio::io::AsyncBufReadExt;
use tokio::process::Command;
use tokio::sync::watch;

use super::BrowserError;

/// Chromium opens its port about a second after starting; a loaded
/// machine may need much longer.
const PORT_TIMEOUT: Duration = Duration::from_secs(30);
/// How long SIGTERM may take before the group gets SIGKILL.
const TERM_GRACE: Duration = Duration::from_secs(3);
/// Chromium's last stderr lines kept, to say why it would not start.
const STDERR_LINES: usize = 20;

/// How a Chromium is started.
#[derive(Clone, Debug)]
pub struct LaunchOptions {
    /// pocketcode's forward proxy on 127.0.0.1: its only way out.
    pub proxy_port: u16,
    /// With Chromium's own sandbox (it refuses to start without
    /// `--no-sandbox` where it cannot have one).
    pub sandbox: bool,
    /// Inside the agent's bubblewrap zone (`None` with `--no-sandbox`):
    /// the agent drives it, so a `file://` page must not show what the
    /// agent's own tools cannot read.
    pub zone: Option<crate::server::sandbox::Zone>,
}

/// A running Chromium. Dropping it does not stop it: call [`stop`](Self::stop).
pub struct Chromium {
    pub pid: u32,
    /// The debugging port on 127.0.0.1 (never another address).
    pub port: u16,
    /// `None` while it runs; then how it ended.
    exited: watch::Receiver<Option<String>>,
    /// Its last lines on stderr.
    stderr: Arc<Mutex<VecDeque<String>>>,
}

impl Chromium {
    /// Starts `binary` with its profile in `profile_dir` and waits for its
    /// debugging port.
    pub async fn launch(
        binary: &Path,
        profile_dir: &Path,
        options: LaunchOptions,
    ) -> Result<Self, BrowserError> {
        let launch_error = |reason: String| BrowserError::Launch {
            binary: binary.display().to_string(),
            reason,
        };
        std::fs::create_dir_all(profile_dir).map_err(|e| launch_error(e.to_string()))?;
        let port_file = profile_dir.join("DevToolsActivePort");
        // A file left by an earlier run would name a dead port.
        let _ = std::fs::remove_file(&port_file);
        let mut command = command(binary, profile_dir, &options).map_err(launch_error)?;
        let mut child = command.spawn().map_err(|e| launch_error(e.to_string()))?;
        let pid = child.id().unwrap_or_default();
        let stderr = Arc::new(Mutex::new(VecDeque::new()));
        if let Some(pipe) = child.stderr.take() {
            tokio::spawn(keep_tail(pipe, stderr.clone()));
        }
        let exited = report_exit(child);
        let mut chromium = Self {
            pid,
            port: 0,
            exited,
            stderr,
        };
        match chromium.wait_for_port(&port_file).await {
            Ok(port) => {
                chromium.port = port;
                Ok(chromium)
            }
            Err(err) => {
                chromium.stop().await;
                Err(err)
            }
        }
    }

    async fn wait_for_port(&mut self, port_file: &Path) -> Result<u16, BrowserError> {
        let deadline = tokio::time::Instant::now() + PORT_TIMEOUT;
        loop {
            if let Some(how) = self.exited() {
                // The pipe may still hold its last words.
                tokio::time::sleep(Duration::from_millis(50)).await;
                let said = self
                    .stderr
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .back()
                    .map(|line| format!(": {line}"))
                    .unwrap_or_default();
                return Err(BrowserError::Launch {
                    binary: "chromium".into(),
                    reason: format!("{how}{said}"),
                });
            }
            let port = std::fs::read_to_string(port_file)
                .ok()
                .and_then(|text| text.lines().next()?.trim().parse::<u16>().ok());
            if let Some(port) = port {
                return Ok(port);
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(BrowserError::NoPort(PORT_TIMEOUT));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// `None` while Chromium runs; then how it ended.
    pub fn exited(&self) -> Option<String> {
        self.exited.borrow().clone()
    }

    /// Resolves when Chromium ends, with how it ended.
    pub fn on_exit(&self) -> impl std::future::Future<Output = String> + Send + 'static {
        let mut exited = self.exited.clone();
        async move {
            match exited.wait_for(Option::is_some).await {
                Ok(how) => how.clone().unwrap_or_default(),
                Err(_) => "Chromium ended".to_owned(),
            }
        }
    }

    /// Ends the whole process group: SIGTERM, then SIGKILL after a grace.
    pub async fn stop(&self) {
        let group = Pid::from_raw(self.pid as i32);
        if self.exited().is_none() {
            let _ = killpg(group, Signal::SIGTERM);
            let mut exited = self.exited.clone();
            let timed_out = tokio::time::timeout(TERM_GRACE, exited.wait_for(Option::is_some))
                .await
                .is_err();
            if timed_out {
                let _ = killpg(group, Signal::SIGKILL);
                let _ = tokio::time::timeout(TERM_GRACE, exited.wait_for(Option::is_some)).await;
            }
        }
        // Helpers that outlived the main process (zygotes) go too.
        let _ = killpg(group, Signal::SIGKILL);
    }
}

/// Keeps the last lines `pipe` gives, without the log prefix Chromium
/// puts before each (`[pid:tid:time:LEVEL:file.cc(123)] `).
/// Chromium's command line: headless, DevTools on a loopback port of its
/// own choosing, every request through the page proxy; in the agent's
/// sandbox when there is one. An error says why it cannot be built.
fn command(binary: &Path, profile_dir: &Path, options: &LaunchOptions) -> Result<Command, String> {
    let mut command = match &options.zone {
        Some(zone) => {
            let mut command = Command::new(crate::server::sandbox::BWRAP);
            command
                .args(zone.bwrap_args(profile_dir).map_err(|e| e.to_string())?)
                .arg("--")
                .arg(binary);
            command
        }
        None => Command::new(binary),
    };
    command
        .args([
            "--headless",
            "--disable-gpu",
            "--disable-breakpad",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0",
            "--window-size=390,844",
            // Back and Forward load the page again: a page restored
            // from the back/forward cache may leave input unanswered.
            "--disable-features=BackForwardCache",
            // Loopback too goes through the proxy (Chromium bypasses
            // it for loopback unless told not to), and WebRTC sends no
            // UDP around it.
            "--proxy-bypass-list=<-loopback>",
            "--webrtc-ip-handling-policy=disable_non_proxied_udp",
        ])
        .arg(format!(
            "--proxy-server=http://127.0.0.1:{}",
            options.proxy_port
        ))
        .args((!options.sandbox).then_some("--no-sandbox"))
        .arg(format!("--user-data-dir={}", profile_dir.display()))
        .arg("about:blank")
        // Pages and the agent drive it: it gets none of pocketcode's secrets.
        .env_clear()
        .envs(crate::server::sandbox::env::inherited_with_home())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        // Its own group: stopping it stops its renderers and helpers too.
        .process_group(0)
        .kill_on_drop(true);
    // SAFETY: the closure only calls prctl(2), which is async-signal-safe.
    // If pocketcode dies without cleaning up, Chromium ends with it.
    unsafe {
        command.pre_exec(|| {
            nix::sys::prctl::set_pdeathsig(Signal::SIGTERM).map_err(std::io::Error::from)
        });
    }
    Ok(command)
}

/// Waits for Chromium in the background; the receiver gets how it ended.
fn report_exit(mut child: tokio::process::Child) -> watch::Receiver<Option<String>> {
    let (report, exited) = watch::channel(None);
    tokio::spawn(async move {
        let how = match child.wait().await {
            Ok(status) => match (
                status.code(),
                std::os::unix::process::ExitStatusExt::signal(&status),
            ) {
                (_, Some(signal)) => format!("Chromium was killed by signal {signal}"),
                (Some(code), _) => format!("Chromium exited with status {code}"),
                _ => "Chromium ended".to_owned(),
            },
            Err(err) => format!("Chromium could not be waited for: {err}"),
        };
        let _ = report.send(Some(how));
    });
    exited
}

async fn keep_tail(pipe: tokio::process::ChildStderr, tail: Arc<Mutex<VecDeque<String>>>) {
    let mut lines = tokio::io::BufReader::new(pipe).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let text = match line
            .strip_prefix('[')
            .and_then(|rest| rest.split_once("] "))
        {
            Some((_, text)) => text,
            None => line.as_str(),
        };
        if text.trim().is_empty() {
            continue;
        }
        let mut tail = tail.lock().unwrap_or_else(PoisonError::into_inner);
        if tail.len() == STDERR_LINES {
            tail.pop_front();
        }
        tail.push_back(text.chars().take(300).collect());
    }
}

/// Where each chat's browser keeps its profile and the agent's files.
pub fn browser_dir(data_dir: &Path, key: &str) -> PathBuf {
    data_dir.join("browsers").join(key)
}
