//! The auth wall against the real opencode: every route of opencode's
//! OpenAPI spec and every route of pocketcode's own, each method, with no
//! cookie and with four kinds of bad cookie, must be refused by the wall
//! (its 401 JSON, or a redirect to the login page for pages): never a 2xx,
//! never an answer from opencode.

mod common;

use common::{TEST_PASSWORD, TestServer};
use futures::StreamExt;
use pocketcode::server::auth::token::{SESSION_LIFETIME_SECS, SessionToken, TokenKey};
use pocketcode::server::auth::unix_now;
use pocketcode::server::auth::wall::UNAUTHENTICATED;
use pocketcode::server::paths::{self, PUBLIC_FILES, PUBLIC_PATHS};
use reqwest::Method;
use reqwest::header::{COOKIE, LOCATION};
use serde_json::Value;

/// How long the wall may take to refuse.
const ANSWER: std::time::Duration = std::time::Duration::from_secs(10);

const SECRET: &str = "route-table-test-secret-0123456789abcdef";

/// A concrete path for a template: every parameter gets a plausible value.
fn concrete(template: &str) -> String {
    template
        .split('/')
        .map(|segment| {
            if segment.starts_with("{*") || segment.starts_with('*') {
                "some/file.txt".to_string()
            } else if segment.starts_with('{') || segment.starts_with(':') {
                "ses_1234567890abcdef".to_string()
            } else {
                segment.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Every (method, path) the wall must guard: opencode's spec and ours.
fn guarded_routes(spec: &Value) -> Vec<(Method, String)> {
    let mut routes_to_try = Vec::new();
    // opencode's operations, and every documented `/admin/*` operation.
    let admin = serde_json::to_value(pocketcode::server::admin::openapi()).expect("admin spec");
    for spec in [spec, &admin] {
        for (template, operations) in spec["paths"].as_object().expect("spec paths") {
            for method in operations.as_object().expect("operations").keys() {
                if let Ok(method) = method.to_uppercase().parse::<Method>() {
                    routes_to_try.push((method, concrete(template)));
                }
            }
        }
    }
    for path in paths::owned_paths() {
        let path = match path.strip_suffix('*') {
            Some(prefix) => format!("{prefix}anything"),
            None => concrete(&path),
        };
        for method in [Method::GET, Method::POST, Method::PUT, Method::DELETE] {
            routes_to_try.push((method, path.clone()));
        }
    }
    // The app's bundle (only its stylesheet is public) and opencode's own UI.
    for path in [
        "/pkg/pocketcode.js",
        "/pkg/pocketcode_bg.wasm",
        "/",
        "/assets/x.js",
    ] {
        routes_to_try.push((Method::GET, path.to_string()));
    }
    routes_to_try.retain(|(_, path)| !paths::is_public(path));
    routes_to_try.sort_by(|a, b| (a.1.as_str(), a.0.as_str()).cmp(&(b.1.as_str(), b.0.as_str())));
    routes_to_try.dedup();
    routes_to_try
}

/// Whether the response is the wall's refusal (and not anything else).
async fn refused_by_wall(response: reqwest::Response) -> Result<(), String> {
    let status = response.status().as_u16();
    if status == 303 {
        let location = response
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        return if location.starts_with("/login?next=") {
            Ok(())
        } else {
            Err(format!("303 to {location}"))
        };
    }
    let body = response.text().await.unwrap_or_default();
    let json: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    if status == 401 && json["error"] == UNAUTHENTICATED {
        Ok(())
    } else {
        Err(format!(
            "{status} {}",
            body.chars().take(120).collect::<String>()
        ))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_route_answers_without_a_valid_cookie() {
    let server = TestServer::start(&["--auth-secret", SECRET]).await;
    let upstream = server.wait_ready().await;
    let http = reqwest::Client::new();
    let spec: Value = upstream
        .request(&http, Method::GET, "/doc")
        .send()
        .await
        .expect("GET /doc from opencode")
        .json()
        .await
        .expect("spec JSON");
    let guarded = guarded_routes(&spec);
    assert!(guarded.len() > 100, "only {} routes", guarded.len());

    // A cookie from before "log out everywhere": log in, then revoke.
    let revoked = common::login(&server.anonymous, &server.base_url, TEST_PASSWORD)
        .await
        .expect("login");
    let logout = server
        .anonymous
        .post(server.url("/logout"))
        .header(COOKIE, &revoked)
        .form(&[("everywhere", "1")])
        .send()
        .await
        .expect("log out everywhere");
    assert_eq!(logout.status(), 303);
    let fresh = common::login(&server.anonymous, &server.base_url, TEST_PASSWORD)
        .await
        .expect("login after log out everywhere");

    let now = unix_now();
    let key = TokenKey::new(SECRET.as_bytes());
    let valid_value = fresh.split_once('=').expect("name=value").1.to_string();
    let tampered = {
        // Same signature, longer life: the MAC no longer matches.
        let token = SessionToken {
            issued_at: now,
            expires_at: now + 10 * SESSION_LIFETIME_SECS,
            generation: 1,
        };
        let forged = key.sign(&token);
        let (payload, _) = forged.rsplit_once('.').expect("payload");
        let (_, tag) = valid_value.rsplit_once('.').expect("tag");
        format!("{payload}.{tag}")
    };
    let expired = key.sign(&SessionToken {
        issued_at: now - SESSION_LIFETIME_SECS - 60,
        expires_at: now - 60,
        generation: 1,
    });
    let other_secret = TokenKey::new(b"some-other-secret-0123456789abcdefgh").issue(now, 1);
    let variants: Vec<(&str, Option<String>)> = vec![
        ("no cookie", None),
        ("tampered", Some(format!("pocketcode_session={tampered}"))),
        ("expired", Some(format!("pocketcode_session={expired}"))),
        (
            "other secret",
            Some(format!("pocketcode_session={other_secret}")),
        ),
        ("before log out everywhere", Some(revoked.clone())),
    ];

    let mut tried = 0usize;
    let mut through = Vec::new();
    for (variant, cookie) in &variants {
        let results: Vec<_> = futures::stream::iter(guarded.iter().cloned())
            .map(|(method, path)| {
                let mut request = server.anonymous.request(method.clone(), server.url(&path));
                if let Some(cookie) = cookie {
                    request = request.header(COOKIE, cookie);
                }
                async move {
                    // The wall answers at once; a stream that stays open
                    // (opencode's /event, say) means the request got past it.
                    let outcome = match tokio::time::timeout(ANSWER, request.send()).await {
                        Ok(response) => refused_by_wall(response.expect("request")).await,
                        Err(_) => Err(format!("no answer within {ANSWER:?}")),
                    };
                    (method, path, outcome)
                }
            })
            .buffer_unordered(16)
            .collect()
            .await;
        for (method, path, outcome) in results {
            tried += 1;
            if let Err(answer) = outcome {
                through.push(format!("{variant}: {method} {path} -> {answer}"));
            }
        }
    }
    println!(
        "auth wall: tried {tried} (path, method, cookie) combinations over {} routes; {} got through",
        guarded.len(),
        through.len()
    );
    assert!(
        through.is_empty(),
        "got through the wall:\n{}",
        through.join("\n")
    );
    assert_eq!(tried, guarded.len() * variants.len());

    // The control: the same harness with the fresh cookie does reach
    // opencode and pocketcode, so the refusals above are the wall's doing.
    let reached = server
        .anonymous
        .get(server.url("/session"))
        .header(COOKIE, &fresh)
        .header(
            "x-opencode-directory",
            server.workspace().display().to_string(),
        )
        .send()
        .await
        .expect("GET /session");
    assert_eq!(reached.status(), 200);
    assert!(reached.json::<Value>().await.expect("JSON").is_array());
    let page = server
        .anonymous
        .get(server.url("/"))
        .header(COOKIE, &fresh)
        .send()
        .await
        .expect("GET /");
    assert_eq!(page.status(), 200);
    // The app's login check: 204 while logged in, the wall's 401 after.
    for (cookie, expected) in [(&fresh, 204), (&revoked, 401)] {
        let check = server
            .anonymous
            .get(server.url(pocketcode::model::live::SESSION_CHECK_PATH))
            .header(COOKIE, cookie)
            .send()
            .await
            .expect("GET the session check");
        assert_eq!(check.status(), expected, "{cookie}");
    }

    // opencode's own port refuses requests without the internal password.
    let direct = http
        .get(format!("{}/session", upstream.base_url))
        .send()
        .await
        .expect("direct GET /session");
    assert_eq!(direct.status(), 401);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exactly_the_login_health_and_style_paths_are_public() {
    let server = TestServer::start(&["--opencode-bin", "/nonexistent/opencode"]).await;
    assert_eq!(
        PUBLIC_PATHS,
        ["/login", "/logout", "/admin/health", "/sw.js"]
    );
    assert_eq!(
        PUBLIC_FILES,
        [
            "/favicon.svg",
            "/manifest.webmanifest",
            "/icons/icon-192.png",
            "/icons/icon-512.png",
            "/icons/apple-touch-icon.png",
            "/pwa.js"
        ]
    );
    for path in PUBLIC_PATHS
        .iter()
        .chain(PUBLIC_FILES)
        .filter(|p| **p != "/logout")
    {
        let response = server
            .anonymous
            .get(server.url(path))
            .send()
            .await
            .expect("GET");
        // Health is 503 here (no opencode) but answered, not refused.
        assert_ne!(response.status(), 401, "{path}");
        assert!(refused_by_wall(response).await.is_err(), "{path}");
    }
    let logout = server
        .anonymous
        .get(server.url("/logout"))
        .send()
        .await
        .expect("GET /logout");
    assert_eq!(
        logout.status(),
        303,
        "logged out: sent on to the login page"
    );
    server.stop().await;
}
