//! The repo picker's GitHub listing against a loopback stand-in for GitHub.

use serde_json::json;

use crate::common::TestServer;
use crate::common::http::call;

/// GitHub's API as far as the repo picker uses it, on loopback: answers
/// `/user/repos` for the bearer token `test-token` only, and records the
/// queries it got.
pub struct FakeGithub {
    pub url: String,
    queries: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    pub server: tokio::task::JoinHandle<()>,
}

impl FakeGithub {
    pub async fn start() -> Self {
        use axum::http::{HeaderMap, StatusCode, Uri};
        let queries = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = queries.clone();
        let app = axum::Router::new().route(
            "/user/repos",
            axum::routing::get(move |headers: HeaderMap, uri: Uri| async move {
                seen.lock()
                    .expect("lock")
                    .push(uri.query().unwrap_or_default().to_owned());
                if headers.get("authorization").and_then(|v| v.to_str().ok())
                    != Some("Bearer test-token")
                {
                    return (
                        StatusCode::UNAUTHORIZED,
                        axum::Json(json!({"message": "Bad credentials"})),
                    );
                }
                let repos = json!([
                    {"full_name": "octo/app", "private": false, "description": "an app",
                     "default_branch": "main", "updated_at": "2026-11-01T00:00:00Z"},
                    {"full_name": "octo/secret", "private": true, "description": null,
                     "default_branch": "trunk", "updated_at": "2026-10-01T00:00:00Z"},
                    {"full_name": "someone-else/lib", "private": false, "description": null,
                     "default_branch": "main", "updated_at": "2026-09-01T00:00:00Z"},
                ]);
                (StatusCode::OK, axum::Json(repos))
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            url,
            queries,
            server,
        }
    }
}

pub async fn github_listing(server: &TestServer, github: &FakeGithub) {
    let (status, listing) = call(server, "list_github_repos", &[]).await;
    assert_eq!(status, 200, "{listing}");
    assert_eq!(listing["configured"], true);
    let names: Vec<&str> = listing["repos"]
        .as_array()
        .expect("repos")
        .iter()
        .filter_map(|r| r["full_name"].as_str())
        .collect();
    assert_eq!(
        names,
        ["octo/app", "octo/secret"],
        "only GITHUB_USER's: {listing}"
    );
    assert_eq!(listing["repos"][1]["private"], true);
    let queries = github.queries.lock().expect("lock").clone();
    assert_eq!(queries.len(), 1, "{queries:?}");
    assert!(
        queries[0].contains("per_page=100") && queries[0].contains("sort=updated"),
        "{queries:?}"
    );
}
