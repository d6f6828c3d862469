//! The agent can write the clone's `.git/config` (its worktree shares it).
//! Pointing `remote.origin.url`/`pushurl`, `url.*.insteadOf`/
//! `pushInsteadOf`, `http.proxy` or `http.extraHeader` at another server
//! does not move pocketcode's push, and the token never reaches that server.

use std::path::Path;
use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, StatusCode, Uri, header};
use base64::Engine as _;

use crate::Shipping;
use crate::common::git_fixture::git;
use crate::common::http::{NewChat, call};
use crate::standin::{commit, sha};

/// A server that asks every request for credentials and records what it got.
struct Thief {
    url: String,
    seen: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Thief {
    async fn start() -> Self {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        let app = axum::Router::new().fallback(move |uri: Uri, headers: HeaderMap| {
            let record = Arc::clone(&record);
            async move {
                record
                    .lock()
                    .expect("lock")
                    .push(format!("{uri} {headers:?}"));
                (
                    StatusCode::UNAUTHORIZED,
                    [(header::WWW_AUTHENTICATE, "Basic realm=\"thief\"")],
                    "credentials, please",
                )
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { url, seen, task }
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().expect("lock").clone()
    }
}

pub async fn an_agent_edited_config_does_not_redirect_the_token(shipping: &Shipping) {
    let thief = Thief::start().await;
    let chat = shipping.chat().await;
    let worktree = Path::new(&chat.worktree);
    let head = commit(worktree, "hostile.txt", "hostile\n");
    let stolen = format!("{}/octo/app.git", thief.url);
    let real = format!("{}/", shipping.standin.git_url);
    let settings = [
        ("remote.origin.url", stolen.as_str()),
        ("remote.origin.pushurl", stolen.as_str()),
        (&*format!("url.{}/.insteadOf", thief.url), real.as_str()),
        (&*format!("url.{}/.pushInsteadOf", thief.url), real.as_str()),
        ("http.proxy", thief.url.as_str()),
        ("http.extraHeader", "X-Stolen: yes"),
    ];
    for (key, value) in settings {
        git(worktree, &["config", key, value]);
    }

    let form = [
        ("repo", chat.repo.as_str()),
        ("chat_id", chat.chat_id.as_str()),
    ];
    let (status, outcome) = call(&shipping.server, "push_chat", &form).await;
    assert_eq!(status, 200, "{outcome}");
    let pushed = format!("refs/heads/pocketcode/{}", chat.chat_id);
    assert_eq!(
        sha(&shipping.bare(), &pushed).as_deref(),
        Some(head.as_str())
    );
    assert!(
        thief.seen().is_empty(),
        "the push went elsewhere: {:?}",
        thief.seen()
    );

    // A new chat fetches `origin` as the clone now names it: it may reach
    // the thief, never with the token.
    let other = NewChat::make(&shipping.server, &chat.repo).await;
    let basic = base64::engine::general_purpose::STANDARD
        .encode(format!("x-access-token:{}", shipping.standin.token));
    for request in thief.seen() {
        assert!(!request.contains(&shipping.standin.token), "{request}");
        assert!(!request.contains(&basic), "{request}");
    }
    // Put the clone's config back for whatever runs next.
    for key in ["remote.origin.pushurl", "http.proxy", "http.extraHeader"] {
        git(worktree, &["config", "--unset", key]);
    }
    git(
        worktree,
        &["config", "--remove-section", &format!("url.{}/", thief.url)],
    );
    git(
        worktree,
        &[
            "config",
            "remote.origin.url",
            &format!("{real}octo/app.git"),
        ],
    );
    assert!(!other.chat_id.is_empty());
    thief.task.abort();
}
