//! Bad review requests: unknown and remote chats, paths not in the diff
//! or not allowed, lines out of range, empty and oversized comments,
//! unknown comments, an empty review sent. Each gets a 4xx whose message
//! names the problem, and the review is as it was.

use serde_json::json;

use crate::common::TestServer;
use crate::common::http::{NewChat, admin, call};
use crate::steps::{REPO, add, admin_path, call_chat, review, send};

/// Sending a review with no comment is refused.
pub async fn nothing_to_send(server: &TestServer, chat: &NewChat) {
    let (status, body) = send(server, chat).await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body.to_string().contains("no draft comments to send"),
        "{body}"
    );
    assert_eq!(review(server, chat).await, json!({"comments": []}));
}

pub async fn bad_requests_change_nothing(server: &TestServer, chat: &NewChat) {
    let before = review(server, chat).await;
    let long = "x".repeat(4001);
    #[rustfmt::skip]
    let comments: [(&str, &str, &str, &str, u16, &str); 14] = [
        ("README.md", "1", "", "hi", 400, "README.md is not in the chat's diff"),
        ("nothing.rs", "1", "", "hi", 400, "nothing.rs is not in the chat's diff"),
        ("../remote/src/lib.rs", "1", "", "hi", 400, "`.` and `..` are not allowed"),
        ("src/../src/lib.rs", "1", "", "hi", 400, "`.` and `..`"),
        ("/etc/passwd", "1", "", "hi", 400, "is absolute"),
        ("", "1", "", "hi", 400, "names no file"),
        ("src/lib.rs", "0", "", "hi", 400, "lines count from 1"),
        ("src/lib.rs", "3", "2", "hi", 400, "not before its start"),
        ("src/lib.rs", "9", "", "hi", 400, "line 9 of src/lib.rs is not in the chat's diff"),
        ("notes/todo.md", "1", "3", "hi", 400, "line 3 of notes/todo.md"),
        ("src/lib.rs", "1", "500", "hi", 400, "at most 200 lines"),
        ("src/lib.rs", "1", "", "  \n ", 400, "cannot be empty"),
        ("src/lib.rs", "1", "", &long, 400, "at most 4000 bytes"),
        ("src/lib.rs", "x", "", "hi", 400, "could not be read"),
    ];
    for (path, start, end, text, status, why) in comments {
        let (got, body) = add(server, chat, path, start, end, text).await;
        assert_eq!(got, status, "{path} {start}-{end}: {body}");
        assert!(
            body.to_string().contains(why),
            "{path} {start}-{end}: {body}"
        );
    }
    let id = before["comments"][0]["id"].to_string();
    let calls = [
        (
            "edit_review_comment",
            vec![("id", "12345"), ("text", "hi")],
            404,
            "no comment 12345",
        ),
        (
            "edit_review_comment",
            vec![("id", &id), ("text", "")],
            400,
            "cannot be empty",
        ),
        (
            "delete_review_comment",
            vec![("id", "12345")],
            404,
            "no comment 12345",
        ),
        (
            "delete_review_comment",
            vec![("id", "-1")],
            400,
            "could not be read",
        ),
    ];
    for (name, form, status, why) in calls {
        let (got, body) = call_chat(server, chat, name, &form).await;
        assert_eq!(got, status, "{name} {form:?}: {body}");
        assert!(body.to_string().contains(why), "{name} {form:?}: {body}");
    }
    // Chats that are not there, or not local.
    for (repo, chat_id, status, why) in [
        (REPO, "0000dead", 404, "0000dead"),
        ("local/nothing", chat.chat_id.as_str(), 404, ""),
        ("@somewhere", "ses_1", 400, "local chats only"),
        ("../x", chat.chat_id.as_str(), 400, ""),
    ] {
        let form = [("repo", repo), ("chat_id", chat_id)];
        for name in ["get_review", "get_review_diff", "send_review"] {
            let (got, body) = call(server, name, &form).await;
            assert_eq!(got, status, "{name} {repo} {chat_id}: {body}");
            assert!(
                body.to_string().contains(why),
                "{name} {repo} {chat_id}: {body}"
            );
        }
        let mut form = form.to_vec();
        form.extend([("path", "src/lib.rs"), ("start", "1"), ("text", "hi")]);
        let (got, body) = call(server, "add_review_comment", &form).await;
        assert_eq!(got, status, "add {repo} {chat_id}: {body}");
    }
    // The same through /admin.
    let comments = admin_path(chat, "/review/comments");
    for (method, path, body, status, why) in [
        (
            "PUT",
            format!("{comments}/abc"),
            Some(json!({"text": "hi"})),
            400,
            "not a comment id",
        ),
        (
            "DELETE",
            format!("{comments}/99"),
            None,
            404,
            "no comment 99",
        ),
        (
            "POST",
            comments.clone(),
            Some(json!({"path": "src/lib.rs", "start": 1, "text": "hi", "side": "old"})),
            422,
            "side",
        ),
        (
            "POST",
            comments.clone(),
            Some(json!({"path": "README.md", "start": 1, "text": "hi"})),
            400,
            "not in the chat's diff",
        ),
        (
            "GET",
            format!("/admin/worktrees/{REPO}/0000dead/review"),
            None,
            404,
            "0000dead",
        ),
    ] {
        let (got, answer) = admin(server, method, &path, body).await;
        assert_eq!(got, status, "{method} {path}: {answer}");
        assert!(
            answer.to_string().contains(why),
            "{method} {path}: {answer}"
        );
    }
    assert_eq!(review(server, chat).await, before, "nothing changed");
}
