//! Pushing a chat's branch: it lands on the stand-in, a second push
//! updates it, a non-fast-forward is refused unless forced, the default
//! branch never.

use std::path::Path;

use crate::common::http::{admin, call};
use crate::standin::{commit, sha};
use crate::{OWNER, REPO, Shipping};

pub async fn pushes_update_and_refuse_what_they_should(shipping: &Shipping) {
    let chat = shipping.chat().await;
    let worktree = Path::new(&chat.worktree);
    let branch = format!("pocketcode/{}", chat.chat_id);
    let remote_ref = format!("refs/heads/{branch}");
    let form = [
        ("repo", chat.repo.as_str()),
        ("chat_id", chat.chat_id.as_str()),
    ];

    let first = commit(worktree, "one.txt", "one\n");
    let (status, outcome) = call(&shipping.server, "push_chat", &form).await;
    assert_eq!(status, 200, "{outcome}");
    assert_eq!(outcome["branch"], branch.as_str());
    assert_eq!(outcome["commit"], first.as_str());
    assert_eq!(outcome["previous"], serde_json::Value::Null);
    assert_eq!(
        sha(&shipping.bare(), &remote_ref).as_deref(),
        Some(first.as_str())
    );
    // The changes listing's "unpushed" reads the remote-tracking branch.
    let tracking = format!("refs/remotes/origin/{branch}");
    assert_eq!(sha(worktree, &tracking).as_deref(), Some(first.as_str()));

    let second = commit(worktree, "two.txt", "two\n");
    let (status, outcome) = call(&shipping.server, "push_chat", &form).await;
    assert_eq!(status, 200, "{outcome}");
    assert_eq!(outcome["previous"], first.as_str());
    assert_eq!(outcome["forced"], false);
    assert_eq!(
        sha(&shipping.bare(), &remote_ref).as_deref(),
        Some(second.as_str())
    );
    let (status, outcome) = call(&shipping.server, "push_chat", &form).await;
    assert_eq!(
        (status, &outcome["up_to_date"]),
        (200, &true.into()),
        "{outcome}"
    );

    // Rewrite the chat's history: GitHub has a commit it no longer has.
    crate::common::git_fixture::git(worktree, &["commit", "-q", "--amend", "-m", "amended"]);
    let amended = sha(worktree, "HEAD").expect("HEAD");
    let (status, refused) = call(&shipping.server, "push_chat", &form).await;
    assert_eq!(status, 409, "{refused}");
    assert!(refused.to_string().contains("force"), "{refused}");
    assert_eq!(
        sha(&shipping.bare(), &remote_ref).as_deref(),
        Some(second.as_str())
    );
    let mut forced_form = form.to_vec();
    forced_form.push(("force", "true"));
    let (status, outcome) = call(&shipping.server, "push_chat", &forced_form).await;
    assert_eq!(status, 200, "{outcome}");
    assert_eq!(outcome["forced"], true);
    assert_eq!(
        sha(&shipping.bare(), &remote_ref).as_deref(),
        Some(amended.as_str())
    );

    // The default branch, by the server function and by /admin.
    let main_before = sha(&shipping.bare(), "refs/heads/main");
    let mut to_main = form.to_vec();
    to_main.extend([("branch", "main"), ("force", "true")]);
    let (status, refused) = call(&shipping.server, "push_chat", &to_main).await;
    assert_eq!(status, 400, "{refused}");
    assert!(refused.to_string().contains("default branch"), "{refused}");
    let path = format!("/admin/worktrees/{OWNER}/{REPO}/{}/push", chat.chat_id);
    let body = serde_json::json!({"branch": "main", "force": true});
    let (status, refused) = admin(&shipping.server, "POST", &path, Some(body)).await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(sha(&shipping.bare(), "refs/heads/main"), main_before);
}

pub async fn a_picked_branch_name_is_pushed_under_refs_heads(shipping: &Shipping) {
    let chat = shipping.chat().await;
    let worktree = Path::new(&chat.worktree);
    let head = commit(worktree, "named.txt", "named\n");
    let path = format!("/admin/worktrees/{OWNER}/{REPO}/{}/push", chat.chat_id);
    let body = serde_json::json!({"branch": "shipped/named-by-me"});
    let (status, outcome) = admin(&shipping.server, "POST", &path, Some(body)).await;
    assert_eq!(status, 200, "{outcome}");
    assert_eq!(outcome["branch"], "shipped/named-by-me");
    assert_eq!(
        sha(&shipping.bare(), "refs/heads/shipped/named-by-me").as_deref(),
        Some(head.as_str())
    );
    let default = format!("refs/heads/pocketcode/{}", chat.chat_id);
    assert_eq!(
        sha(&shipping.bare(), &default),
        None,
        "only the named branch"
    );

    // The Changes sheet reads the branch under its GitHub name from now on,
    // and a push that names no branch goes there again.
    let form = [
        ("repo", chat.repo.as_str()),
        ("chat_id", chat.chat_id.as_str()),
    ];
    let (status, changes) = call(&shipping.server, "get_changes", &form).await;
    assert_eq!(status, 200, "{changes}");
    assert_eq!(changes["branch"], default.trim_start_matches("refs/heads/"));
    assert_eq!(changes["remote_branch"], "shipped/named-by-me");
    assert_eq!(
        changes["pushed"],
        serde_json::json!({"ahead": 0, "behind": 0}),
        "pushed under the picked name: {changes}"
    );
    let next = commit(worktree, "named-again.txt", "again\n");
    let (status, changes) = call(&shipping.server, "get_changes", &form).await;
    assert_eq!(status, 200, "{changes}");
    assert_eq!(changes["pushed"]["ahead"], 1, "{changes}");
    let (status, outcome) = call(&shipping.server, "push_chat", &form).await;
    assert_eq!(status, 200, "{outcome}");
    assert_eq!(outcome["branch"], "shipped/named-by-me");
    assert_eq!(
        sha(&shipping.bare(), "refs/heads/shipped/named-by-me").as_deref(),
        Some(next.as_str())
    );
    assert_eq!(sha(&shipping.bare(), &default), None);
}
