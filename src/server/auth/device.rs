//! The device cookie: a long-lived signed mark a browser gets with every
//! successful login and keeps after logging out, so the login limits can
//! tell the owner's own browsers from strangers (`rate_limit`'s global
//! brake lets them through). It opens nothing: the browser sends it only
//! to `/login`, and it is signed with a key of its own, so it never passes
//! for a session cookie.

use axum::http::HeaderMap;
use cookie::{Cookie, SameSite};

use super::token::{SessionToken, TokenKey};
use crate::server::paths::LOGIN_PATH;

/// Name of the device cookie.
pub const DEVICE_COOKIE_NAME: &str = "pocketcode_device";
/// Chromium keeps no cookie longer than 400 days.
pub const DEVICE_LIFETIME_SECS: u64 = 400 * 24 * 60 * 60;
/// Names the device key, derived from the session key.
const KEY_LABEL: &str = "pocketcode device cookie v1";

/// Issues and recognises device cookies.
#[derive(Clone, Debug)]
pub struct DeviceKey(TokenKey);

impl DeviceKey {
    pub fn new(session_key: &TokenKey) -> Self {
        Self(session_key.derive(KEY_LABEL))
    }

    /// A fresh device cookie, issued at `now` (Unix seconds).
    pub fn cookie(&self, now: u64, https: bool) -> Cookie<'static> {
        let value = self.0.sign(&SessionToken {
            issued_at: now,
            expires_at: now.saturating_add(DEVICE_LIFETIME_SECS),
            generation: 0,
        });
        Cookie::build((DEVICE_COOKIE_NAME, value))
            .path(LOGIN_PATH)
            .http_only(true)
            .same_site(SameSite::Strict)
            .secure(https)
            .max_age(cookie::time::Duration::seconds(DEVICE_LIFETIME_SECS as i64))
            .build()
    }

    /// Whether the request carries a device cookie we issued and that has
    /// not expired.
    pub fn recognises(&self, headers: &HeaderMap, now: u64) -> bool {
        super::cookie_values(headers, DEVICE_COOKIE_NAME)
            .iter()
            .any(|value| self.0.verify(value, now, 0).is_ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::header::COOKIE;

    const NOW: u64 = 1_800_000_000;

    fn with_cookie(name: &str, value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        let header = format!("{name}={value}").parse().expect("header");
        headers.insert(COOKIE, header);
        headers
    }

    #[test]
    fn a_device_cookie_is_recognised_until_it_expires_and_is_no_session() {
        let session = TokenKey::new(b"0123456789abcdef0123456789abcdef");
        let device = DeviceKey::new(&session);
        let cookie = device.cookie(NOW, true);
        assert_eq!(cookie.path(), Some("/login"));
        assert_eq!(cookie.same_site(), Some(SameSite::Strict));
        assert!(cookie.http_only() == Some(true) && cookie.secure() == Some(true));
        let headers = with_cookie(DEVICE_COOKIE_NAME, cookie.value());
        assert!(device.recognises(&headers, NOW + 10));
        assert!(!device.recognises(&headers, NOW + DEVICE_LIFETIME_SECS));
        // The session key does not accept it, nor the device key a session.
        assert!(session.verify(cookie.value(), NOW, 0).is_err());
        let login = session.issue(NOW, 0);
        assert!(!device.recognises(&with_cookie(DEVICE_COOKIE_NAME, &login), NOW));
        assert!(!device.recognises(&with_cookie("other", cookie.value()), NOW));
    }
}
