//! The API key the scripted model requires, as a real provider does: a
//! request to its OpenAI routes without `Authorization: Bearer <key>` gets
//! OpenAI's 401. opencode never holds this key; pocketcode's gateway adds
//! it, so every run with the scripted model goes through the gateway the
//! way a real provider's requests do. The credentials requests arrived
//! with are recorded, so tests can see what left the gateway.

use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq as _;

use super::completion::{ErrorBody, ErrorDetail};

/// How many distinct `Authorization` values are remembered: a test needs a
/// handful, and a client sending a new one per request must not grow memory.
const REMEMBERED: usize = 16;

/// The key and what requests presented.
#[derive(Clone)]
pub(super) struct KeyCheck {
    key: Arc<str>,
    seen: Arc<Mutex<Vec<String>>>,
}

impl KeyCheck {
    pub(super) fn new(key: &str) -> Self {
        Self {
            key: key.into(),
            seen: Arc::default(),
        }
    }

    /// The distinct `Authorization` values requests arrived with, in order
    /// (`""` for none), at most [`REMEMBERED`].
    pub(super) fn seen(&self) -> Vec<String> {
        self.seen
            .lock()
            .map(|seen| seen.clone())
            .unwrap_or_default()
    }

    fn record(&self, value: &str) {
        if let Ok(mut seen) = self.seen.lock()
            && seen.len() < REMEMBERED
            && !seen.iter().any(|s| s == value)
        {
            seen.push(value.to_owned());
        }
    }

    fn accepts(&self, value: &str) -> bool {
        value
            .strip_prefix("Bearer ")
            .is_some_and(|given| bool::from(given.as_bytes().ct_eq(self.key.as_bytes())))
    }
}

/// A random key, different on every start.
pub fn random_key() -> String {
    let bytes: [u8; 24] = rand::random();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("sk-scripted-{hex}")
}

/// Middleware for the OpenAI routes: records the credential, refuses a wrong one.
pub(super) async fn require_key(
    State(check): State<KeyCheck>,
    request: Request,
    next: Next,
) -> Response {
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default();
    check.record(&given);
    if check.accepts(&given) {
        return next.run(request).await;
    }
    let body = ErrorBody {
        error: ErrorDetail {
            message: "Incorrect API key provided to the scripted model.".to_owned(),
            kind: "invalid_request_error",
            code: "invalid_api_key",
        },
    };
    (StatusCode::UNAUTHORIZED, axum::Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_bearer_key_is_accepted_and_values_are_remembered_once() {
        let check = KeyCheck::new("k1");
        assert!(check.accepts("Bearer k1"));
        for wrong in ["k1", "Bearer k2", "Bearer k1x", "bearer k1", ""] {
            assert!(!check.accepts(wrong), "{wrong}");
        }
        check.record("Bearer k1");
        check.record("");
        check.record("Bearer k1");
        assert_eq!(check.seen(), ["Bearer k1", ""]);
        for n in 0..100 {
            check.record(&format!("Bearer {n}"));
        }
        assert_eq!(check.seen().len(), REMEMBERED);
    }

    #[test]
    fn random_keys_differ() {
        assert_ne!(random_key(), random_key());
        assert!(random_key().starts_with("sk-scripted-"));
    }
}
