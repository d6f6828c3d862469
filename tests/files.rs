//! A chat's files through pocketcode, on a real repo and a real opencode:
//! folders listed with git status and sizes, files read as text, a file
//! and folders downloaded (the zips' contents checked), files uploaded;
//! and bad requests (bad paths and names, links the agent planted that
//! lead out of the worktree, unknown chats and remotes, uploads over
//! `--upload-max-mb`) refused with a 4xx and nothing written.

mod common;
#[path = "files/refused.rs"]
mod refused;
#[path = "files/steps.rs"]
mod steps;
#[path = "files/transfer.rs"]
mod transfer;

use std::panic::AssertUnwindSafe;

use common::git_fixture::Remote;
use common::http::{NewChat, clone_repo};
use common::{TempDir, TestServer};
use futures::FutureExt;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chats_files_are_browsed_downloaded_and_uploaded() {
    let fixtures = TempDir::new();
    let remote = Remote::create(fixtures.path(), "remote");
    let server = TestServer::start(&["--upload-max-mb", "1"]).await;
    let outcome = AssertUnwindSafe(async {
        server.wait_ready().await;
        clone_repo(&server, &remote.url()).await;
        let chat = NewChat::make(&server, steps::REPO).await;
        steps::seed(&chat);
        transfer::listed_and_read(&server, &chat).await;
        transfer::downloaded(&server, &chat).await;
        transfer::uploaded(&server, &chat).await;
        refused::bad_requests_write_nothing(&server, &chat, fixtures.path()).await;
    })
    .catch_unwind()
    .await;
    server.stop().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
