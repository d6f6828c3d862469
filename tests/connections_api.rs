//! The connections server functions over HTTP, against a real sshd on
//! loopback: bad profiles are 400s that change nothing, unknown names
//! 404s; a saved profile connects, reports diagnostics and disconnects.

mod common;

use axum::Json;
use axum::routing::get;
use common::TestServer;
use common::http::call;
use common::sshd::Sshd;
use pocketcode::server::supervisor::PINNED_OPENCODE_VERSION;
use serde_json::json;

#[tokio::test]
async fn connections_are_saved_checked_connected_and_deleted_over_http() {
    let sshd = Sshd::start();
    let known_hosts = sshd.known_hosts.display().to_string();
    let server = TestServer::start(&["--ssh-known-hosts", &known_hosts]).await;
    // The "remote opencode": a health endpoint on loopback.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let remote_port = listener.local_addr().expect("addr").port().to_string();
    let health = json!({"healthy": true, "version": PINNED_OPENCODE_VERSION});
    let app = axum::Router::new().route("/global/health", get(move || async move { Json(health) }));
    let remote = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });

    let port = sshd.port.to_string();
    let key = sshd.key.display().to_string();
    let form = |overrides: &[(&'static str, &str)]| -> Vec<(&'static str, String)> {
        let mut fields: Vec<(&'static str, String)> = vec![
            ("name", "loopback".into()),
            ("host", "127.0.0.1".into()),
            ("port", port.clone()),
            ("user", sshd.user.clone()),
            ("identity_file", key.clone()),
            ("remote_port", remote_port.clone()),
        ];
        for (name, value) in overrides {
            fields.retain(|(n, _)| n != name);
            fields.push((name, (*value).to_owned()));
        }
        fields
    };
    let save = |fields: Vec<(&'static str, String)>| {
        let server = &server;
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (*n, v.as_str())).collect();
            call(server, "save_connection", &pairs).await
        }
    };

    // Bad values: a 400 naming the field, and nothing saved.
    for (field, value, says) in [
        ("host", "-oProxyCommand=touch /tmp/x", "Host"),
        ("user", "root\nProxyCommand sh", "User"),
        ("identity_file", "~/../../etc/shadow", "IdentityFile"),
        ("port", "ssh", "Port"),
        ("name", "Has Spaces", "name"),
    ] {
        let (status, body) = save(form(&[(field, value)])).await;
        assert_eq!(status, 400, "{field}: {body}");
        assert!(body.to_string().contains(says), "{field}: {body}");
    }
    let (status, listed) = call(&server, "list_connections", &[]).await;
    assert_eq!((status, listed.clone()), (200, json!([])));

    // Saved, then connected through the real sshd.
    let (status, saved) = save(form(&[])).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["state"]["state"], "disconnected");
    // The health endpoint wants no password: an open remote, used only
    // once the user accepts it.
    let (status, state) = call(&server, "connect", &[("name", "loopback")]).await;
    assert_eq!(status, 200, "{state}");
    assert_eq!(state["kind"], "Open", "{state}\n{}", sshd.log());
    assert!(
        state["message"]
            .as_str()
            .is_some_and(|m| m.contains("open to every user of 127.0.0.1")),
        "{state}"
    );
    let (status, state) = call(&server, "use_open_connection", &[("name", "loopback")]).await;
    assert_eq!(status, 200, "{state}");
    assert_eq!(state["state"], "connected", "{state}\n{}", sshd.log());
    assert_eq!(state["version"], PINNED_OPENCODE_VERSION);
    let (_, listed) = call(&server, "list_connections", &[]).await;
    assert_eq!(listed[0]["state"]["state"], "connected");
    let (status, report) = call(&server, "connection_diagnostics", &[("name", "loopback")]).await;
    assert_eq!(status, 200);
    let report = report.as_str().expect("text").to_owned();
    assert!(
        report.contains("ssh command:") && report.contains("BatchMode=yes"),
        "{report}"
    );
    assert!(
        report.contains("Connecting") && report.contains("Discovering"),
        "{report}"
    );
    let (status, state) = call(&server, "disconnect", &[("name", "loopback")]).await;
    assert_eq!(
        (status, state["state"].clone()),
        (200, json!("disconnected"))
    );

    // Unknown names.
    for function in [
        "connect",
        "disconnect",
        "connection_diagnostics",
        "delete_connection",
        "use_open_connection",
    ] {
        let (status, body) = call(&server, function, &[("name", "nowhere")]).await;
        assert_eq!(status, 404, "{function}: {body}");
    }

    // A broken profiles file: reported, never overwritten.
    let file = server.data_dir.path().join("ssh-profiles.json");
    let saved_text = std::fs::read_to_string(&file).expect("profiles file");
    std::fs::write(&file, "[{broken").expect("break it");
    let (status, body) = call(&server, "list_connections", &[]).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.to_string().contains("fix or remove it"), "{body}");
    let (status, _) = save(form(&[("name", "other")])).await;
    assert_eq!(status, 400);
    assert_eq!(std::fs::read_to_string(&file).expect("read"), "[{broken");
    std::fs::write(&file, saved_text).expect("repair");

    let (status, _) = call(&server, "delete_connection", &[("name", "loopback")]).await;
    assert_eq!(status, 200);
    let (_, listed) = call(&server, "list_connections", &[]).await;
    assert_eq!(listed, json!([]));

    remote.abort();
    server.stop().await;
}
