//! `/admin/health` tells a stranger whether pocketcode works, and nothing
//! else: opencode's pid, port, binary and stderr need a login.

use std::panic::AssertUnwindSafe;

use futures::FutureExt;
use pocketcode::server::auth::token::{SESSION_LIFETIME_SECS, SessionToken, TokenKey};
use pocketcode::server::auth::unix_now;
use reqwest::header::COOKIE;
use serde_json::{Value, json};

use crate::common::{TestServer, admin_health, wait_for_opencode_state};

const SECRET: &str = "health-test-secret-0123456789abcdefghij";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strangers_learn_only_the_status_from_health() {
    // No opencode: 503, `down`, and no stderr or binary path for strangers.
    let broken = TestServer::start(&["--opencode-bin", "/nonexistent/opencode"]).await;
    wait_for_opencode_state(&broken.http, &broken.base_url, "failed").await;
    let (status, public) = admin_health(&broken.anonymous, &broken.base_url).await;
    assert_eq!((status, public), (503, json!({ "status": "down" })));
    let (_, details) = admin_health(&broken.http, &broken.base_url).await;
    assert_eq!(details["status"], "down");
    broken.stop().await;

    let server = TestServer::start(&["--auth-secret", SECRET]).await;
    server.wait_ready().await;
    let outcome = AssertUnwindSafe(stranger_and_owner(&server))
        .catch_unwind()
        .await;
    server.stop().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

async fn stranger_and_owner(server: &TestServer) {
    let now = unix_now();
    let expired = TokenKey::new(SECRET.as_bytes()).sign(&SessionToken {
        issued_at: now - SESSION_LIFETIME_SECS - 60,
        expires_at: now - 60,
        generation: 0,
    });
    let strangers = [
        ("no cookie", None),
        (
            "an expired cookie",
            Some(format!("pocketcode_session={expired}")),
        ),
        (
            "a made-up cookie",
            Some("pocketcode_session=v1.1.2.0.AAAA".into()),
        ),
    ];
    for (who, cookie) in strangers {
        let mut request = server.anonymous.get(server.url("/admin/health"));
        if let Some(cookie) = cookie {
            request = request.header(COOKIE, cookie);
        }
        let response = request.send().await.expect("GET /admin/health");
        assert_eq!(response.status(), 200, "{who}");
        let body: Value = response.json().await.expect("JSON");
        assert_eq!(body, json!({ "status": "ok" }), "{who}: exactly the status");
    }

    // The owner still gets the details.
    let (status, details) = admin_health(&server.http, &server.base_url).await;
    assert_eq!(status, 200);
    assert_eq!(details["status"], "ok");
    assert!(details["opencode"]["pid"].as_u64().is_some(), "{details}");
    assert!(details["opencode"]["port"].as_u64().is_some(), "{details}");
    assert!(details["opencode"]["binary"].is_string(), "{details}");
    assert!(details["opencode"]["stderr_tail"].is_array(), "{details}");
    assert_eq!(details["version"], pocketcode::VERSION);
}
