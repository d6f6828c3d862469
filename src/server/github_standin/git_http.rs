//! git's smart HTTP: `git http-backend` run as CGI for every request under
//! `/<owner>/<name>.git/`, the request body streamed in and the CGI
//! headers parsed out. Pushes need the token (HTTP Basic, any user, the
//! token as password: GitHub's `x-access-token:<token>`); reads too unless
//! reads are public. A refusal is 401 with `WWW-Authenticate: Basic`.

use std::process::Stdio;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use futures::StreamExt as _;
use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _, BufReader};

use super::StandIn;

pub async fn serve(
    State(standin): State<Arc<StandIn>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let path = uri.path().to_owned();
    let query = uri.query().unwrap_or_default().to_owned();
    let Some((owner, name)) = repo_of(&path) else {
        return (StatusCode::NOT_FOUND, "Not Found").into_response();
    };
    let push = path.ends_with("/git-receive-pack") || query.contains("service=git-receive-pack");
    let user = basic_user(&headers, &standin);
    if user.is_none() && (push || !standin.settings.public_reads) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Basic realm=\"GitHub\"")],
            "Invalid username or token.",
        )
            .into_response();
    }
    if standin.repo_dir(owner, name).is_none() {
        return (StatusCode::NOT_FOUND, "Repository not found.").into_response();
    }
    match run_backend(&standin, &method, &path, &query, &headers, user, body).await {
        Ok(response) => response,
        Err(error) => {
            tracing::warn!(%error, "git http-backend failed");
            (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response()
        }
    }
}

/// `owner` and `name` of `/owner/name.git/...`.
fn repo_of(path: &str) -> Option<(&str, &str)> {
    let mut parts = path.trim_start_matches('/').splitn(3, '/');
    let owner = parts.next()?;
    let name = parts.next()?.strip_suffix(".git")?;
    parts.next()?;
    Some((owner, name))
}

/// The HTTP Basic user whose password is the token.
fn basic_user(headers: &HeaderMap, standin: &StandIn) -> Option<String> {
    let encoded = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "));
    let decoded = encoded
        .and_then(|e| {
            base64::engine::general_purpose::STANDARD
                .decode(e.trim())
                .ok()
        })
        .and_then(|bytes| String::from_utf8(bytes).ok());
    let (user, password) = match decoded.as_deref().and_then(|d| d.split_once(':')) {
        Some((user, password)) => (user.to_owned(), Some(password)),
        None => (String::new(), None),
    };
    standin.accepts(password).then_some(user)
}

/// The CGI request: what `git http-backend` reads from its environment.
fn cgi_command(
    standin: &StandIn,
    method: &Method,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    user: Option<String>,
) -> tokio::process::Command {
    let header_text = |name: header::HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let mut command = tokio::process::Command::new("git");
    command
        .arg("http-backend")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &standin.settings.root)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_PROJECT_ROOT", &standin.settings.root)
        .env("GIT_HTTP_EXPORT_ALL", "1")
        .env("GATEWAY_INTERFACE", "CGI/1.1")
        .env("REQUEST_METHOD", method.as_str())
        .env("PATH_INFO", path)
        .env("QUERY_STRING", query)
        .env("CONTENT_TYPE", header_text(header::CONTENT_TYPE))
        .env(
            "HTTP_CONTENT_ENCODING",
            header_text(header::CONTENT_ENCODING),
        )
        .env(
            "GIT_PROTOCOL",
            header_text(header::HeaderName::from_static("git-protocol")),
        )
        .env("REMOTE_ADDR", "127.0.0.1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    if let Some(user) = user {
        // http-backend enables receive-pack only for an authenticated user.
        command.env("REMOTE_USER", if user.is_empty() { "token" } else { &user });
    }
    command
}

/// Runs the backend: the body streamed to its stdin, its CGI answer
/// streamed back.
async fn run_backend(
    standin: &StandIn,
    method: &Method,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    user: Option<String>,
    body: Body,
) -> Result<Response, std::io::Error> {
    let mut child = cgi_command(standin, method, path, query, headers, user).spawn()?;
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| std::io::Error::other("no stdin"))?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| std::io::Error::other("no stdout"))?;
    tokio::spawn(async move {
        let mut stream = body.into_data_stream();
        while let Some(Ok(chunk)) = stream.next().await {
            if stdin.write_all(&chunk).await.is_err() {
                return;
            }
        }
        // Dropping stdin is the end of the request body.
    });
    let mut reader = BufReader::new(stdout);
    let response = cgi_headers(&mut reader).await?;
    // The child lives as long as its output is streamed.
    let stream = futures::stream::unfold((reader, child), |(mut reader, child)| async move {
        let mut buffer = vec![0u8; 32 * 1024];
        match reader.read(&mut buffer).await {
            Ok(0) | Err(_) => None,
            Ok(n) => {
                buffer.truncate(n);
                Some((
                    Ok::<_, std::io::Error>(bytes::Bytes::from(buffer)),
                    (reader, child),
                ))
            }
        }
    });
    response
        .body(Body::from_stream(stream))
        .map_err(std::io::Error::other)
}

/// The CGI headers up to the blank line (`Status:` sets the status).
async fn cgi_headers(
    reader: &mut BufReader<tokio::process::ChildStdout>,
) -> Result<axum::http::response::Builder, std::io::Error> {
    let mut response = Response::builder();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await? == 0 {
            break;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("status") {
            let code = value.split(' ').next().and_then(|c| c.parse().ok());
            response = response.status(code.unwrap_or(500));
        } else {
            response = response.header(name, value);
        }
    }
    Ok(response)
}
