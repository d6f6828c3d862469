//! Bad requests to push and pull requests: each gets a 4xx naming the
//! problem, and neither the stand-in's repo nor the chat changes.

use std::path::Path;

use serde_json::json;

use crate::common::TempDir;
use crate::common::git_fixture::Remote;
use crate::common::http::{NewChat, admin, call};
use crate::standin::{commit, refs, sha};
use crate::{OWNER, REPO, Shipping};

/// A server function, its form, the status it must answer and what its
/// message must say.
type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, u16, &'a str);

pub async fn bad_inputs_get_4xx_and_change_nothing(shipping: &Shipping) {
    let chat = shipping.chat().await;
    let worktree = Path::new(&chat.worktree);
    commit(worktree, "bad.txt", "bad\n");
    let local_fixture = TempDir::new();
    let local = Remote::create(local_fixture.path(), "plain");
    let local_chat = NewChat::make(&shipping.server, &local.url()).await;
    let before = refs(&shipping.bare());
    let chat_head = sha(worktree, "HEAD");
    let (repo, id) = (chat.repo.as_str(), chat.chat_id.as_str());
    let cases: Vec<Case> = vec![
        (
            "push_chat",
            vec![("repo", repo), ("chat_id", "zzzz9999")],
            404,
            "no chat",
        ),
        (
            "push_chat",
            vec![("repo", repo), ("chat_id", "../x")],
            400,
            "chat id",
        ),
        (
            "push_chat",
            vec![("repo", "octo/../x"), ("chat_id", id)],
            400,
            "invalid",
        ),
        (
            "push_chat",
            vec![("repo", repo), ("chat_id", id), ("branch", "main")],
            400,
            "default branch",
        ),
        (
            "push_chat",
            vec![("repo", repo), ("chat_id", id), ("branch", "../x")],
            400,
            "branch",
        ),
        (
            "push_chat",
            vec![("repo", repo), ("chat_id", id), ("branch", "refs/tags/x")],
            400,
            "not a ref",
        ),
        (
            "push_chat",
            vec![("repo", repo), ("chat_id", id), ("branch", "-f")],
            400,
            "branch",
        ),
        (
            "push_chat",
            vec![("repo", repo), ("chat_id", id), ("branch", "a b")],
            400,
            "branch",
        ),
        (
            "merge_pull_request",
            vec![("repo", repo), ("chat_id", id), ("method", "octopus")],
            400,
            "merge method",
        ),
        (
            "merge_pull_request",
            vec![("repo", repo), ("chat_id", id), ("method", "merge")],
            404,
            "no open pull request",
        ),
        (
            "close_pull_request",
            vec![("repo", repo), ("chat_id", id)],
            404,
            "no open pull request",
        ),
        (
            "open_pull_request",
            vec![("repo", repo), ("chat_id", id), ("title", "  ")],
            400,
            "title",
        ),
        (
            "open_pull_request",
            vec![("repo", repo), ("chat_id", id), ("title", "a\nb")],
            400,
            "title",
        ),
        (
            "push_chat",
            vec![("repo", &local_chat.repo), ("chat_id", &local_chat.chat_id)],
            409,
            "no GitHub remote: merge locally",
        ),
        (
            "open_pull_request",
            vec![
                ("repo", &local_chat.repo),
                ("chat_id", &local_chat.chat_id),
                ("title", "t"),
            ],
            409,
            "no GitHub remote",
        ),
        (
            "get_pull_request",
            vec![("repo", &local_chat.repo), ("chat_id", &local_chat.chat_id)],
            409,
            "no GitHub remote",
        ),
    ];
    for (function, form, status, says) in &cases {
        let (got, body) = call(&shipping.server, function, form).await;
        assert_eq!(got, *status, "{function} {form:?}: {body}");
        assert!(
            body.to_string().contains(says),
            "{function} {form:?} should say {says:?}: {body}"
        );
    }
    let long_body = "x".repeat(pocketcode::api::MAX_PULL_BODY_CHARS + 1);
    let form = [
        ("repo", repo),
        ("chat_id", id),
        ("title", "t"),
        ("body", long_body.as_str()),
    ];
    let (status, body) = call(&shipping.server, "open_pull_request", &form).await;
    assert_eq!(status, 400, "{body}");

    let base = format!("/admin/worktrees/{OWNER}/{REPO}/{id}");
    let admin_cases = [
        (
            "POST",
            format!("{base}/push"),
            Some(json!({"force": "yes"})),
            422,
        ),
        (
            "POST",
            format!("{base}/push"),
            Some(json!({"branch": "x", "remote": "evil"})),
            422,
        ),
        (
            "POST",
            format!("{base}/push"),
            Some(json!({"branch": "refs/heads/x"})),
            400,
        ),
        (
            "POST",
            format!("{base}/pull/merge"),
            Some(json!({"method": "fast-forward"})),
            422,
        ),
        (
            "POST",
            format!("{base}/pull"),
            Some(json!({"title": ""})),
            400,
        ),
        (
            "GET",
            format!("/admin/worktrees/{OWNER}/{REPO}/zzzz9999/pull"),
            None,
            404,
        ),
        (
            "GET",
            format!("/admin/worktrees/{OWNER}/..%2Fx/{id}/pull"),
            None,
            400,
        ),
        ("GET", format!("{base}/pull"), None, 404),
    ];
    for (method, path, body, status) in admin_cases {
        let (got, answer) = admin(&shipping.server, method, &path, body.clone()).await;
        assert_eq!(got, status, "{method} {path} {body:?}: {answer}");
        assert!(
            answer["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{answer}"
        );
    }
    assert_eq!(
        refs(&shipping.bare()),
        before,
        "the stand-in's repo changed"
    );
    assert_eq!(sha(worktree, "HEAD"), chat_head, "the chat changed");
}
