//! What the idle-chat reaper must never take: a chat whose agent waits
//! for a permission, a chat whose agent works, a chat a tab shows. An idle
//! chat next to them shows the reaper runs meanwhile.

use std::time::Duration;

use crate::common::TempDir;
use crate::common::browser_chat::{chat_form, prompt_until};
use crate::common::git_fixture::Remote;
use crate::common::http::{NewChat, call};
use crate::idle::{start, statuses, until};
use crate::opencode_tree::Disposals;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn chats_that_work_wait_or_are_shown_keep_their_instance() {
    let _alone = crate::ONE_AT_A_TIME.lock().await;
    let server = start().await;
    let upstream = server.wait_ready().await;
    let disposals = Disposals::watch(&upstream).await;
    let fixtures = TempDir::new();
    let remote = Remote::create(fixtures.path(), "remote");
    let mut chats = Vec::new();
    for _ in 0..4 {
        chats.push(NewChat::make(&server, &remote.url()).await);
    }
    let [idle, asking, working, shown] = &chats[..] else {
        unreachable!()
    };
    // A tab shows this one from the start.
    let beacon = {
        let server_http = server.http.clone();
        let url = server.url("/pocket/fn/chat_shown");
        let form: Vec<(String, String)> = chat_form(shown)
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        tokio::spawn(async move {
            loop {
                let response = server_http
                    .post(&url)
                    .form(&form)
                    .send()
                    .await
                    .expect("beacon");
                // A beacon that fails shows in the shown chat's instance
                // being disposed, which the test checks; this loop must not
                // outlive a failed test with panics of its own.
                if response.status() != 200 {
                    eprintln!("the beacon answered {}", response.status());
                    break;
                }
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        })
    };

    prompt_until(&server, idle, "Please repeat idle", "You said").await;
    prompt_until(&server, shown, "Please repeat shown", "You said").await;
    let send = async |chat: &NewChat, text: &str| {
        let mut form = chat.form().to_vec();
        form.push(("text", text));
        let (status, body) = call(&server, "send_prompt", &form).await;
        assert_eq!(status, 200, "{body}");
    };
    send(asking, "Run it [scenario:permission]").await;
    send(working, "[scenario:slow chunks=400 ms=250]").await;
    // Watched from the sidebar's summaries only: asking the chats
    // themselves would be a need.
    until(
        "the permission asked and the slow turn running",
        async || {
            let live = statuses(&server).await;
            live.get(&asking.session).map(String::as_str) == Some("waiting_permission")
                && live.get(&working.session).map(String::as_str) == Some("busy")
        },
    )
    .await;
    // Made and prompted a while ago: the chats may have gone and come
    // back meanwhile; from now on the three must stay.
    let protected = [("asking", asking), ("working", working), ("shown", shown)];
    let before = protected.map(|(_, chat)| disposals.of(&chat.worktree));
    until("the idle chat's instance disposed", async || {
        disposals.of(&idle.worktree) >= 1
    })
    .await;
    // Well past the idle time again: still nothing else went.
    let idle_secs: u64 = crate::idle::IDLE_SECS.parse().expect("secs");
    tokio::time::sleep(Duration::from_secs(2 * idle_secs + 2)).await;
    let alive = crate::idle::book_alive(&server);
    let mut wrong = Vec::new();
    for ((what, chat), before) in protected.iter().zip(before) {
        if disposals.of(&chat.worktree) != before {
            wrong.push(format!("the {what} chat's instance was disposed"));
        }
        if !alive.contains(&std::path::PathBuf::from(&chat.worktree)) {
            wrong.push(format!("the {what} chat's instance is not loaded"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert!(!alive.contains(&std::path::PathBuf::from(&idle.worktree)));
    let live = statuses(&server).await;
    assert_eq!(live.get(&working.session).map(String::as_str), Some("busy"));
    beacon.abort();

    // The beacon checks what it is told.
    let (status, body) = call(
        &server,
        "chat_shown",
        &[("repo", "no/such"), ("chat_id", "abcdef")],
    )
    .await;
    assert_eq!(status, 404, "{body}");
    let (status, body) = call(
        &server,
        "chat_shown",
        &[("repo", "../x"), ("chat_id", "abcdef")],
    )
    .await;
    assert_eq!(status, 400, "{body}");

    disposals.stop();
    server.stop().await;
}
