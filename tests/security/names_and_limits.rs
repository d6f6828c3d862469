//! Names and limits: two repo names that would share one clone directory
//! are never merged (the second is a 409 naming the first); a clone stops
//! at its size cap and when its remote goes quiet, leaving nothing behind;
//! pushes go only to public https hosts, checked when subscribing and
//! again at every send.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use super::common::TempDir;
use super::common::TestServer;
use super::common::git_fixture::Remote;
use super::common::http::{admin, call};

/// Every entry of `<data>/repos` (staging directories included).
fn repos_on_disk(server: &TestServer) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(server.data_dir.path().join("repos"))
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

async fn add(server: &TestServer, source: &str, name: Option<&str>) -> (u16, Value) {
    let mut body = json!({ "source": source });
    if let Some(name) = name {
        body["name"] = json!(name);
    }
    admin(server, "POST", "/admin/repos", Some(body)).await
}

#[tokio::test]
async fn repo_names_sharing_a_directory_are_refused_never_merged() {
    let root = TempDir::new();
    let first = Remote::create(root.path(), "first");
    let second = Remote::create(root.path(), "second");
    let server = TestServer::start(&[]).await;
    let (status, body) = add(&server, &first.url(), Some("a_/b")).await;
    assert_eq!(status, 201, "{body}");
    let before = repos_on_disk(&server);

    let (status, body) = add(&server, &second.url(), Some("a/_b")).await;
    assert_eq!(status, 409, "{body}");
    let error = body["error"].as_str().unwrap_or_default();
    assert!(error.contains("collides with a_/b"), "{body}");
    // Nothing made for the second, the first intact and still its own.
    assert_eq!(repos_on_disk(&server), before);
    let (status, listed) = admin(&server, "GET", "/admin/repos", None).await;
    assert_eq!(status, 200, "{listed}");
    let names: Vec<&str> = listed["repos"]
        .as_array()
        .map(|l| l.iter().filter_map(|r| r["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(names, ["a_/b"], "{listed}");
    assert_eq!(
        listed["repos"][0]["origin"],
        first.bare.display().to_string()
    );
    // The other name is not there: not to read, nor to delete (forced
    // or not, nothing goes).
    let (status, body) = admin(&server, "GET", "/admin/repos/a/_b", None).await;
    assert_eq!(status, 404, "{body}");
    for delete in ["/admin/repos/a/_b", "/admin/repos/a/_b?force=true"] {
        let (status, body) = admin(&server, "DELETE", delete, None).await;
        assert_eq!(status, 404, "{delete}: {body}");
    }
    assert_eq!(repos_on_disk(&server), before);
    // The same name again is the same repo, as before.
    let (status, body) = add(&server, &first.url(), Some("a_/b")).await;
    assert_eq!(status, 200, "{body}");
    server.stop().await;
}

#[tokio::test]
async fn a_clone_past_its_size_cap_stops_and_leaves_nothing() {
    let root = TempDir::new();
    let big = Remote::create(root.path(), "big");
    // 2 MB of randomness, as hex: it does not compress below the cap.
    let noise: String = (0..2 * 1024 * 1024)
        .map(|_| format!("{:02x}", rand::random::<u8>()))
        .collect();
    big.push_file("noise.txt", &noise);
    let server = TestServer::start(&["--clone-max-mb", "1"]).await;
    let (status, body) = add(&server, &big.url(), None).await;
    assert_eq!(status, 413, "{body}");
    let error = body["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("1 MB") && error.contains("--clone-max-mb"),
        "{body}"
    );
    assert_eq!(repos_on_disk(&server), Vec::<String>::new());
    // A small repo still clones under the same cap.
    let small = Remote::create(root.path(), "small");
    let (status, body) = add(&server, &small.url(), None).await;
    assert_eq!(status, 201, "{body}");
    server.stop().await;
}

/// A loopback "git server" that accepts connections and never says a word;
/// how many connections it accepted.
async fn silent_server() -> (u16, Arc<AtomicUsize>, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&accepted);
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            held.push(stream);
        }
    });
    (port, accepted, task)
}

