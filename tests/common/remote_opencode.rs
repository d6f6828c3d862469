//! The "remote machine's" opencode: a real `opencode serve` (the pinned
//! binary) on a free loopback port, without a password, answering with
//! its own scripted model, its home and projects in a temp dir. Ended
//! (its whole process group) when stopped or dropped.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use pocketcode::opencode::Session;
use pocketcode::server::scripted_model::ScriptedModel;
use serde_json::json;

use super::sshd::Sshd;
use super::{TempDir, TestServer};

pub struct RemoteOpencode {
    pub port: u16,
    pub base_url: String,
    /// Where the remote's projects live (directories that exist).
    pub projects: PathBuf,
    child: tokio::process::Child,
    model: Option<ScriptedModel>,
    pub http: reqwest::Client,
    _dir: TempDir,
}

impl RemoteOpencode {
    pub async fn start() -> Self {
        let dir = TempDir::new();
        let model = ScriptedModel::start().await.expect("scripted model");
        let config = model.opencode_config().to_string();
        let port = std::net::TcpListener::bind(("127.0.0.1", 0))
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let home = dir.path().join("home");
        let projects = dir.path().join("projects");
        std::fs::create_dir_all(&projects).expect("projects");
        let binary = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("node_modules/opencode-linux-x64/bin/opencode");
        let child = tokio::process::Command::new(binary)
            .args([
                "serve",
                "--hostname",
                "127.0.0.1",
                "--port",
                &port.to_string(),
            ])
            .current_dir(&projects)
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_STATE_HOME", home.join("state"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("OPENCODE_CONFIG_CONTENT", config)
            .env("OPENCODE_DISABLE_AUTOUPDATE", "1")
            .env("OPENCODE_DISABLE_MODELS_FETCH", "1")
            .env("OPENCODE_DISABLE_LSP_DOWNLOAD", "1")
            .env_remove("OPENCODE_SERVER_PASSWORD")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .kill_on_drop(true)
            .spawn()
            .expect("opencode starts");
        let remote = Self {
            port,
            base_url: format!("http://127.0.0.1:{port}"),
            projects,
            child,
            model: Some(model),
            http: reqwest::Client::new(),
            _dir: dir,
        };
        let deadline = Instant::now() + super::READY;
        loop {
            // A request in opencode's first moments can stall: time each out.
            let health = remote
                .http
                .get(remote.url("/global/health"))
                .timeout(Duration::from_secs(2))
                .send()
                .await;
            if health.is_ok_and(|r| r.status().is_success()) {
                return remote;
            }
            assert!(
                Instant::now() < deadline,
                "the remote opencode never got healthy"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// A project directory on the "remote" (made if missing).
    pub fn project(&self, name: &str) -> PathBuf {
        let dir = self.projects.join(name);
        std::fs::create_dir_all(&dir).expect("project dir");
        dir
    }

    /// A session made directly on the remote, bound to `dir`.
    pub async fn create_session(&self, dir: &Path) -> Session {
        let response = self
            .http
            .post(self.url("/session"))
            .header("x-opencode-directory", dir.display().to_string())
            .json(&json!({}))
            .send()
            .await
            .expect("POST /session");
        assert!(response.status().is_success(), "{}", response.status());
        response.json().await.expect("session")
    }

    /// The status of `GET /session/{id}` on the remote.
    pub async fn session_status(&self, id: &str) -> u16 {
        self.http
            .get(self.url(&format!("/session/{id}")))
            .send()
            .await
            .expect("GET /session/{id}")
            .status()
            .as_u16()
    }

    pub async fn stop(mut self) {
        if let Some(pid) = self.child.id() {
            // Its own group: what it started goes too.
            let group = nix::unistd::Pid::from_raw(-(pid as i32));
            let _ = nix::sys::signal::kill(group, nix::sys::signal::Signal::SIGTERM);
        }
        let _ = tokio::time::timeout(Duration::from_secs(5), self.child.wait()).await;
        let _ = self.child.kill().await;
        if let Some(model) = self.model.take() {
            model.stop().await;
        }
    }
}

/// Saves connection `name` (over `sshd` to `remote`'s port) on `server`
/// and connects it, accepting that this opencode has no password.
pub async fn connect(server: &TestServer, sshd: &Sshd, remote: &RemoteOpencode, name: &str) {
    use super::http::call;
    let (port, key, remote_port) = (
        sshd.port.to_string(),
        sshd.key.display().to_string(),
        remote.port.to_string(),
    );
    let profile = [
        ("name", name),
        ("host", "127.0.0.1"),
        ("port", &port),
        ("user", &sshd.user),
        ("identity_file", &key),
        ("remote_port", &remote_port),
    ];
    let (status, saved) = call(server, "save_connection", &profile).await;
    assert_eq!(status, 200, "{saved}");
    let (status, state) = call(server, "connect", &[("name", name)]).await;
    assert_eq!(state["kind"], "Open", "{status} {state}\n{}", sshd.log());
    let (status, state) = call(server, "use_open_connection", &[("name", name)]).await;
    assert_eq!(
        state["state"],
        "connected",
        "{status} {state}\n{}",
        sshd.log()
    );
}
