//! The `/admin/*` API and the repo/chat server functions against bad input
//! (each gets a 4xx with a message and touches nothing), and the OpenAPI
//! document and docs page covering every admin route.

#[path = "admin_api/bad_inputs.rs"]
mod bad_inputs;
mod common;
#[path = "admin_api/github.rs"]
mod github;
#[path = "admin_api/openapi.rs"]
mod openapi;
#[path = "admin_api/orphans.rs"]
mod orphans;

use std::panic::AssertUnwindSafe;

use bad_inputs::bad_inputs_touch_nothing;
use common::git_fixture::Remote;
use common::{TempDir, TestServer};
use futures::FutureExt;
use github::{FakeGithub, github_listing};
use openapi::{docs_page_works_offline, openapi_covers_every_admin_route};
use orphans::orphans_are_found_and_killed;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_and_the_api_is_documented() {
    let fixtures = TempDir::new();
    let remote = Remote::create(fixtures.path(), "remote");
    let github = FakeGithub::start().await;
    let server = TestServer::start(&[
        "--github-token",
        "test-token",
        "--github-user",
        "octo",
        "--github-api",
        &github.url,
    ])
    .await;
    let outcome = AssertUnwindSafe(async {
        server.wait_ready().await;
        github_listing(&server, &github).await;
        bad_inputs_touch_nothing(&server, &remote, fixtures.path()).await;
        orphans_are_found_and_killed(&server, fixtures.path()).await;
        openapi_covers_every_admin_route(&server).await;
        docs_page_works_offline(&server).await;
    })
    .catch_unwind()
    .await;
    server.stop().await;
    github.server.abort();
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
