//! Context and cost over plain HTTP, with a real opencode and the scripted
//! model: before its first answer a chat shows the default model's window
//! with nothing used; after each prompt its context is what the model
//! reported for the latest turn, its totals what it reported for every
//! model call, against the window the scripted provider is configured with; the
//! resources page's report adds the same up per chat and per UTC day;
//! `/admin/*` answers the same; an unknown chat, a bad name and a chat
//! whose session is gone are 4xx with a message.

mod common;

use common::TestServer;
use common::browser_chat::{chat_form, prompt_until};
use common::git_fixture::Remote;
use common::http::{NewChat, admin, call};
use pocketcode::model::usage::DAY_MS;
use pocketcode::server::scripted_model::{CONTEXT_WINDOW, ReportedUsage};
use serde_json::Value;

/// What the scripted model's plain reply says after echoing the prompt.
const REPLIED: &str = "This is the scripted model";

/// The chat's model calls the scripted model answered (not opencode's
/// side jobs).
fn calls(server: &TestServer) -> Vec<ReportedUsage> {
    let pocketcode = server.pocketcode.as_ref().expect("running");
    let model = pocketcode.scripted_model().expect("the scripted model");
    model
        .reported_usage()
        .into_iter()
        .filter(|u| !u.side_job)
        .collect()
}

/// The chat's usage once it counts `calls` model calls (opencode records
/// a call's tokens when its step finishes, just after its text).
async fn usage_after(server: &TestServer, chat: &NewChat, calls: u64) -> Value {
    let usage = || async {
        let (status, body) = call(server, "chat_usage", &chat_form(chat)).await;
        assert_eq!(status, 200, "{body}");
        body
    };
    common::eventually(&format!("{calls} model call(s) counted"), || async {
        usage().await["totals"]["model_calls"].as_u64() == Some(calls)
    })
    .await;
    usage().await
}

