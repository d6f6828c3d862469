//! Remote backends over a real sshd on loopback: the tunnel, discovery
//! through it, each error type with its message, and disconnecting.
//! The "remote opencode" is a health endpoint served by the test where
//! only its answer matters (a version from another major release).

mod common;

use std::time::{Duration, Instant};

use axum::Json;
use axum::routing::get;
use common::sshd::Sshd;
use pocketcode::server::ssh::{Profile, RemoteOpencode, SshError, SshSettings, Tunnel, discover};
use pocketcode::server::supervisor::PINNED_OPENCODE_VERSION;
use serde_json::json;

/// Serves `GET /global/health` with `body` on a free loopback port.
async fn health_endpoint(body: serde_json::Value) -> (u16, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let app = axum::Router::new().route("/global/health", get(move || async move { Json(body) }));
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (port, task)
}

/// Discovery of the opencode behind `tunnel` (`where_` names it in messages).
async fn discover_through(
    http: &reqwest::Client,
    tunnel: &Tunnel,
    where_: &str,
) -> Result<RemoteOpencode, SshError> {
    discover(
        http,
        tunnel.local_port,
        where_,
        PINNED_OPENCODE_VERSION,
        None,
    )
    .await
}

fn free_port() -> u16 {
    std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .expect("port")
        .port()
}

fn profile(sshd: &Sshd, remote_port: u16) -> Profile {
    Profile {
        name: "loopback".into(),
        host: "127.0.0.1".into(),
        hostname: None,
        port: Some(sshd.port),
        user: Some(sshd.user.clone()),
        identity_file: Some(sshd.key.display().to_string()),
        proxy_jump: None,
        remote_port,
        bootstrap: false,
    }
}

fn settings(known_hosts: &std::path::Path) -> SshSettings {
    SshSettings {
        known_hosts: Some(known_hosts.to_path_buf()),
        ..SshSettings::default()
    }
}

fn alive(pid: u32) -> bool {
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), None).is_ok()
}

