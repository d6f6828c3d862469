//! The installable app: the service worker, served at the root so its scope
//! is the whole app, with the build's version in it so that every deploy
//! installs a new worker (which the page then offers to reload into).

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;

/// Where the worker is served (its scope is `/`).
pub const SERVICE_WORKER_PATH: &str = "/sw.js";

/// The worker's source, without its first line (the version).
const SOURCE: &str = include_str!("sw.js");

/// The worker's script for this build.
pub fn script() -> String {
    format!("const VERSION = {:?};\n{SOURCE}", crate::VERSION)
}

/// `GET /sw.js`. Never cached by HTTP caches: browsers check it for updates.
pub async fn service_worker() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, "no-cache"),
        ],
        script(),
    )
}

#[cfg(test)]
mod tests {
    use super::script;

    #[test]
    fn the_worker_names_this_build_and_never_handles_server_routes() {
        let script = script();
        let first = script.lines().next().unwrap_or_default();
        assert_eq!(first, format!("const VERSION = {:?};", crate::VERSION));
        // Its page and file patterns leave /pocket/ (server functions, the
        // event stream) and opencode's routes alone.
        for pattern in ["/^\\/pkg\\//", "/^\\/chat\\//"] {
            assert!(script.contains(pattern), "{pattern}");
        }
        assert!(!script.contains("/pocket/"), "the worker mentions /pocket/");
    }
}
