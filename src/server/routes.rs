//! The paths pocketcode owns. Everything else belongs to opencode and goes
//! through the proxy, so none of these may shadow one of opencode's routes
//! (a test checks them against the pinned opencode's OpenAPI spec).

/// Prefixes pocketcode owns entirely (machine endpoints and assets).
pub const OWNED_PREFIXES: &[&str] = &["/pocket/", "/admin/", "/pkg/"];

/// Single files served from `public/`.
pub const PUBLIC_FILES: &[&str] = &["/favicon.svg"];

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
    paths.extend(OWNED_PREFIXES.iter().map(|p| format!("{p}*")));
    paths.sort();
    paths.dedup();
    paths
}
