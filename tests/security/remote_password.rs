//! A remote opencode is a door on another machine: every user there can
//! reach its loopback port. The one a bootstrap starts has a password only
//! pocketcode knows (never on a command line, never shown to the browser or
//! in diagnostics); one found without a password is reported as open and
//! left alone until the user accepts it. Real sshd on loopback, real
//! opencode on the "remote".

use std::time::Duration;

use serde_json::Value;

use super::common::TempDir;
use super::common::TestServer;
use super::common::http::call;
use super::common::remote_opencode::RemoteOpencode;
use super::common::sshd::Sshd;

fn free_port() -> u16 {
    std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// The remote opencode a bootstrap started: ended (its group) when dropped.
struct Started(Option<i32>);

impl Drop for Started {
    fn drop(&mut self) {
        if let Some(pid) = self.0 {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
    }
}

/// Every process's command line, as `ps -eo args` would show it.
fn command_lines() -> Vec<(i32, String)> {
    let mut lines = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        if let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) {
            lines.push((pid, String::from_utf8_lossy(&cmdline).replace('\0', " ")));
        }
    }
    lines
}

async fn save(server: &TestServer, sshd: &Sshd, name: &str, remote_port: u16, bootstrap: bool) {
    let (port, key, remote_port) = (
        sshd.port.to_string(),
        sshd.key.display().to_string(),
        remote_port.to_string(),
    );
    let mut form = vec![
        ("name", name),
        ("host", "127.0.0.1"),
        ("port", port.as_str()),
        ("user", sshd.user.as_str()),
        ("identity_file", key.as_str()),
        ("remote_port", remote_port.as_str()),
    ];
    if bootstrap {
        form.push(("bootstrap", "true"));
    }
    let (status, saved) = call(server, "save_connection", &form).await;
    assert_eq!(status, 200, "{saved}");
}

/// The ids of the chats of `repo` in the chat list.
async fn chats_of(server: &TestServer, repo: &str) -> Vec<String> {
    let (status, chats) = call(server, "list_chats", &[]).await;
    assert_eq!(status, 200, "{chats}");
    let all = chats.as_array().cloned().unwrap_or_default();
    all.iter()
        .filter(|c| c["worktree"]["repo"] == repo)
        .filter_map(|c| c["worktree"]["chat_id"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn a_bootstrapped_remote_wants_its_password_and_an_open_one_waits_for_a_yes() {
    let home = TempDir::new();
    let sshd = Sshd::remote_machine(home.path(), true);
    let project = home.path().join("project");
    std::fs::create_dir_all(&project).expect("project");
    let known_hosts = sshd.known_hosts.display().to_string();
    let server = TestServer::start(&["--ssh-known-hosts", &known_hosts]).await;
    server.wait_ready().await;

    // Bootstrapped: nothing answers there, so pocketcode starts opencode.
    let remote_port = free_port();
    save(&server, &sshd, "devbox", remote_port, true).await;
    let (status, state) = call(&server, "connect", &[("name", "devbox")]).await;
    let (_, report) = call(&server, "connection_diagnostics", &[("name", "devbox")]).await;
    let report = report.as_str().unwrap_or_default().to_owned();
    let _started = Started(
        report
            .lines()
            .find_map(|l| serde_json::from_str::<Value>(l.trim()).ok())
            .and_then(|v| v["pid"].as_i64())
            .and_then(|p| i32::try_from(p).ok()),
    );
    assert_eq!(state["state"], "connected", "{status} {state}\n{report}");

    // Straight to the remote's port, as another user of that machine
    // would: refused without the password.
    let direct = reqwest::Client::new();
    for path in ["/global/health", "/session", "/file?path=/etc/passwd"] {
        let response = direct
            .get(format!("http://127.0.0.1:{remote_port}{path}"))
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .expect("the remote opencode answers");
        assert_eq!(response.status(), 401, "{path} without the password");
    }

    // Through pocketcode's tunnel, chats work.
    let directory = project.display().to_string();
    let (status, chat) = call(
        &server,
        "new_remote_chat",
        &[("connection", "devbox"), ("directory", &directory)],
    )
    .await;
    assert_eq!(status, 200, "{chat}");
    let id = chat["worktree"]["chat_id"].as_str().expect("chat id");
    assert!(chats_of(&server, "@devbox").await.iter().any(|c| c == id));
    let (status, opened) = call(
        &server,
        "open_chat",
        &[("repo", "@devbox"), ("chat_id", id)],
    )
    .await;
    assert_eq!(status, 200, "{opened}");

    // The password: kept owner-only in the data dir, and nowhere else.
    let file = server.data_dir.path().join("ssh-remote-access.json");
    let stored: Value =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("the access file"))
            .expect("json");
    let password = stored["devbox"]["password"]
        .as_str()
        .expect("a stored password")
        .to_owned();
    assert!(password.len() >= 40, "a long random password");
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&file).expect("meta").permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
    let ok = direct
        .get(format!("http://127.0.0.1:{remote_port}/global/health"))
        .basic_auth("opencode", Some(&password))
        .send()
        .await
        .expect("health");
    assert_eq!(ok.status(), 200, "the stored password is the remote's");
    let (_, listed) = call(&server, "list_connections", &[]).await;
    assert!(!listed.to_string().contains(&password), "{listed}");
    let (_, report) = call(&server, "connection_diagnostics", &[("name", "devbox")]).await;
    assert!(!report.to_string().contains(&password), "{report}");
    let remote_pid = _started.0.expect("the bootstrap printed a pid");
    let cmdline = std::fs::read(format!("/proc/{remote_pid}/cmdline")).expect("it runs");
    assert!(String::from_utf8_lossy(&cmdline).contains("serve"));
    for (pid, line) in command_lines() {
        assert!(!line.contains(&password), "process {pid} shows it: {line}");
    }

    // Without the stored password (or with a wrong one): a clear Password
    // error that says how to fix it.
    call(&server, "disconnect", &[("name", "devbox")]).await;
    for (access, says) in [
        ("{}", "pocketcode has none"),
        (
            r#"{"devbox": {"password": "wrong"}}"#,
            "refuses the password",
        ),
    ] {
        std::fs::write(&file, access).expect("access file");
        let (_, state) = call(&server, "connect", &[("name", "devbox")]).await;
        assert_eq!(state["kind"], "Password", "{state}");
        let message = state["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(says) && message.contains("bootstrap on"),
            "{message}"
        );
    }

    // A remote opencode without a password: reported as open, not used.
    let open = RemoteOpencode::start().await;
    let session = open.create_session(&open.project("webapp")).await;
    save(&server, &sshd, "openbox", open.port, false).await;
    let (status, state) = call(&server, "connect", &[("name", "openbox")]).await;
    assert_eq!(status, 200, "{state}");
    assert_eq!(state["state"], "failed", "{state}");
    assert_eq!(state["kind"], "Open", "{state}");
    assert!(
        state["message"]
            .as_str()
            .is_some_and(|m| m.contains("open to every user of 127.0.0.1")),
        "{state}"
    );
    assert!(chats_of(&server, "@openbox").await.is_empty());
    let (status, body) = call(
        &server,
        "open_chat",
        &[("repo", "@openbox"), ("chat_id", session.id.as_str())],
    )
    .await;
    assert_eq!(status, 503, "{body}");
    // The user taps "Use anyway": now it is used.
    let (status, state) = call(&server, "use_open_connection", &[("name", "openbox")]).await;
    assert_eq!(state["state"], "connected", "{status} {state}");
    assert!(chats_of(&server, "@openbox").await.contains(&session.id));

    server.stop().await;
    open.stop().await;
}