#[tokio::test]
async fn remote_backends_over_a_real_sshd() {
    let sshd = Sshd::start();
    let http = reqwest::Client::new();
    let (remote, server) =
        health_endpoint(json!({"healthy": true, "version": PINNED_OPENCODE_VERSION})).await;
    let trusted = settings(&sshd.known_hosts);

    // Connected: the forward reaches the remote's port, discovery finds opencode.
    let tunnel = Tunnel::open(&profile(&sshd, remote), &trusted)
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", sshd.log()));
    let found = discover_through(&http, &tunnel, "the remote")
        .await
        .expect("discovered");
    assert_eq!(found.version, PINNED_OPENCODE_VERSION);
    let args = tunnel.args.join(" ");
    assert!(
        args.contains(&format!(
            "-L 127.0.0.1:{}:127.0.0.1:{remote}",
            tunnel.local_port
        )),
        "{args}"
    );
    assert!(args.contains("StrictHostKeyChecking=yes") && args.contains("BatchMode=yes"));
    // Disconnect: the ssh process is gone, and the forward with it.
    let (pid, port) = (tunnel.pid(), tunnel.local_port);
    assert!(alive(pid));
    tunnel.close().await;
    assert!(!alive(pid), "ssh {pid} still runs");
    assert!(
        tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
    );

    // The same through a jump host (the same sshd as its own bastion).
    let jumped = Profile {
        proxy_jump: Some(format!("{}@127.0.0.1:{}", sshd.user, sshd.port)),
        ..profile(&sshd, remote)
    };
    let tunnel = Tunnel::open(&jumped, &trusted)
        .await
        .unwrap_or_else(|e| panic!("through the jump host: {e}\n{}", sshd.log()));
    assert!(tunnel.args.iter().any(|a| a.starts_with("ProxyCommand=")));
    discover_through(&http, &tunnel, "the remote")
        .await
        .expect("discovered through the jump host");
    tunnel.close().await;

    // Two jump hosts: each hop gets the strict options (nested commands).
    let hop = format!("{}@127.0.0.1:{}", sshd.user, sshd.port);
    let chained = Profile {
        proxy_jump: Some(format!("{hop},{hop}")),
        ..profile(&sshd, remote)
    };
    let tunnel = Tunnel::open(&chained, &trusted)
        .await
        .unwrap_or_else(|e| panic!("through two jump hosts: {e}\n{}", sshd.log()));
    discover_through(&http, &tunnel, "the remote")
        .await
        .expect("discovered through two jump hosts");
    tunnel.close().await;

    // Unknown host key: Transport, saying how to accept it by hand.
    let error = Tunnel::open(&profile(&sshd, remote), &settings(&sshd.empty_known_hosts))
        .await
        .expect_err("an unknown host key");
    assert_eq!(error.kind(), "Transport");
    let message = error.to_string();
    assert!(message.contains("is not known"), "{message}");
    assert!(
        message.contains(&format!("ssh -p {}", sshd.port)),
        "{message}"
    );

    // A key locked by a passphrase: Transport at once, no prompt, no hang.
    let started = Instant::now();
    let locked = Profile {
        identity_file: Some(sshd.locked_key.display().to_string()),
        ..profile(&sshd, remote)
    };
    let error = Tunnel::open(&locked, &trusted)
        .await
        .expect_err("a locked key");
    assert!(
        matches!(&error, SshError::Transport(m) if m.contains("needs a passphrase") && m.contains("ssh-add")),
        "{error}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "took {:?}",
        started.elapsed()
    );

    // The remote port closed: ssh stays up, discovery says nothing answers.
    let closed = free_port();
    let tunnel = Tunnel::open(&profile(&sshd, closed), &trusted)
        .await
        .expect("the tunnel itself works");
    let error = discover_through(&http, &tunnel, &format!("port {closed} of the remote"))
        .await
        .expect_err("nothing there");
    assert_eq!(error.kind(), "Discovery");
    assert!(
        error.to_string().contains(&format!("port {closed}")),
        "{error}"
    );
    tunnel.close().await;

    // Another major version: Compatibility, naming both.
    let (future, future_server) =
        health_endpoint(json!({"healthy": true, "version": "2.0.0"})).await;
    let tunnel = Tunnel::open(&profile(&sshd, future), &trusted)
        .await
        .expect("tunnel");
    let error = discover_through(&http, &tunnel, "the remote")
        .await
        .expect_err("another major version");
    assert_eq!(error.kind(), "Compatibility");
    assert!(
        error.to_string().contains("2.0.0") && error.to_string().contains(PINNED_OPENCODE_VERSION)
    );
    tunnel.close().await;

    // A bad profile value: Configuration, and nothing is started.
    let injected = Profile {
        host: "-oProxyCommand=touch /tmp/pwned".into(),
        ..profile(&sshd, remote)
    };
    let error = Tunnel::open(&injected, &trusted)
        .await
        .expect_err("refused");
    assert_eq!(error.kind(), "Configuration");
    assert!(!std::path::Path::new("/tmp/pwned").exists());

    server.abort();
    future_server.abort();
}

