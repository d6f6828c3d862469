//! The paths pocketcode owns. Everything else belongs to opencode and goes
//! through the proxy, so none of these may shadow one of opencode's routes
//! (a test checks them against the pinned opencode's OpenAPI spec).

/// Prefixes pocketcode owns entirely (machine endpoints and assets).
pub const OWNED_PREFIXES: &[&str] = &["/pocket/", "/admin/", "/pkg/"];

/// Single files served from `public/`. Browsers fetch the manifest and its
/// icons without cookies, so they are public like the favicon.
pub const PUBLIC_FILES: &[&str] = &[
    "/favicon.svg",
    "/manifest.webmanifest",
    "/icons/icon-192.png",
    "/icons/icon-512.png",
    "/icons/apple-touch-icon.png",
    "/pwa.js",
];

/// The login form (GET shows it, POST checks the password).
pub const LOGIN_PATH: &str = "/login";
/// Logging out (GET asks, POST does it).
pub const LOGOUT_PATH: &str = "/logout";

/// Paths anyone may reach without logging in: the login and logout routes,
/// the health check, the service worker (browsers check it for updates on
/// their own), and what the login page needs to look right (public files
/// and stylesheets; not the app's JavaScript or WASM).
pub const PUBLIC_PATHS: &[&str] = &[
    LOGIN_PATH,
    LOGOUT_PATH,
    "/admin/health",
    crate::server::pwa::SERVICE_WORKER_PATH,
];

/// Whether the auth wall lets `path` through without a session.
pub fn is_public(path: &str) -> bool {
    PUBLIC_PATHS.contains(&path)
        || PUBLIC_FILES.contains(&path)
        || path
            .strip_prefix("/pkg/")
            .is_some_and(|file| file.ends_with(".css") && !file.contains('/'))
}

/// Whether `path` matches one of the app's page routes, `pages` (where an
/// unauthenticated visitor is sent to the login page rather than given a 401).
pub fn is_page(pages: &[String], path: &str) -> bool {
    pages.iter().any(|pattern| route_matches(pattern, path))
}

/// Matches an axum-style pattern (`/c/{id}`, `/files/{*rest}`) against a path.
fn route_matches(pattern: &str, path: &str) -> bool {
    let mut wanted = pattern.split('/').filter(|s| !s.is_empty());
    let mut given = path.split('/').filter(|s| !s.is_empty());
    loop {
        match (wanted.next(), given.next()) {
            (None, None) => return true,
            (Some(w), _) if w.starts_with("{*") || w.starts_with('*') => return true,
            (Some(w), Some(_)) if w.starts_with('{') || w.starts_with(':') => {}
            (Some(w), Some(g)) if w == g => {}
            _ => return false,
        }
    }
}

/// Where server functions live: under pocketcode's own prefix, never
/// `/api` (opencode's).
pub const SERVER_FN_PREFIX: &str = "/pocket/fn";

/// Every path pocketcode answers itself: page routes (from the Leptos
/// router), server functions, public files and owned prefixes (as
/// `prefix*`). Used by the collision test and by the auth wall.
pub fn owned_paths() -> Vec<String> {
    let mut paths: Vec<String> = leptos_axum::generate_route_list(crate::app::App)
        .iter()
        .map(|route| route.path().to_string())
        .collect();
    paths.extend(server_fn::axum::server_fn_paths().map(|(path, _method)| path.to_string()));
    paths.extend(PUBLIC_FILES.iter().map(|p| p.to_string()));
    paths.extend(
        [
            LOGIN_PATH,
            LOGOUT_PATH,
            crate::server::pwa::SERVICE_WORKER_PATH,
        ]
        .map(String::from),
    );
    paths.extend(OWNED_PREFIXES.iter().map(|p| format!("{p}*")));
    paths.sort();
    paths.dedup();
    paths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_login_health_public_files_and_stylesheets_are_public() {
        for path in [
            "/login",
            "/logout",
            "/admin/health",
            "/favicon.svg",
            "/manifest.webmanifest",
            "/icons/icon-512.png",
            "/sw.js",
            "/pkg/pocketcode.css",
        ] {
            assert!(is_public(path), "{path}");
        }
        for path in [
            "/",
            "/admin/repos",
            "/pkg/pocketcode.js",
            "/pkg/pocketcode_bg.wasm",
            "/pkg/../secret.css",
            "/pocket/fn/info",
            "/session",
            "/login/x",
            "/loginx",
            "/icons/other.png",
            "/sw.js/x",
        ] {
            assert!(!is_public(path), "{path}");
        }
    }

    #[test]
    fn route_patterns_match_segments() {
        assert!(route_matches("/", "/"));
        assert!(route_matches("/c/{id}", "/c/ses_1"));
        assert!(!route_matches("/c/{id}", "/c"));
        assert!(!route_matches("/c/{id}", "/c/a/b"));
        assert!(route_matches("/files/{*rest}", "/files/a/b"));
        assert!(!route_matches("/", "/session"));
        let pages = vec!["/".to_string(), "/c/{id}".to_string()];
        assert!(is_page(&pages, "/"));
        assert!(is_page(&pages, "/c/x"));
        assert!(!is_page(&pages, "/session"));
    }
}