fn sum(calls: &[ReportedUsage], field: fn(&ReportedUsage) -> u64) -> u64 {
    calls.iter().map(field).sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chats_usage_is_what_the_model_reported_against_its_window() {
    let started_ms = now_ms();
    let server = TestServer::start(&[]).await;
    server.wait_ready().await;
    let fixtures = common::TempDir::new();
    let remote = Remote::create(fixtures.path(), "remote");
    let chat = NewChat::make(&server, &remote.url()).await;

    let (status, before) = call(&server, "chat_usage", &chat_form(&chat)).await;
    assert_eq!(status, 200, "{before}");
    assert_eq!(before["session_id"], chat.session.as_str());
    assert_eq!(before["model"], "scripted/scripted-model", "{before}");
    assert_eq!(before["context_window"], CONTEXT_WINDOW, "{before}");
    assert_eq!(before["context_tokens"], 0, "{before}");
    assert_eq!(before["totals"]["model_calls"], 0, "{before}");

    prompt_until(&server, &chat, "how full is the context?", REPLIED).await;
    let first = usage_after(&server, &chat, 1).await;
    let reported = calls(&server);
    assert_eq!(reported.len(), 1, "one model call: {reported:?}");
    let latest = reported[0];
    assert!(latest.prompt_tokens > 0 && latest.completion_tokens > 0);
    assert_eq!(
        first["context_tokens"],
        latest.prompt_tokens + latest.completion_tokens,
        "{first}"
    );
    assert_eq!(first["context_window"], CONTEXT_WINDOW);

    // The second turn carries the first: the context grows, the totals add.
    prompt_until(&server, &chat, "and now?", "and now?").await;
    let second = usage_after(&server, &chat, 2).await;
    let reported = calls(&server);
    assert_eq!(reported.len(), 2, "{reported:?}");
    let latest = reported[1];
    assert_eq!(
        second["context_tokens"],
        latest.prompt_tokens + latest.completion_tokens,
        "{second}"
    );
    assert!(second["context_tokens"].as_u64() > first["context_tokens"].as_u64());
    let tokens = &second["totals"]["tokens"];
    assert_eq!(tokens["input"], sum(&reported, |u| u.prompt_tokens));
    assert_eq!(tokens["output"], sum(&reported, |u| u.completion_tokens));
    assert_eq!(tokens["reasoning"], 0);
    // The scripted provider has no prices.
    assert_eq!(second["totals"]["cost"], 0.0);

    // Opening the chat brings the same, so the page asks for it no more.
    let (status, opened) = call(&server, "open_chat", &chat_form(&chat)).await;
    assert_eq!(status, 200, "{opened}");
    assert_eq!(opened["usage"], second);

    let (status, by_admin) = admin(&server, "GET", &admin_path(&chat), None).await;
    assert_eq!(status, 200, "{by_admin}");
    assert_eq!(by_admin, second);

    report_adds_up_per_chat_and_per_day(&server, &chat, &second, started_ms).await;
    bad_chats_are_refused_with_a_message(&server, &chat).await;
    server.stop().await;
}

async fn report_adds_up_per_chat_and_per_day(
    server: &TestServer,
    chat: &NewChat,
    usage: &Value,
    started_ms: u64,
) {
    // A chat that has not answered is not listed.
    let fixtures = common::TempDir::new();
    let remote = Remote::create(fixtures.path(), "quiet");
    let quiet = NewChat::make(server, &remote.url()).await;
    let (status, report) = call(server, "usage_report", &[]).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["chats_failed"], 0, "{report}");
    let chats = report["chats"].as_array().cloned().unwrap_or_default();
    let rows: Vec<&str> = chats.iter().filter_map(|c| c["chat_id"].as_str()).collect();
    assert_eq!(rows, [chat.chat_id.as_str()], "{report}");
    assert!(!rows.contains(&quiet.chat_id.as_str()));
    assert_eq!(chats[0]["repo"], chat.repo.as_str());
    assert_eq!(chats[0]["totals"], usage["totals"], "{report}");
    assert_eq!(report["totals"], usage["totals"], "{report}");

    // Each turn on its UTC day (two, if the test ran over midnight).
    let days = report["days"].as_array().cloned().unwrap_or_default();
    let first_day = started_ms / DAY_MS * DAY_MS;
    let mut calls = 0;
    let mut input = 0;
    for day in &days {
        let start = day["day_start"].as_u64().expect("day_start");
        assert!(
            start % DAY_MS == 0 && start >= first_day && start <= now_ms(),
            "{day}"
        );
        calls += day["totals"]["model_calls"].as_u64().unwrap_or_default();
        input += day["totals"]["tokens"]["input"]
            .as_u64()
            .unwrap_or_default();
    }
    assert!((1..=2).contains(&days.len()), "{report}");
    assert_eq!(calls, 2, "{report}");
    assert_eq!(Some(input), usage["totals"]["tokens"]["input"].as_u64());

    let (status, by_admin) = admin(server, "GET", "/admin/usage", None).await;
    assert_eq!(status, 200, "{by_admin}");
    assert_eq!(by_admin, report);
}

async fn bad_chats_are_refused_with_a_message(server: &TestServer, chat: &NewChat) {
    let unknown = [("repo", chat.repo.as_str()), ("chat_id", "nochat12")];
    let (status, body) = call(server, "chat_usage", &unknown).await;
    assert_eq!(status, 404, "{body}");
    assert!(body.to_string().contains("no chat nochat12"), "{body}");
    let bad = [("repo", chat.repo.as_str()), ("chat_id", "../x")];
    let (status, body) = call(server, "chat_usage", &bad).await;
    assert_eq!(status, 400, "{body}");
    let path = format!("/admin/worktrees/{}/nochat12/usage", chat.repo);
    let (status, body) = admin(server, "GET", &path, None).await;
    assert_eq!(status, 404, "{body}");
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.contains("no chat"))
    );

    // The session deleted behind pocketcode's back: the worktree is left.
    let deleted = server
        .http
        .delete(server.url(&format!("/session/{}", chat.session)))
        .header("x-opencode-directory", &chat.worktree)
        .send()
        .await
        .expect("delete the session");
    assert!(deleted.status().is_success(), "{}", deleted.status());
    let (status, body) = call(server, "chat_usage", &chat_form(chat)).await;
    assert_eq!(status, 404, "{body}");
    assert!(
        body.to_string().contains("has no opencode session"),
        "{body}"
    );
}

fn admin_path(chat: &NewChat) -> String {
    format!("/admin/worktrees/{}/{}/usage", chat.repo, chat.chat_id)
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or_default()
}
