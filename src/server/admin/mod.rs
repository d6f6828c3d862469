//! pocketcode's own machine endpoints under `/admin/*`, documented by an
//! OpenAPI document generated from the handlers (utoipa): registering a
//! route here is what documents it.

mod changes;
mod docs;
mod error;
mod files;
mod files_of;
mod health;
mod memory;
mod processes;
mod pull_requests;
mod remote_files;
mod repos;
mod resources;
mod review;
mod search;
mod undo;
mod usage;
mod worktrees;

use std::sync::OnceLock;

use utoipa::OpenApi as _;
use utoipa::openapi::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use error::{AdminError, ErrorBody};
pub use health::{Health, HealthAnswer, HealthStatus, PublicHealth, health};

use crate::server::state::AppState;

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "pocketcode admin API",
        description = "Repos, chat worktrees, disk, garbage collection, orphan processes, opencode's memory and token usage of a pocketcode server."
    ),
    paths(health::health),
    components(schemas(ErrorBody))
)]
struct AdminApi;

/// Every `/admin/*` route but `/admin/health` (which the router registers
/// itself, outside the auth wall), with its documentation.
fn documented() -> OpenApiRouter<AppState> {
    let mut base = AdminApi::openapi();
    base.info.version = crate::VERSION.to_owned();
    OpenApiRouter::with_openapi(base)
        .routes(routes!(repos::list_repos, repos::add_repo))
        .routes(routes!(repos::get_repo, repos::delete_repo))
        .routes(routes!(worktrees::list_worktrees))
        .routes(routes!(worktrees::get_worktree, worktrees::delete_worktree))
        .routes(routes!(worktrees::worktree_diff))
        .routes(routes!(changes::chat_changes))
        .routes(routes!(changes::commit_chat))
        .routes(routes!(changes::write_commit_message))
        .routes(routes!(changes::merge_chat))
        .routes(routes!(resources::disk))
        .routes(routes!(resources::gc))
        .routes(routes!(processes::list_processes))
        .routes(routes!(memory::memory))
        .routes(routes!(processes::kill_process))
        .routes(routes!(docs::openapi_json))
        .routes(routes!(docs::docs_page))
        .routes(routes!(pull_requests::push))
        .routes(routes!(pull_requests::get_pull, pull_requests::open_pull))
        .routes(routes!(pull_requests::merge_pull))
        .routes(routes!(pull_requests::close_pull))
        .routes(routes!(search::search_messages))
        .routes(routes!(files::list_files))
        .routes(routes!(files::download_file))
        .routes(routes!(files::download_zip))
        .routes(routes!(remote_files::list_remote_files))
        .routes(routes!(remote_files::download_remote_file))
        .routes(routes!(remote_files::download_remote_zip))
        .routes(routes!(review::get_review))
        .routes(routes!(review::get_review_diff))
        .routes(routes!(review::add_comment))
        .routes(routes!(review::edit_comment, review::delete_comment))
        .routes(routes!(review::send_review))
        .routes(routes!(undo::undo_chat))
        .routes(routes!(undo::redo_chat))
        .routes(routes!(undo::fork_chat))
        .routes(routes!(usage::chat_usage))
        .routes(routes!(usage::usage_report))
        .merge(
            // Uploads are limited by `--upload-max-mb` as they stream,
            // not by the whole app's body limit.
            OpenApiRouter::new()
                .routes(routes!(files::upload_files))
                .routes(routes!(remote_files::upload_remote_files))
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
}

/// The admin routes, to merge into the app's router.
pub fn router() -> axum::Router<AppState> {
    documented().split_for_parts().0
}

/// The OpenAPI document of every `/admin/*` route (built once).
pub fn openapi() -> &'static OpenApi {
    static DOC: OnceLock<OpenApi> = OnceLock::new();
    DOC.get_or_init(|| documented().into_openapi())
}