fn stop_pid(pid: i32) {
    use nix::sys::signal::{Signal, kill};
    let pid = nix::unistd::Pid::from_raw(pid);
    let _ = kill(pid, Signal::SIGTERM);
    for _ in 0..60 {
        if kill(pid, None).is_err() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = kill(pid, Signal::SIGKILL);
}

#[tokio::test]
async fn connections_step_through_states_recover_and_bootstrap_opencode() {
    use pocketcode::server::ssh::{Connections, RemoteState};
    let http = reqwest::Client::new();
    let home = common::TempDir::new();
    let sshd = Sshd::remote_machine(home.path(), true);
    let data = common::TempDir::new();
    let connections = Connections::new(
        settings(&sshd.known_hosts),
        http.clone(),
        PINNED_OPENCODE_VERSION,
        data.path(),
    );

    // Bootstrap: nothing answers on the remote port, so opencode is started
    // there (the real one), and then found.
    let port = free_port();
    let bootstrapped = Profile {
        bootstrap: true,
        ..profile(&sshd, port)
    };
    let state = connections.connect(bootstrapped).await;
    let report = connections.diagnostics("loopback").await.expect("a report");
    let pid: Option<i32> = report
        .lines()
        .find_map(|l| serde_json::from_str::<serde_json::Value>(l.trim()).ok())
        .and_then(|v| v["pid"].as_i64())
        .and_then(|p| i32::try_from(p).ok());
    let RemoteState::Connected {
        local_port,
        version,
    } = state
    else {
        if let Some(pid) = pid {
            stop_pid(pid);
        }
        panic!("not connected: {state:?}\n{report}\n{}", sshd.log());
    };
    assert_eq!(version, PINNED_OPENCODE_VERSION);
    for step in ["Connecting", "Discovering", "Bootstrapping", "Connected"] {
        assert!(report.contains(step), "{step} in {report}");
    }
    assert!(
        report.contains(&format!("-L 127.0.0.1:{local_port}:127.0.0.1:{port}")),
        "{report}"
    );
    let remote_pid = pid.expect("the bootstrap printed the remote opencode's pid");

    // ssh killed while connected: the state changes, then recovers.
    let ssh_pid = report_ssh_pid(&connections).await;
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(ssh_pid),
        nix::sys::signal::Signal::SIGKILL,
    )
    .expect("kill ssh");
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut seen_down = false;
    loop {
        match connections.state("loopback") {
            RemoteState::Connected {
                local_port: now, ..
            } if seen_down || now != local_port => break,
            RemoteState::Connected { .. } => {}
            _ => seen_down = true,
        }
        assert!(
            Instant::now() < deadline,
            "no recovery: {:?}",
            connections.state("loopback")
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let report = connections.diagnostics("loopback").await.expect("report");
    assert!(report.matches("Connected").count() >= 2, "{report}");

    // Disconnect: ssh is gone.
    let ssh_pid = report_ssh_pid(&connections).await;
    assert!(connections.disconnect("loopback").await);
    assert_eq!(connections.state("loopback"), RemoteState::Disconnected);
    assert!(nix::sys::signal::kill(nix::unistd::Pid::from_raw(ssh_pid), None).is_err());
    stop_pid(remote_pid);

    // A remote without opencode: the bootstrap fails, and says why.
    let bare_home = common::TempDir::new();
    let bare = Sshd::remote_machine(bare_home.path(), false);
    let connections = Connections::new(
        settings(&bare.known_hosts),
        http,
        PINNED_OPENCODE_VERSION,
        data.path(),
    );
    let state = connections
        .connect(Profile {
            bootstrap: true,
            ..profile(&bare, free_port())
        })
        .await;
    match state {
        RemoteState::Failed { kind, message } => {
            assert_eq!(kind, "Bootstrap");
            assert!(
                message.contains("exit 127") && message.contains("not installed"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
    let report = connections.diagnostics("loopback").await.expect("report");
    assert!(
        report.contains("bootstrap output") && report.contains("not installed"),
        "{report}"
    );
    connections.shutdown().await;
}

/// The running ssh's pid, from the system: the one child process holding
/// the forward of this connection.
async fn report_ssh_pid(connections: &pocketcode::server::ssh::Connections) -> i32 {
    let pocketcode::server::ssh::RemoteState::Connected { local_port, .. } =
        connections.state("loopback")
    else {
        panic!("not connected");
    };
    let wanted = format!("127.0.0.1:{local_port}:");
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let cmdline = String::from_utf8_lossy(&cmdline);
        if cmdline.starts_with("ssh\0") && cmdline.contains(&wanted) {
            return pid;
        }
    }
    panic!("no ssh process forwards {wanted}");
}
