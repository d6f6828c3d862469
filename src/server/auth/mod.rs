//! The auth wall: one password, a signed session cookie, and a middleware in
//! front of every route (pocketcode's own and the opencode proxy) that lets
//! through only logged-in requests and the few public paths the login page
//! needs.

pub mod client;
pub mod config;
pub mod device;
pub mod generation;
pub mod headers;
pub mod login;
pub mod password;
pub mod rate_limit;
mod setup;
pub mod token;
pub mod wall;

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::http::HeaderMap;
use axum::http::header::COOKIE;
use cookie::{Cookie, SameSite};

use crate::server::auth::device::DeviceKey;
use crate::server::auth::generation::Generation;
use crate::server::auth::password::PasswordGate;
use crate::server::auth::rate_limit::LoginLimiter;
use crate::server::auth::token::{SESSION_LIFETIME_SECS, SessionToken, TokenError, TokenKey};

pub use config::AuthConfig;
pub use setup::AuthSetupError;

/// Name of the session cookie.
pub const COOKIE_NAME: &str = "pocketcode_session";

/// Everything the wall and the login routes share.
pub struct Auth {
    key: TokenKey,
    device: DeviceKey,
    password: PasswordGate,
    generation: Generation,
    limiter: std::sync::Mutex<LoginLimiter>,
    trusted_proxies: Vec<ipnet::IpNet>,
    /// Set when pocketcode generated the password itself (local runs).
    generated_password: Option<String>,
    /// A single-use login link printed at startup; `None` once used.
    one_time_token: std::sync::Mutex<Option<String>>,
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth")
            .field("generation", &self.generation.current())
            .field("trusted_proxies", &self.trusted_proxies)
            .finish_non_exhaustive()
    }
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Auth {
    /// The valid session cookie of a request, if any.
    pub fn session(&self, headers: &HeaderMap) -> Result<SessionToken, TokenError> {
        let mut outcome = Err(TokenError::Malformed);
        for value in cookie_values(headers, COOKIE_NAME) {
            outcome = self
                .key
                .verify(&value, unix_now(), self.generation.current());
            if outcome.is_ok() {
                break;
            }
        }
        outcome
    }

    /// Whether this browser logged in here before: it carries a device
    /// cookie, or a session cookie we signed (expired or logged out
    /// everywhere still counts: only the owner's browser can have one).
    pub fn known_device(&self, headers: &HeaderMap) -> bool {
        let now = unix_now();
        let signed = cookie_values(headers, COOKIE_NAME).iter().any(|value| {
            matches!(
                self.key.verify(value, now, self.generation.current()),
                Ok(_) | Err(TokenError::Expired | TokenError::Revoked)
            )
        });
        signed || self.device.recognises(headers, now)
    }

    /// A fresh device cookie, set with every login.
    pub fn device_cookie(&self, https: bool) -> Cookie<'static> {
        self.device.cookie(unix_now(), https)
    }

    /// A fresh login cookie.
    pub fn login_cookie(&self, https: bool) -> Cookie<'static> {
        let value = self.key.issue(unix_now(), self.generation.current());
        let mut cookie = base_cookie(value, https);
        cookie.set_max_age(cookie::time::Duration::seconds(
            SESSION_LIFETIME_SECS as i64,
        ));
        cookie
    }

    /// A cookie that makes the browser forget the login.
    pub fn logout_cookie(&self, https: bool) -> Cookie<'static> {
        let mut cookie = base_cookie(String::new(), https);
        cookie.set_max_age(cookie::time::Duration::ZERO);
        cookie
    }

    /// Invalidates every cookie issued so far, on every device.
    pub fn log_out_everywhere(&self) -> std::io::Result<u64> {
        self.generation.bump()
    }

    pub fn password(&self) -> &PasswordGate {
        &self.password
    }

    pub fn trusted_proxies(&self) -> &[ipnet::IpNet] {
        &self.trusted_proxies
    }

    pub fn limiter(&self) -> std::sync::MutexGuard<'_, LoginLimiter> {
        self.limiter
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The password pocketcode made up because none was configured.
    pub fn generated_password(&self) -> Option<&str> {
        self.generated_password.as_deref()
    }

    /// `/login?token=…` for the startup banner, while unused.
    pub fn one_time_login_path(&self) -> Option<String> {
        self.one_time_token
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_ref()
            .map(|token| format!("/login?token={token}"))
    }

    /// Uses up the one-time login token if `candidate` is it.
    pub fn redeem_one_time_token(&self, candidate: &str) -> bool {
        use subtle::ConstantTimeEq as _;
        let mut slot = self
            .one_time_token
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let matches = slot
            .as_ref()
            .is_some_and(|token| bool::from(token.as_bytes().ct_eq(candidate.as_bytes())));
        if matches {
            *slot = None;
        }
        matches
    }

    pub fn now() -> Instant {
        Instant::now()
    }
}

/// The values of every cookie called `name` the request carries.
fn cookie_values(headers: &HeaderMap, name: &str) -> Vec<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| Cookie::split_parse(v).filter_map(Result::ok))
        .filter(|c| c.name() == name)
        .map(|c| c.value().to_string())
        .collect()
}

fn base_cookie(value: String, https: bool) -> Cookie<'static> {
    Cookie::build((COOKIE_NAME, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(https)
        .build()
}
