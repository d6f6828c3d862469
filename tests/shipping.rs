//! Shipping a chat's work without leaving pocketcode, on real repositories
//! and a real opencode: its changes listed, committed (all or picked
//! files, as the configured author), merged into the default branch
//! locally (fast-forward, merge commit, conflicts refused), and bad
//! requests refused with nothing changed.

#[path = "shipping/bad_inputs.rs"]
mod bad_inputs;
#[path = "shipping/commit.rs"]
mod commit;
mod common;
#[path = "shipping/merge.rs"]
mod merge;
#[path = "shipping/message.rs"]
mod message;
#[path = "shipping/steps.rs"]
mod steps;

use std::panic::AssertUnwindSafe;

use common::git_fixture::Remote;
use common::http::clone_repo;
use common::{TempDir, TestServer};
use futures::FutureExt;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chats_commit_and_merge_locally() {
    let fixtures = TempDir::new();
    let remote = Remote::create(fixtures.path(), "remote");
    // The repo's own opencode config: set aside in its (untrusted) chats,
    // and never a change of theirs.
    remote.push_file("opencode.json", "{}\n");
    let server = TestServer::start(&[
        "--git-author-name",
        "Pocket Tester",
        "--git-author-email",
        "tester@example.com",
    ])
    .await;
    let outcome = AssertUnwindSafe(async {
        server.wait_ready().await;
        clone_repo(&server, &remote.url()).await;
        message::the_agent_writes_the_message_aside(&server).await;
        let first = commit::changes_listed_and_committed(&server).await;
        merge::fast_forward_then_merge_commit(&server, &first).await;
        merge::conflicts_are_refused_untouched(&server).await;
        bad_inputs::refused_and_nothing_changed(&server).await;
    })
    .catch_unwind()
    .await;
    server.stop().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
