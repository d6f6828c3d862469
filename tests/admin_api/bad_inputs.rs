//! A table of bad requests across `/admin/*` and the repo/chat server
//! functions: each gets a 4xx with a message, and nothing on disk changes.

use serde_json::{Value, json};

use crate::common::TestServer;
use crate::common::git_fixture::{Remote, git, tree_snapshot};
use crate::common::http::{admin, call, decode};

/// One bad request and the status it must get.
enum Bad {
    Admin(&'static str, String, Option<Value>, u16),
    /// A JSON body sent as raw text with a content type (or none).
    Raw(&'static str, Option<&'static str>, &'static str, u16),
    Fn(&'static str, Vec<(&'static str, String)>, u16),
}

pub async fn bad_inputs_touch_nothing(
    server: &TestServer,
    remote: &Remote,
    fixtures: &std::path::Path,
) {
    let (status, _) = admin(
        server,
        "POST",
        "/admin/repos",
        Some(json!({"source": remote.url()})),
    )
    .await;
    assert_eq!(status, 201);
    let config = std::fs::read_to_string(
        server
            .data_dir
            .path()
            .join("repos/local__remote/.git/config"),
    )
    .expect("the clone's config");
    assert!(!config.contains("test-token"), "{config}");
    let (status, chat) = call(server, "new_chat", &[("repo", "local/remote")]).await;
    assert_eq!(status, 200, "{chat}");
    let chat_id = chat["worktree"]["chat_id"]
        .as_str()
        .expect("chat id")
        .to_owned();
    let url = remote.url();
    let huge = "x".repeat(5000);
    let a101 = "a".repeat(101);
    let s = |v: &str| v.to_owned();

    use Bad::{Admin, Fn, Raw};
    #[rustfmt::skip]
    let table = vec![
        // Clone sources.
        Admin("POST", s("/admin/repos"), Some(json!({"source": ""})), 400),
        Admin("POST", s("/admin/repos"), Some(json!({"source": "../etc"})), 400),
        Admin("POST", s("/admin/repos"), Some(json!({"source": "/etc/../tmp/x"})), 400),
        Admin("POST", s("/admin/repos"), Some(json!({"source": "-upload-pack=evil/x"})), 400),
        Admin("POST", s("/admin/repos"), Some(json!({"source": "relative/path/x"})), 400),
        Admin("POST", s("/admin/repos"), Some(json!({"source": "/nonexistent/dir/repo"})), 400),
        Admin("POST", s("/admin/repos"), Some(json!({"source": "file:///nonexistent.git"})), 400),
        Admin("POST", s("/admin/repos"), Some(json!({"source": fixtures.display().to_string()})), 400),
        Admin("POST", s("/admin/repos"), Some(json!({"source": "http://example.com/a/b.git"})), 400),
        Admin("POST", s("/admin/repos"), Some(json!({"source": "ssh://git@example.com/a/b"})), 400),
        Admin("POST", s("/admin/repos"), Some(json!({"source": "git@github.com:a/b.git"})), 400),
        Admin("POST", s("/admin/repos"), Some(json!({"source": "https://user:pw@example.com/a/b.git"})), 400),
        Admin("POST", s("/admin/repos"), Some(json!({"source": huge})), 400),
        Admin("POST", s("/admin/repos"), Some(json!({"source": "a/b\u{0}c"})), 400),
        // Names given to a clone.
        Admin("POST", s("/admin/repos"), Some(json!({"source": url, "name": "../evil"})), 400),
        Admin("POST", s("/admin/repos"), Some(json!({"source": url, "name": "a/b/c"})), 400),
        Admin("POST", s("/admin/repos"), Some(json!({"source": url, "name": "-x/y"})), 400),
        Admin("POST", s("/admin/repos"), Some(json!({"source": url, "name": "/abs/x"})), 400),
        Admin("POST", s("/admin/repos"), Some(json!({"source": url, "name": "a__b/c"})), 400),
        Admin("POST", s("/admin/repos"), Some(json!({"source": url, "name": format!("x/{a101}")})), 400),
        // Malformed bodies.
        Admin("POST", s("/admin/repos"), Some(json!({"source": 42})), 422),
        Admin("POST", s("/admin/repos"), Some(json!({})), 422),
        Admin("POST", s("/admin/repos"), Some(json!({"source": url, "extra": 1})), 422),
        Raw("/admin/repos", Some("application/json"), "not json", 400),
        Raw("/admin/repos", None, r#"{"source":"x/y"}"#, 415),
        // Repo paths.
        Admin("GET", s("/admin/repos/local/nope"), None, 404),
        Admin("GET", s("/admin/repos/-x/y"), None, 400),
        Admin("GET", s("/admin/repos/..%2F..%2Fetc/passwd"), None, 400),
        Admin("GET", s("/admin/repos/local/.hidden"), None, 400),
        Admin("GET", format!("/admin/repos/{a101}/x"), None, 400),
        Admin("DELETE", s("/admin/repos/local/nope"), None, 404),
        Admin("DELETE", s("/admin/repos/local/remote"), None, 409),
        Admin("DELETE", s("/admin/repos/local/remote?force=maybe"), None, 400),
        Admin("DELETE", s("/admin/repos/a__b/c"), None, 400),
        Admin("DELETE", s("/admin/repos/%2Fetc/passwd"), None, 400),
        // Worktree paths.
        Admin("GET", s("/admin/worktrees/local/remote/zzzzzzzz"), None, 404),
        Admin("GET", s("/admin/worktrees/local/remote/UPPER"), None, 400),
        Admin("GET", s("/admin/worktrees/local/remote/..%2F.."), None, 400),
        Admin("GET", format!("/admin/worktrees/local/remote/{}", "a".repeat(33)), None, 400),
        Admin("GET", s("/admin/worktrees/local/nope/abcdefgh/diff"), None, 404),
        Admin("GET", s("/admin/worktrees/x/y/%20abcd/diff"), None, 400),
        Admin("DELETE", s("/admin/worktrees/local/remote/unknownid1"), None, 404),
        Admin("DELETE", s("/admin/worktrees/local/remote/-rf"), None, 400),
        Admin("DELETE", format!("/admin/worktrees/local/remote/{chat_id}?force=notabool"), None, 400),
        Admin("DELETE", format!("/admin/worktrees/local/remote/{chat_id}?recursive=1"), None, 400),
        Admin("DELETE", format!("/admin/worktrees/..%2Flocal/remote/{chat_id}"), None, 400),
        // Garbage collection options.
        Admin("POST", s("/admin/gc?max_age_seconds=-1"), None, 400),
        Admin("POST", s("/admin/gc?max_age_seconds=99999999999999"), None, 400),
        Admin("POST", s("/admin/gc?dry_run=nope"), None, 400),
        Admin("POST", s("/admin/gc?unknown=1"), None, 400),
        // Server functions.
        Fn("add_repo", vec![("source", s("../x"))], 400),
        Fn("add_repo", vec![("source", s("/nonexistent/x"))], 400),
        Fn("add_repo", vec![("source", huge.clone())], 400),
        Fn("new_chat", vec![("repo", s(""))], 400),
        Fn("new_chat", vec![("repo", s("--upload-pack=x"))], 400),
        Fn("new_chat", vec![("repo", s("/etc/passwd/.."))], 400),
        Fn("delete_chat", vec![("repo", s("local/remote")), ("chat_id", s("../../x"))], 400),
        Fn("delete_chat", vec![("repo", s("../x")), ("chat_id", s("abcdef"))], 400),
        Fn("delete_chat", vec![("repo", s("local/remote")), ("chat_id", s("unknown1"))], 404),
        Fn("delete_chat", vec![("repo", huge.clone()), ("chat_id", chat_id.clone())], 400),
        Fn("diff_stat", vec![("repo", s("local/remote")), ("chat_id", s("abc/def"))], 400),
        Fn("diff_stat", vec![("repo", s("local/remote")), ("chat_id", s("nochat12"))], 404),
        Fn("diff_stat", vec![("repo", s("local")), ("chat_id", chat_id.clone())], 400),
    ];
    assert!(table.len() >= 40, "{} cases", table.len());

    let data = server.data_dir.path();
    let clone = data.join("repos/local__remote");
    let before = (
        tree_snapshot(&data.join("repos")),
        tree_snapshot(&data.join("worktrees")),
        git(&clone, &["branch", "--list"]),
        tree_snapshot(fixtures),
    );
    for (index, case) in table.into_iter().enumerate() {
        let (what, expected, (status, body)) = match case {
            Admin(method, path, body, expected) => {
                let what = format!("{method} {}", shorten(&path));
                (what, expected, admin(server, method, &path, body).await)
            }
            Raw(path, content_type, body, expected) => {
                let mut request = server.http.post(server.url(path)).body(body);
                if let Some(content_type) = content_type {
                    request = request.header("content-type", content_type);
                }
                let answer = decode(request.send().await.expect("raw request")).await;
                (format!("POST {path} {body:?}"), expected, answer)
            }
            Fn(name, form, expected) => {
                let what = format!(
                    "{name} {:?}",
                    form.iter()
                        .map(|(k, v)| (k, shorten(v)))
                        .collect::<Vec<_>>()
                );
                let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                (what, expected, call(server, name, &form).await)
            }
        };
        assert_eq!(status, expected, "case {index}: {what} → {body}");
        let message = body["error"]
            .as_str()
            .or_else(|| {
                body.as_object()
                    .and_then(|o| o.values().next())
                    .and_then(Value::as_str)
            })
            .unwrap_or_default();
        assert!(
            !message.is_empty(),
            "case {index}: {what}: no message in {body}"
        );
        assert!(
            message.len() < 1000,
            "case {index}: {what}: message too long"
        );
    }
    let after = (
        tree_snapshot(&data.join("repos")),
        tree_snapshot(&data.join("worktrees")),
        git(&clone, &["branch", "--list"]),
        tree_snapshot(fixtures),
    );
    assert_eq!(before, after, "bad requests changed something");
    let (status, still) = admin(
        server,
        "GET",
        &format!("/admin/worktrees/local/remote/{chat_id}"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{still}");
    assert!(
        still["chat"]["session_id"].is_string(),
        "the session survived: {still}"
    );
}

fn shorten(text: &str) -> String {
    text.chars().take(80).collect()
}
