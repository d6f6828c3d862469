//! Server function arguments that do not decode (`force=maybe`, a missing
//! field) are the caller's mistake: server_fn answers them with a 500,
//! which this middleware turns into a 400 with the decoder's message.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use server_fn::error::ServerFnErrorErr;

use crate::api::AppError;
use crate::server::paths::SERVER_FN_PREFIX;

/// Error bodies are short; anything longer is not a decoding error.
const LARGEST_ERROR: usize = 64 * 1024;

pub async fn bad_arguments(request: Request, next: Next) -> Response {
    let server_fn = request.uri().path().starts_with(SERVER_FN_PREFIX);
    let response = next.run(request).await;
    if !server_fn || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, LARGEST_ERROR).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "unreadable error body").into_response();
    };
    match decoding_error(&bytes) {
        Some(message) => {
            let error = AppError::BadRequest(message);
            let body = serde_json::to_vec(&error).unwrap_or_default();
            (
                StatusCode::BAD_REQUEST,
                [(header::CONTENT_TYPE, "application/json")],
                body,
            )
                .into_response()
        }
        None => Response::from_parts(parts, Body::from(bytes)),
    }
}

/// The message of a server function error body that says its arguments
/// could not be decoded.
fn decoding_error(body: &[u8]) -> Option<String> {
    match serde_json::from_slice::<AppError>(body).ok()? {
        AppError::ServerFn(ServerFnErrorErr::Args(message)) => Some(format!(
            "the request's arguments could not be read: {message}"
        )),
        AppError::ServerFn(ServerFnErrorErr::MissingArg(name)) => {
            Some(format!("the request is missing the argument {name}"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_decoding_errors_are_the_callers() {
        let args = serde_json::to_vec(&AppError::ServerFn(ServerFnErrorErr::Args(
            "invalid digit".into(),
        )))
        .expect("json");
        assert_eq!(
            decoding_error(&args).as_deref(),
            Some("the request's arguments could not be read: invalid digit")
        );
        let internal = serde_json::to_vec(&AppError::Internal("disk full".into())).expect("json");
        assert_eq!(decoding_error(&internal), None);
        assert_eq!(decoding_error(b"not json"), None);
    }
}
