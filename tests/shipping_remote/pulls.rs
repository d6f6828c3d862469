//! A chat's pull request against the stand-in: open (pushing first), read
//! back in GitHub's shape with its checks, updated by a push, merged with a
//! method the repo allows (really merged in the bare repo), closed.

use std::path::Path;

use serde_json::json;

use crate::common::git_fixture::git;
use crate::common::http::{admin, call};
use crate::standin::{commit, sha};
use crate::{OWNER, REPO, Shipping};

pub async fn a_pull_request_opens_updates_and_merges(shipping: &Shipping) {
    shipping.standin.configure(
        OWNER,
        REPO,
        &json!({
            "allow_squash_merge": false,
            "check_runs": [
                {"name": "build", "status": "completed", "conclusion": "success"},
                {"name": "lint", "status": "completed", "conclusion": "failure"},
                {"name": "e2e", "status": "in_progress", "conclusion": null},
            ],
        }),
    );
    let chat = shipping.chat().await;
    let worktree = Path::new(&chat.worktree);
    let form = [
        ("repo", chat.repo.as_str()),
        ("chat_id", chat.chat_id.as_str()),
    ];
    let (status, none) = call(&shipping.server, "get_pull_request", &form).await;
    assert_eq!((status, &none), (200, &serde_json::Value::Null));

    let first = commit(worktree, "feature.txt", "a feature\n");
    let mut open = form.to_vec();
    open.extend([
        ("title", "Add a feature"),
        ("body", "Made on a phone."),
        ("draft", "false"),
    ]);
    let (status, pull) = call(&shipping.server, "open_pull_request", &open).await;
    assert_eq!(status, 200, "{pull}");
    let branch = format!("pocketcode/{}", chat.chat_id);
    assert_eq!(pull["state"], "open");
    assert_eq!(pull["title"], "Add a feature");
    assert_eq!(pull["body"], "Made on a phone.");
    assert_eq!(pull["draft"], false);
    assert_eq!(pull["head"], branch.as_str());
    assert_eq!(pull["base"], "main");
    assert_eq!(pull["head_sha"], first.as_str(), "opening pushed first");
    let number = pull["number"].as_u64().expect("number");
    assert!(
        pull["html_url"]
            .as_str()
            .is_some_and(|u| u.ends_with(&format!("/{OWNER}/{REPO}/pull/{number}"))),
        "{pull}"
    );
    assert_eq!(
        pull["checks"],
        json!({"total": 3, "passed": 1, "failed": 1, "pending": 1})
    );
    assert_eq!(pull["merge_methods"], json!(["merge", "rebase"]));

    // Opening again gives the same pull request, and a push updates it.
    let second = commit(worktree, "more.txt", "more\n");
    let (status, again) = call(&shipping.server, "open_pull_request", &open).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["number"], number);
    assert_eq!(again["head_sha"], second.as_str());
    let path = format!("/admin/worktrees/{OWNER}/{REPO}/{}/pull", chat.chat_id);
    let (status, read) = admin(&shipping.server, "GET", &path, None).await;
    assert_eq!((status, &read["number"]), (200, &json!(number)), "{read}");

    // Squash is not allowed here: refused, nothing merged.
    let main_before = sha(&shipping.bare(), "refs/heads/main").expect("main");
    let mut squash = form.to_vec();
    squash.push(("method", "squash"));
    let (status, refused) = call(&shipping.server, "merge_pull_request", &squash).await;
    assert_eq!(status, 409, "{refused}");
    assert!(
        refused.to_string().contains("allows: merge, rebase"),
        "{refused}"
    );
    assert_eq!(
        sha(&shipping.bare(), "refs/heads/main").as_deref(),
        Some(main_before.as_str())
    );

    let mut merge = form.to_vec();
    merge.push(("method", "merge"));
    let (status, merged) = call(&shipping.server, "merge_pull_request", &merge).await;
    assert_eq!(status, 200, "{merged}");
    assert_eq!(merged["state"], "merged");
    let bare = shipping.bare();
    let main = sha(&bare, "refs/heads/main").expect("main");
    assert_ne!(main, main_before);
    git(
        &bare,
        &["merge-base", "--is-ancestor", &second, "refs/heads/main"],
    );
    let parents = git(
        &bare,
        &["rev-list", "--parents", "-n", "1", "refs/heads/main"],
    );
    assert_eq!(
        parents.split_whitespace().count(),
        3,
        "a merge commit: {parents}"
    );

    // Nothing open any more.
    let (status, gone) = call(&shipping.server, "close_pull_request", &form).await;
    assert_eq!(status, 404, "{gone}");
    let (status, read) = call(&shipping.server, "get_pull_request", &form).await;
    assert_eq!((status, &read["state"]), (200, &json!("merged")), "{read}");
}

pub async fn a_pull_request_closes(shipping: &Shipping) {
    let chat = shipping.chat().await;
    commit(Path::new(&chat.worktree), "closing.txt", "closing\n");
    let path = format!("/admin/worktrees/{OWNER}/{REPO}/{}/pull", chat.chat_id);
    let body = json!({"title": "A draft to close", "draft": true});
    let (status, pull) = admin(&shipping.server, "POST", &path, Some(body)).await;
    assert_eq!(status, 200, "{pull}");
    assert_eq!(
        (&pull["draft"], &pull["state"]),
        (&json!(true), &json!("open"))
    );
    // A draft cannot be merged (GitHub answers 405).
    let merge = format!("{path}/merge");
    let (status, refused) = admin(
        &shipping.server,
        "POST",
        &merge,
        Some(json!({"method": "merge"})),
    )
    .await;
    assert_eq!(status, 409, "{refused}");
    let (status, closed) = admin(&shipping.server, "POST", &format!("{path}/close"), None).await;
    assert_eq!(status, 200, "{closed}");
    assert_eq!(closed["state"], "closed");
    assert_eq!(closed["number"], pull["number"]);
}
