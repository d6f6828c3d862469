//! `/pocket/remote/{remote}/{session}/pty…`: a remote chat's terminals,
//! relayed to the remote's opencode through the tunnel (with its
//! password) as opencode's own `/pty` routes: list, start, read, resize,
//! end, and the WebSocket `…/pty/{id}/connect`. Every call runs in the
//! directory the session is bound to there, whatever the request says; a
//! new terminal is started with a title and nothing else (opencode's
//! default shell and directory).

use axum::body::{Body, to_bytes};
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use crate::model::remotes::remote_repo;
use crate::opencode::{CreatePty, ResizePty};
use crate::server::chats::ChatRef;
use crate::server::proxy::websocket;
use crate::server::state::AppState;

/// The largest body a terminal call has (a title or a size).
const MAX_BODY: usize = 16 * 1024;

/// The router's handler for `…/pty` and `…/pty/{*rest}`.
pub async fn relay(
    State(state): State<AppState>,
    Path(params): Path<Vec<(String, String)>>,
    request: Request,
) -> Response {
    match relay_to_remote(&state, &params, request).await {
        Ok(response) => response,
        Err((status, message)) => {
            let body = serde_json::json!({ "error": message });
            (status, axum::Json(body)).into_response()
        }
    }
}

type Refused = (StatusCode, String);

async fn relay_to_remote(
    state: &AppState,
    params: &[(String, String)],
    request: Request,
) -> Result<Response, Refused> {
    let param = |name: &str| {
        params
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    let (remote, session) = match ChatRef::parse(
        &remote_repo(param("remote").unwrap_or_default()),
        param("session").unwrap_or_default(),
    ) {
        Ok(ChatRef::Remote { remote, session }) => (remote, session),
        Ok(ChatRef::Local(_)) => return Err(bad(StatusCode::BAD_REQUEST, "not a remote chat")),
        Err(e) => return Err(bad(status(e.status()), &e.to_string())),
    };
    let tail = pty_tail(param("rest").unwrap_or_default())
        .ok_or_else(|| bad(StatusCode::NOT_FOUND, "no such terminal route"))?;
    let client = crate::server::remotes::client(state, &remote)
        .await
        .map_err(|e| bad(status(e.status()), &e.to_string()))?;
    let upstream = state.ssh.upstream(&remote).ok_or_else(|| {
        bad(
            StatusCode::SERVICE_UNAVAILABLE,
            "the remote is not connected",
        )
    })?;
    let directory = client
        .find_session(&session)
        .await
        .map_err(|e| bad(status(e.status()), &e.to_string()))?
        .directory;
    let (mut parts, body) = request.into_parts();
    let path = upstream_path(&tail, &directory, parts.uri.query());
    if websocket::is_upgrade(&parts.headers) {
        parts.uri = Uri::try_from(path.as_str())
            .map_err(|e| bad(StatusCode::BAD_REQUEST, &e.to_string()))?;
        let value = HeaderValue::from_str(&directory)
            .map_err(|e| bad(StatusCode::BAD_REQUEST, &e.to_string()))?;
        parts.headers.insert("x-opencode-directory", value);
        return Ok(websocket::forward(&state.http, &upstream, parts, None)
            .await
            .unwrap_or_else(IntoResponse::into_response));
    }
    let mut outgoing = upstream
        .request(&state.http, parts.method.clone(), &path)
        .header("x-opencode-directory", directory.as_str());
    if let Some(json) = checked_body(&parts.method, &tail, body).await? {
        outgoing = outgoing
            .header(header::CONTENT_TYPE, "application/json")
            .body(json);
    }
    let answer = outgoing.send().await.map_err(|e| {
        bad(
            StatusCode::BAD_GATEWAY,
            &format!("the remote's opencode: {e}"),
        )
    })?;
    let code = answer.status();
    let bytes = answer.bytes().await.map_err(|e| {
        bad(
            StatusCode::BAD_GATEWAY,
            &format!("the remote's opencode: {e}"),
        )
    })?;
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = code;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(response)
}

/// `""`, `{id}` or `{id}/connect` (an id of letters, digits and `_`) as
/// opencode's path; `None` for anything else.
fn pty_tail(rest: &str) -> Option<String> {
    let id_ok = |id: &str| {
        !id.is_empty()
            && id.len() <= 100
            && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    match rest.split('/').collect::<Vec<_>>().as_slice() {
        [""] => Some("/pty".to_owned()),
        [id] if id_ok(id) => Some(format!("/pty/{id}")),
        [id, "connect"] if id_ok(id) => Some(format!("/pty/{id}/connect")),
        _ => None,
    }
}

/// opencode's path with the session's directory and nothing of the
/// request's query but a reconnect's `cursor`.
fn upstream_path(tail: &str, directory: &str, query: Option<&str>) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    out.append_pair("directory", directory);
    for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        if key == "cursor" && value.chars().all(|c| c.is_ascii_digit() || c == '-') {
            out.append_pair("cursor", &value);
        }
    }
    format!("{tail}?{}", out.finish())
}

/// The body opencode gets: a new terminal's title, a size, or none.
async fn checked_body(method: &Method, tail: &str, body: Body) -> Result<Option<String>, Refused> {
    let creating = *method == Method::POST && tail == "/pty";
    let resizing = *method == Method::PUT && tail.matches('/').count() == 2;
    if !creating && !resizing {
        return Ok(None);
    }
    let bytes = to_bytes(body, MAX_BODY)
        .await
        .map_err(|e| bad(StatusCode::PAYLOAD_TOO_LARGE, &e.to_string()))?;
    let json = if creating {
        serde_json::from_slice::<CreatePty>(&bytes).and_then(|pty| serde_json::to_string(&pty))
    } else {
        serde_json::from_slice::<ResizePty>(&bytes).and_then(|size| serde_json::to_string(&size))
    };
    json.map(Some).map_err(|e| {
        bad(
            StatusCode::BAD_REQUEST,
            &format!("a terminal call's body: {e}"),
        )
    })
}

fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn bad(status: StatusCode, message: &str) -> Refused {
    (status, message.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_opencodes_terminal_routes_with_the_sessions_directory() {
        assert_eq!(pty_tail("").as_deref(), Some("/pty"));
        assert_eq!(pty_tail("pty_1a").as_deref(), Some("/pty/pty_1a"));
        assert_eq!(
            pty_tail("pty_1a/connect").as_deref(),
            Some("/pty/pty_1a/connect")
        );
        for bad in ["..", "pty_1/../x", "a/b", "pty%2F", "pty_1/connect/x"] {
            assert_eq!(pty_tail(bad), None, "{bad}");
        }
        assert_eq!(
            upstream_path(
                "/pty/p/connect",
                "/home/a b",
                Some("directory=/etc&cursor=12&x=1")
            ),
            "/pty/p/connect?directory=%2Fhome%2Fa+b&cursor=12"
        );
    }
}
