//! A stand-in for opencode's share service (opncd.ai by default), served
//! next to the scripted model so sharing works without the internet.
//! opencode is pointed at it with `enterprise.url`; it speaks the same three
//! calls (create, sync, remove) and serves a plain page per shared session,
//! so a test can open the link it was given and see it go away on unshare.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::server::html::escape;

#[derive(Debug)]
struct Shared {
    session_id: String,
    secret: String,
    title: String,
    /// Items received through `sync` (sessions, messages, parts, …).
    synced: usize,
}

#[derive(Clone, Debug, Default)]
pub(super) struct Shares {
    by_id: Arc<Mutex<HashMap<String, Shared>>>,
}

impl Shares {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Shared>> {
        self.by_id.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// `POST /api/share`, `POST /api/share/{id}/sync`, `DELETE /api/share/{id}`
/// and the public page `GET /share/{id}`.
pub(super) fn routes(shares: Shares) -> Router {
    Router::new()
        .route("/api/share", post(create))
        .route("/api/share/{id}/sync", post(sync))
        .route("/api/share/{id}", delete(remove))
        .route("/share/{id}", get(page))
        .with_state(shares)
}

#[derive(Deserialize)]
struct CreateRequest {
    #[serde(rename = "sessionID")]
    session_id: String,
}

async fn create(
    State(shares): State<Shares>,
    headers: HeaderMap,
    Json(request): Json<CreateRequest>,
) -> Response {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return (
            StatusCode::BAD_REQUEST,
            "a Host header is needed for the link",
        )
            .into_response();
    };
    let id = random_token(8);
    let secret = random_token(24);
    let url = format!("http://{host}/share/{id}");
    shares.lock().insert(
        id.clone(),
        Shared {
            session_id: request.session_id,
            secret: secret.clone(),
            title: String::new(),
            synced: 0,
        },
    );
    Json(json!({ "id": id, "secret": secret, "url": url })).into_response()
}

#[derive(Deserialize)]
struct SyncRequest {
    secret: String,
    #[serde(default)]
    data: Vec<Value>,
}

async fn sync(
    State(shares): State<Shares>,
    Path(id): Path<String>,
    Json(request): Json<SyncRequest>,
) -> Response {
    let mut shares = shares.lock();
    let Some(shared) = shares.get_mut(&id) else {
        return (StatusCode::NOT_FOUND, "no such share").into_response();
    };
    if shared.secret != request.secret {
        return (StatusCode::FORBIDDEN, "wrong secret").into_response();
    }
    shared.synced += request.data.len();
    let sessions = request
        .data
        .iter()
        .rev()
        .filter(|item| item["type"] == "session");
    if let Some(title) = sessions
        .filter_map(|item| item["data"]["title"].as_str())
        .next()
    {
        shared.title = title.to_owned();
    }
    Json(json!({})).into_response()
}

#[derive(Deserialize)]
struct RemoveRequest {
    secret: String,
}

async fn remove(
    State(shares): State<Shares>,
    Path(id): Path<String>,
    Json(request): Json<RemoveRequest>,
) -> Response {
    let mut shares = shares.lock();
    match shares.get(&id) {
        None => (StatusCode::NOT_FOUND, "no such share").into_response(),
        Some(shared) if shared.secret != request.secret => {
            (StatusCode::FORBIDDEN, "wrong secret").into_response()
        }
        Some(_) => {
            shares.remove(&id);
            Json(json!({})).into_response()
        }
    }
}

async fn page(State(shares): State<Shares>, Path(id): Path<String>) -> Response {
    let shares = shares.lock();
    let Some(shared) = shares.get(&id) else {
        return (
            StatusCode::NOT_FOUND,
            "This share does not exist (or was unshared).",
        )
            .into_response();
    };
    Html(format!(
        "<!doctype html><title>Shared session</title><h1>Shared session</h1>\
         <p id=session>{}</p><p id=title>{}</p><p id=synced>{} items synced</p>",
        escape(&shared.session_id),
        escape(&shared.title),
        shared.synced
    ))
    .into_response()
}

fn random_token(len: usize) -> String {
    use rand::Rng as _;
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}
