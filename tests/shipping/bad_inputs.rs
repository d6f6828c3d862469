//! Bad requests to the shipping server functions and `/admin` routes: each
//! gets a 4xx whose message names the problem, and nothing changes (refs,
//! the chat's files and index, the main clone).

use serde_json::{Value, json};

use crate::common::TestServer;
use crate::common::http::{NewChat, admin, call};
use crate::merge::snapshot;
use crate::steps::{REPO, clone_dir, commit, merge, worktree, write};

enum Bad {
    /// A server function: name, form, status, what the message must say.
    Fn(&'static str, Vec<(&'static str, String)>, u16, &'static str),
    /// `/admin` on `path`, with a JSON body for POSTs.
    Admin(&'static str, String, Option<Value>, u16, &'static str),
}

pub async fn refused_and_nothing_changed(server: &TestServer) {
    let clean = NewChat::make(server, REPO).await;
    let dirty = NewChat::make(server, REPO).await;
    write(&worktree(&dirty), "work.txt", "unsaved work\n");
    let (c, d) = (clean.chat_id.clone(), dirty.chat_id.clone());
    let s = |v: &str| v.to_owned();
    let chat = |id: &str| vec![("repo", s(REPO)), ("chat_id", s(id))];
    let with = |id: &str, more: &[(&'static str, &str)]| {
        let mut form = chat(id);
        form.extend(more.iter().map(|(k, v)| (*k, s(v))));
        form
    };
    let huge = "x".repeat(10_001);
    let base = format!("/admin/worktrees/{REPO}");
    use Bad::{Admin, Fn};
    #[rustfmt::skip]
    let table = vec![
        Fn("get_changes", chat("nochat12"), 404, "no chat nochat12"),
        Fn("get_changes", vec![("repo", s("../etc")), ("chat_id", c.clone())], 400, "invalid owner \\\"..\\\""),
        Fn("get_changes", chat("../../x"), 400, "../../x"),
        Fn("commit_chat", with(&d, &[("message", "m"), ("paths[0]", "../work.txt")]), 400, "must not contain .."),
        Fn("commit_chat", with(&d, &[("message", "m"), ("paths[0]", "/etc/passwd")]), 400, "must be relative"),
        Fn("commit_chat", with(&d, &[("message", "m"), ("paths[0]", "README.md")]), 400, "\\\"README.md\\\" is not one of the chat's changed files"),
        Fn("commit_chat", with(&d, &[("message", "m"), ("paths[0]", "opencode.json")]), 400, "not one of the chat's changed files"),
        Fn("commit_chat", with(&d, &[("message", "m"), ("paths[0]", "work.txt"), ("paths[1]", "a\u{7}b")]), 400, "control characters"),
        Fn("commit_chat", with(&d, &[("message", "   ")]), 400, "the commit message is empty"),
        Fn("commit_chat", with(&d, &[("message", &huge)]), 400, "too long"),
        Fn("commit_chat", with(&c, &[("message", "nothing")]), 409, "nothing to commit"),
        Fn("commit_chat", with("nochat12", &[("message", "m")]), 404, "no chat"),
        Fn("merge_chat", with(&c, &[("mode", "rebase")]), 400, "unknown merge mode \\\"rebase\\\""),
        Fn("merge_chat", chat(&d), 409, "commit first"),
        Fn("merge_chat", chat(&c), 409, "nothing to merge"),
        Fn("merge_chat", chat("nochat12"), 404, "no chat"),
        Admin("GET", format!("{base}/nochat12/changes"), None, 404, "no chat nochat12"),
        Admin("GET", s("/admin/worktrees/local/remote/UPPER/changes"), None, 400, "UPPER"),
        Admin("POST", format!("{base}/{d}/commit"), Some(json!({"msg": "x"})), 422, "unknown field"),
        Admin("POST", format!("{base}/{d}/commit"), Some(json!({"message": ""})), 400, "the commit message is empty"),
        Admin("POST", format!("{base}/{d}/commit"), Some(json!({"message": "m", "paths": []})), 400, "no files picked"),
        Admin("POST", format!("{base}/{d}/commit"), Some(json!({"message": "m", "paths": ["src/../work.txt"]})), 400, ".."),
        Admin("POST", format!("{base}/{d}/merge"), Some(json!({"mode": "rebase"})), 422, "unknown variant"),
        Admin("POST", format!("{base}/{d}/merge"), Some(json!({})), 409, "commit first"),
        Admin("POST", format!("{base}/nochat12/merge"), Some(json!({})), 404, "no chat"),
    ];
    assert!(table.len() >= 20, "{} cases", table.len());

    let before = (snapshot(server, &clean), snapshot(server, &dirty));
    for (index, case) in table.into_iter().enumerate() {
        let (what, expected, needle, (status, body)) = match case {
            Fn(name, form, expected, needle) => {
                let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let what = format!("{name} {:?}", shorten(&format!("{pairs:?}")));
                (what, expected, needle, call(server, name, &pairs).await)
            }
            Admin(method, path, body, expected, needle) => {
                let what = format!("{method} {path}");
                (
                    what,
                    expected,
                    needle,
                    admin(server, method, &path, body).await,
                )
            }
        };
        assert_eq!(status, expected, "case {index}: {what}: {body}");
        assert!(
            body.to_string().contains(needle),
            "case {index}: {what}: {body} lacks {needle:?}"
        );
    }
    assert_eq!(
        (snapshot(server, &clean), snapshot(server, &dirty)),
        before,
        "nothing changed"
    );
    main_clone_changes_are_never_clobbered(server, &dirty).await;
}

/// A merge into a main clone with local changes is refused and they stay.
async fn main_clone_changes_are_never_clobbered(server: &TestServer, chat: &NewChat) {
    let (code, committed) = commit(server, chat, "Work", &[]).await;
    assert_eq!(code, 200, "{committed}");
    let clone = clone_dir(server);
    write(&clone, "README.md", "edited by hand in the main clone\n");
    let before = snapshot(server, chat);
    let (code, refused) = merge(server, chat, "").await;
    assert_eq!(code, 409, "{refused}");
    assert!(
        refused.to_string().contains("has local changes"),
        "{refused}"
    );
    assert_eq!(snapshot(server, chat), before, "nothing changed");
    assert_eq!(
        std::fs::read_to_string(clone.join("README.md")).expect("readme"),
        "edited by hand in the main clone\n"
    );
}

fn shorten(text: &str) -> String {
    text.chars().take(120).collect()
}
