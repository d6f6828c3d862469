//! The installable app: the service worker, served at the root so its scope
//! is the whole app, with the build's version in it so that every deploy
//! installs a new worker (which the page then offers to reload into).

mod assets;
mod chunks;

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;

pub use assets::{HASH_FILE, SiteAssets, cache_hashed, site_assets};
pub use chunks::chunk_urls;

/// Where the worker is served (its scope is `/`).
pub const SERVICE_WORKER_PATH: &str = "/sw.js";

/// The worker's source, without its first lines (the version and files).
const SOURCE: &str = include_str!("sw.js");

/// The worker's script for this build: its version, the build's file names
/// and their hashes, so a deploy that changes any file is a new worker. It
/// keeps copies of the files a page hydrates with (the split chunks' loader
/// too); the chunks themselves are kept once fetched (the page fetches
/// them once idle: `chunk_urls`).
pub fn script() -> String {
    script_for(site_assets())
}

fn script_for(assets: &SiteAssets) -> String {
    format!(
        "const VERSION = {:?};\nconst BUILD = {:?};\nconst APP_FILES = {:?};\n{SOURCE}",
        crate::VERSION,
        assets.build_id(),
        assets.page_files(),
    )
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
    use super::{SiteAssets, script, script_for};

    #[test]
    fn the_worker_names_this_build_and_never_handles_server_routes() {
        let script = script();
        let first = script.lines().next().unwrap_or_default();
        assert_eq!(first, format!("const VERSION = {:?};", crate::VERSION));
        // Another build's files make another worker.
        let hashed = SiteAssets::parse("js: j1\nwasm: w1\ncss: c1").expect("hashes");
        let next = SiteAssets::parse("js: j2\nwasm: w1\ncss: c1").expect("hashes");
        let (one, two) = (script_for(&hashed), script_for(&next));
        assert_ne!(one, two);
        assert!(one.contains(r#"const BUILD = "c1-j1-w1";"#), "{one}");
        assert!(one.contains(r#"const APP_FILES = ["/pkg/pocketcode.c1.css", "/pkg/pocketcode.j1.js", "/pkg/pocketcode.w1.wasm"];"#));
        // Its page and file patterns leave /pocket/ (server functions, the
        // event stream) and opencode's routes alone.
        for pattern in ["/^\\/pkg\\//", "/^\\/chat\\//"] {
            assert!(script.contains(pattern), "{pattern}");
        }
        assert!(!script.contains("/pocket/"), "the worker mentions /pocket/");
    }
}