#[tokio::test]
async fn a_clone_whose_remote_goes_quiet_stops_at_the_stall_timeout() {
    let (port, accepted, silent) = silent_server().await;
    let server = TestServer::start(&["--clone-stall-secs", "2"]).await;
    let started = Instant::now();
    let (status, body) = add(
        &server,
        &format!("https://127.0.0.1:{port}/quiet/repo.git"),
        None,
    )
    .await;
    let took = started.elapsed();
    assert!(accepted.load(Ordering::SeqCst) >= 1, "the clone connected");
    assert_eq!(status, 422, "{body}");
    let error = body["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("2 s") && error.contains("--clone-stall-secs"),
        "{body}"
    );
    // libgit2's socket timeout is one setting per process: another test's
    // server starting meanwhile may have set its own (60 s by default).
    assert!(took < Duration::from_secs(90), "took {took:?}");
    assert_eq!(repos_on_disk(&server), Vec::<String>::new());
    silent.abort();
    server.stop().await;
}

/// A `PushSubscription.toJSON()` for `endpoint` with well-formed keys.
fn subscription(endpoint: &str) -> Value {
    let (pair, auth) = ece::generate_keypair_and_auth_secret().expect("browser keys");
    let key = pair.pub_as_raw().expect("public key");
    json!({
        "endpoint": endpoint,
        "keys": { "p256dh": URL_SAFE_NO_PAD.encode(key), "auth": URL_SAFE_NO_PAD.encode(auth) }
    })
}

#[tokio::test]
async fn pushes_go_only_to_public_https_hosts() {
    let (port, accepted, listener) = silent_server().await;
    let server = TestServer::start(&[]).await;
    // Subscribing a loopback endpoint: a clear 400, nothing stored, no knock.
    for (endpoint, says) in [
        (
            format!("https://127.0.0.1:{port}/push/x"),
            "not a public address",
        ),
        (
            format!("https://[::1]:{port}/push/x"),
            "not a public address",
        ),
        (
            format!("https://localhost:{port}/push/x"),
            "not a public address",
        ),
        (
            format!("http://127.0.0.1:{port}/push/x"),
            "must be an https URL",
        ),
        ("https://10.0.0.1/push/x".to_owned(), "not a public address"),
    ] {
        let form = subscription(&endpoint).to_string();
        let (status, body) = call(&server, "push_subscribe", &[("subscription", &form)]).await;
        assert_eq!(status, 400, "{endpoint}: {body}");
        assert!(body.to_string().contains(says), "{endpoint}: {body}");
    }
    let stored = server.data_dir.path().join("push/subscriptions.json");
    assert!(!stored.exists() || std::fs::read_to_string(&stored).expect("read").trim() == "[]");
    server.stop().await;

    // Subscriptions already on disk (written before the checks, or by
    // hand) are checked again at every send: never contacted.
    let data = TempDir::new();
    let dir = data.path().join("push");
    std::fs::create_dir_all(&dir).expect("push dir");
    let endpoints = [
        format!("https://127.0.0.1:{port}/push/a"),
        format!("http://127.0.0.1:{port}/push/b"),
        format!("https://localhost.:{port}/push/c"),
    ];
    let list: Vec<Value> = endpoints.iter().map(|e| subscription(e)).collect();
    std::fs::write(
        dir.join("subscriptions.json"),
        Value::from(list).to_string(),
    )
    .expect("write");
    let payload = pocketcode::server::push::Payload {
        title: "t".into(),
        body: "b".into(),
        url: "/".into(),
        tag: "x".into(),
    };
    let sender = |allow_loopback| pocketcode::server::push::Sender {
        push: pocketcode::server::push::Push::open(
            data.path(),
            pocketcode::server::push::EndpointPolicy { allow_loopback },
        )
        .expect("push opens"),
        http: reqwest::Client::new(),
        contact: "mailto:test@localhost".into(),
    };
    let delivered = sender(false).send_all(&payload).await;
    assert_eq!(delivered, 0);
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        0,
        "a loopback endpoint was contacted"
    );
    // The listener does see what the test-only escape lets through: the
    // check above would have noticed a knock.
    let knocked = async {
        let deadline = Instant::now() + Duration::from_secs(30);
        while accepted.load(Ordering::SeqCst) == 0 {
            assert!(Instant::now() < deadline, "the escape let nothing through");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    let escape = sender(true);
    tokio::select! {
        () = knocked => {}
        _ = escape.send_all(&payload) => {}
    }
    assert!(accepted.load(Ordering::SeqCst) >= 1);
    listener.abort();
}
