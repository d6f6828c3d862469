//! Web Push end to end: a browser's subscription (keys made here, as a
//! browser would), a loopback push service recording what it is sent, and a
//! real chat whose scripted reply finishes. The push is decrypted with the
//! subscription's keys (RFC 8291), its VAPID token verified against the
//! server's public key, and a subscription whose service answers 410 is
//! dropped. Bad subscriptions are refused and nothing is stored.

mod common;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::TestServer;
use common::git_fixture::Remote;
use common::http::{NewChat, call};
use jwt_simple::prelude::*;
use serde_json::{Value, json};

/// One request the push service got.
#[derive(Clone, Debug)]
struct Received {
    id: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

#[derive(Clone, Default)]
struct PushService {
    received: Arc<Mutex<Vec<Received>>>,
}

/// `POST /push/{id}`: 201, except that an id starting with `expiring`
/// answers 410 from its second push on (an expired subscription).
async fn receive(
    State(service): State<PushService>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> StatusCode {
    let mut received = service.received.lock().expect("lock");
    let before = received.iter().filter(|r| r.id == id).count();
    received.push(Received {
        id: id.clone(),
        headers,
        body: body.to_vec(),
    });
    if id.starts_with("expiring") && before > 0 {
        StatusCode::GONE
    } else {
        StatusCode::CREATED
    }
}

impl PushService {
    async fn start() -> (Self, String, tokio::task::JoinHandle<()>) {
        let service = Self::default();
        let app = axum::Router::new()
            .route("/push/{id}", axum::routing::post(receive))
            .with_state(service.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let origin = format!("http://{}", listener.local_addr().expect("addr"));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        (service, origin, task)
    }

    fn for_id(&self, id: &str) -> Vec<Received> {
        let received = self.received.lock().expect("lock");
        received.iter().filter(|r| r.id == id).cloned().collect()
    }

    /// Waits until `id` got `count` pushes.
    async fn wait_for(&self, id: &str, count: usize) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + common::READY;
        loop {
            let got = self.for_id(id);
            if got.len() >= count {
                return got;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{id} got {} pushes, not {count}",
                got.len()
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }
}

/// A browser's subscription: its key pair and auth secret.
struct Browser {
    keys: ece::EcKeyComponents,
    auth: [u8; 16],
    json: String,
}

impl Browser {
    fn subscribe(endpoint: &str) -> Self {
        let (pair, auth) = ece::generate_keypair_and_auth_secret().expect("browser keys");
        let keys = pair.raw_components().expect("components");
        let json = json!({
            "endpoint": endpoint,
            "expirationTime": null,
            "keys": {
                "p256dh": URL_SAFE_NO_PAD.encode(pair.pub_as_raw().expect("public key")),
                "auth": URL_SAFE_NO_PAD.encode(auth),
            }
        })
        .to_string();
        Self { keys, auth, json }
    }

    /// Decrypts a push as the browser would, and reads its JSON.
    fn open(&self, push: &Received) -> Value {
        assert_eq!(push.headers["content-encoding"], "aes128gcm");
        let plain = ece::decrypt(&self.keys, &self.auth, &push.body)
            .expect("decrypts with the subscription's keys");
        serde_json::from_slice(&plain).expect("JSON payload")
    }
}

/// Checks the VAPID `Authorization: vapid t=<JWT>, k=<key>` header: the key
/// is the server's, and the token is signed by it for the push service's
/// origin, with our contact.
fn check_vapid(push: &Received, server_key: &str, audience: &str) {
    let header = push.headers["authorization"].to_str().expect("ascii");
    let rest = header.strip_prefix("vapid ").expect("vapid scheme");
    let mut token = None;
    let mut key = None;
    for part in rest.split(',').map(str::trim) {
        if let Some(t) = part.strip_prefix("t=") {
            token = Some(t);
        } else if let Some(k) = part.strip_prefix("k=") {
            key = Some(k);
        }
    }
    let (token, key) = (token.expect("t="), key.expect("k="));
    assert_eq!(key, server_key, "the key in the header is the server's");
    let public =
        ES256PublicKey::from_bytes(&URL_SAFE_NO_PAD.decode(key).expect("b64")).expect("P-256 key");
    let options = VerificationOptions {
        allowed_audiences: Some(HashSet::from_strings(&[audience])),
        ..Default::default()
    };
    let claims = public
        .verify_token::<NoCustomClaims>(token, Some(options))
        .expect("the token verifies with the server's key");
    assert_eq!(
        claims.subject.as_deref(),
        Some("mailto:pocketcode@localhost")
    );
    assert!(claims.expires_at.is_some(), "the token expires");
    // Signed by someone else: refused.
    let forged = ES256KeyPair::generate().public_key();
    assert!(forged.verify_token::<NoCustomClaims>(token, None).is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finished_chat_is_pushed_encrypted_and_signed_and_gone_subscriptions_are_dropped() {
    let (service, origin, service_task) = PushService::start().await;
    // The push service is on loopback: only the hidden test flag lets it in.
    let server = TestServer::start(&["--push-allow-loopback"]).await;
    server.wait_ready().await;
    let stored = || -> Vec<String> {
        let path = server.data_dir.path().join("push/subscriptions.json");
        let list: Vec<Value> =
            serde_json::from_slice(&std::fs::read(path).unwrap_or_else(|_| b"[]".to_vec()))
                .expect("JSON");
        list.iter()
            .map(|s| s["endpoint"].as_str().unwrap_or_default().to_owned())
            .collect()
    };

    // Bad subscriptions: refused, nothing stored.
    let plain_http = Browser::subscribe("http://push.example.com/push/x").json;
    for (bad, expected) in [
        ("not json".to_owned(), "not a PushSubscription"),
        (plain_http, "must be an https URL"),
        (json!({ "endpoint": format!("{origin}/push/x"), "keys": { "p256dh": "AAAA", "auth": "AAAA" } }).to_string(), "p256dh"),
    ] {
        let (status, body) = call(&server, "push_subscribe", &[("subscription", &bad)]).await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(body.to_string().contains(expected), "{bad}: {body}");
    }
    assert_eq!(stored(), Vec::<String>::new());

    let (status, key) = call(&server, "push_key", &[]).await;
    assert_eq!(status, 200, "{key}");
    let server_key = key.as_str().expect("key").to_owned();
    assert_eq!(URL_SAFE_NO_PAD.decode(&server_key).expect("b64").len(), 65);

    // Two browsers subscribe; each gets a first push at once.
    let phone = Browser::subscribe(&format!("{origin}/push/phone"));
    let tablet = Browser::subscribe(&format!("{origin}/push/expiring-tablet"));
    for browser in [&phone, &tablet] {
        let (status, body) = call(
            &server,
            "push_subscribe",
            &[("subscription", &browser.json)],
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
    let hello = service.wait_for("phone", 1).await;
    assert_eq!(phone.open(&hello[0])["tag"], "pocketcode-hello");
    check_vapid(&hello[0], &server_key, &origin);
    assert!(hello[0].headers.contains_key("ttl"));
    assert_eq!(stored().len(), 2);

    // A chat works and finishes: the phone hears of it.
    let fixtures = common::TempDir::new();
    let remote = Remote::create(fixtures.path(), "remote");
    let chat = NewChat::make(&server, &remote.url()).await;
    let mut form = chat.form().to_vec();
    form.push(("text", "Tidy the README [scenario:plain ms=0]"));
    let (status, body) = call(&server, "send_prompt", &form).await;
    assert_eq!(status, 200, "{body}");
    let pushes = service.wait_for("phone", 2).await;
    let finished = phone.open(&pushes[1]);
    assert_eq!(
        finished["url"],
        format!("/chat/{}/{}", chat.repo, chat.chat_id)
    );
    assert!(
        finished["body"]
            .as_str()
            .expect("body")
            .starts_with("Finished"),
        "{finished}"
    );
    assert!(
        !finished["title"].as_str().expect("title").is_empty(),
        "{finished}"
    );
    check_vapid(&pushes[1], &server_key, &origin);

    // The tablet's service said 410 to that push: the subscription is gone.
    service.wait_for("expiring-tablet", 2).await;
    let deadline = tokio::time::Instant::now() + common::READY;
    while stored().len() != 1 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "still stored: {:?}",
            stored()
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(stored(), vec![format!("{origin}/push/phone")]);

    // Unsubscribing forgets the phone too.
    let endpoint = format!("{origin}/push/phone");
    let (status, body) = call(&server, "push_unsubscribe", &[("endpoint", &endpoint)]).await;
    assert_eq!((status, body), (200, json!(true)));
    assert_eq!(stored(), Vec::<String>::new());

    server.stop().await;
    service_task.abort();
}
