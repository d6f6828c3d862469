//! The HTTP surface: pocketcode's own routes first, opencode for the rest.

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::get;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};

use crate::app::{App, Bundle, shell};
use crate::server::auth::{headers, login, wall};
use crate::server::state::AppState;
use crate::server::{
    admin, bad_arguments, browser, events, paths, proxy, pwa, remotes, transcribe,
};

/// Builds the whole application; tests drive it in-process or on port 0.
pub fn app(state: AppState) -> Router {
    let options = state.leptos_options.clone();
    let site_root = std::path::PathBuf::from(options.site_root.as_ref());
    let mut router = Router::new()
        .route(
            paths::LOGIN_PATH,
            get(login::show_login)
                .post(login::submit_login)
                // Strangers' forms: a password and a path, never megabytes.
                .layer(axum::extract::DefaultBodyLimit::max(login::MAX_FORM_BYTES)),
        )
        .route(
            paths::LOGOUT_PATH,
            get(login::show_logout).post(login::submit_logout),
        )
        .route("/admin/health", get(admin::health))
        .route(pwa::SERVICE_WORKER_PATH, get(pwa::service_worker))
        .route(
            crate::model::live::SESSION_CHECK_PATH,
            get(|| async { axum::http::StatusCode::NO_CONTENT }),
        )
        .merge(admin::router())
        .route(crate::model::live::EVENTS_PATH, get(events::stream::events))
        .route(crate::model::browser::SOCKET_PATH, get(browser::socket))
        .route(
            "/pocket/remote/{remote}/{session}/pty",
            axum::routing::any(remotes::pty::relay),
        )
        .route(
            "/pocket/remote/{remote}/{session}/pty/{*rest}",
            axum::routing::any(remotes::pty::relay),
        )
        .route(
            crate::model::transcribe::TRANSCRIBE_PATH,
            axum::routing::post(transcribe::transcribe),
        )
        .nest_service(
            "/pkg",
            Router::new()
                // The build's brotli and gzip copies where there are some
                // (`deploy/precompress.mjs`); the compression layer below
                // leaves an encoded answer alone.
                .fallback_service(
                    ServeDir::new(site_root.join(options.site_pkg_dir.as_ref()))
                        .precompressed_br()
                        .precompressed_gzip(),
                )
                .layer(axum::middleware::from_fn(pwa::cache_hashed)),
        );
    for file in paths::PUBLIC_FILES {
        let on_disk = site_root.join(file.trim_start_matches('/'));
        router = router.route_service(file, ServeFile::new(on_disk));
    }
    let context_state = state.clone();
    let assets = crate::server::pwa::site_assets();
    let bundle = Bundle {
        js: assets.js.clone(),
        wasm: assets.wasm.clone(),
        chunks: pwa::chunk_urls(&site_root, assets),
    };
    let pages = generate_route_list(App);
    let wall_state = wall::Wall {
        auth: state.auth.clone(),
        pages: pages.iter().map(|r| r.path().to_string()).collect(),
    };
    router
        .leptos_routes_with_context(
            &state,
            pages,
            move || {
                provide_context(context_state.clone());
                headers::provide_app_page_csp();
            },
            move || shell(options.clone(), bundle.clone()),
        )
        // pocketcode's own answers (pages, the WASM bundle, server
        // functions) go compressed to a browser that asks; the event stream
        // never is (the default predicate skips text/event-stream), nor is
        // the proxy, which relays opencode's bytes as they come.
        .route_layer(axum::middleware::from_fn(bad_arguments::bad_arguments))
        .route_layer(CompressionLayer::new())
        .fallback(proxy::forward)
        // Server functions read whole bodies; a prompt with its photos is
        // the largest (the proxy streams and is not limited by this).
        .layer(axum::extract::DefaultBodyLimit::max(
            crate::api::attachments::MAX_REQUEST_BYTES,
        ))
        // Everything above, the proxy included, is behind the wall.
        .layer(from_fn_with_state(wall_state, wall::wall))
        .with_state(state)
}
