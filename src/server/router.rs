//! The HTTP surface: pocketcode's own routes first, opencode for the rest.

use axum::Router;
use axum::routing::get;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_http::services::{ServeDir, ServeFile};

use crate::app::{App, shell};
use crate::server::state::AppState;
use crate::server::{admin, proxy, routes};

/// Builds the whole application; tests drive it in-process or on port 0.
pub fn app(state: AppState) -> Router {
    let options = state.leptos_options.clone();
    let site_root = std::path::PathBuf::from(options.site_root.as_ref());
    let mut router = Router::new()
        .route("/admin/health", get(admin::health))
        .merge(admin::router())
        .nest_service(
            "/pkg",
            ServeDir::new(site_root.join(options.site_pkg_dir.as_ref())),
        );
    for file in routes::PUBLIC_FILES {
        let on_disk = site_root.join(file.trim_start_matches('/'));
        router = router.route_service(file, ServeFile::new(on_disk));
    }
    let context_state = state.clone();
    router
        .leptos_routes_with_context(
            &state,
            generate_route_list(App),
            move || provide_context(context_state.clone()),
            move || shell(options.clone()),
        )
        .fallback(proxy::forward)
        .with_state(state)
}
