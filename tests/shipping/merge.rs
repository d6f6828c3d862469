//! Local merges into the main clone's default branch: a fast-forward, a
//! merge commit once `main` moved on, and a conflict refused with the
//! files named and nothing changed.

use serde_json::{Value, json};

use crate::common::TestServer;
use crate::common::git_fixture::{git, tree_snapshot};
use crate::common::http::{NewChat, admin};
use crate::steps::{
    REPO, changes, clone_dir, commit, merge, rev, status, summaries, worktree, write,
};

/// `first` (two commits, made before) waits while a second chat is
/// fast-forwarded into `main`; `first` then needs a merge commit.
pub async fn fast_forward_then_merge_commit(server: &TestServer, first: &NewChat) {
    let clone = clone_dir(server);
    let second = NewChat::make(server, REPO).await;
    write(&worktree(&second), "ff.txt", "fast\n");
    let (code, committed) = commit(server, &second, "Fast one", &[]).await;
    assert_eq!(code, 200, "{committed}");
    assert_eq!(committed["merge"]["fast_forward"], true, "{committed}");
    let before = rev(&clone, "main");
    let (code, merged) = merge(server, &second, "").await;
    assert_eq!(code, 200, "{merged}");
    assert_eq!(merged["kind"], "fast_forward");
    assert_eq!(merged["previous"], before);
    let tip = rev(&worktree(&second), "HEAD");
    assert_eq!(merged["commit"], tip);
    assert_eq!(rev(&clone, "main"), tip, "main moved to the chat's commit");
    assert_eq!(status(&clone), "", "the main clone's files follow");
    assert!(clone.join("ff.txt").is_file());
    let after = changes(server, &second).await;
    assert_eq!(after["commits"], json!([]), "nothing left ahead: {after}");
    assert_eq!(after["merge"]["up_to_date"], true);

    // `main` moved on: `first` cannot fast-forward any more.
    let moved = rev(&clone, "main");
    let (code, refused) = merge(server, first, "ff_only").await;
    assert_eq!(code, 409, "{refused}");
    assert!(
        refused.to_string().contains("cannot fast-forward"),
        "{refused}"
    );
    assert_eq!(rev(&clone, "main"), moved, "nothing changed");
    let (code, merged) = admin(
        server,
        "POST",
        &format!("/admin/worktrees/{REPO}/{}/merge", first.chat_id),
        Some(json!({})),
    )
    .await;
    assert_eq!(code, 200, "{merged}");
    assert_eq!(merged["kind"], "merge_commit");
    assert_eq!(merged["previous"], moved);
    let parents = git(&clone, &["log", "-1", "--format=%P|%an|%s", "main"]);
    let first_tip = rev(&worktree(first), "HEAD");
    assert_eq!(
        parents.trim(),
        format!(
            "{moved} {first_tip}|Pocket Tester|Merge chat {}",
            title_or_id(server, first).await
        )
    );
    assert_eq!(status(&clone), "");
    assert!(clone.join("new.txt").is_file() && clone.join("ff.txt").is_file());
    assert!(
        !clone.join("src/lib.rs").exists(),
        "first's deletion merged"
    );

    // A chat made now starts from the merged work.
    let third = NewChat::make(server, REPO).await;
    assert_eq!(rev(&worktree(&third), "HEAD"), rev(&clone, "main"));
}

/// The title the merge commit names (the chat's id when it has none).
async fn title_or_id(server: &TestServer, chat: &NewChat) -> String {
    let path = format!("/admin/worktrees/{REPO}/{}", chat.chat_id);
    let (code, detail) = admin(server, "GET", &path, None).await;
    assert_eq!(code, 200, "{detail}");
    let title = detail["chat"]["title"].as_str().unwrap_or_default().trim();
    if title.is_empty() {
        chat.chat_id.clone()
    } else {
        title.to_owned()
    }
}

/// Two chats edit README.md's first line; the second to merge is refused,
/// naming README.md, and nothing moves.
pub async fn conflicts_are_refused_untouched(server: &TestServer) {
    let winner = NewChat::make(server, REPO).await;
    let loser = NewChat::make(server, REPO).await;
    for (chat, line) in [(&winner, "# winner"), (&loser, "# loser")] {
        write(
            &worktree(chat),
            "README.md",
            &format!("{line}\nmore\nand more\n"),
        );
        write(&worktree(chat), "other.txt", &format!("{line}\n"));
        let (code, committed) = commit(server, chat, line, &[]).await;
        assert_eq!(code, 200, "{committed}");
    }
    let (code, merged) = merge(server, &winner, "merge").await;
    assert_eq!(code, 200, "{merged}");
    assert_eq!(
        merged["kind"], "merge_commit",
        "merge mode: always a merge commit"
    );

    let listed = changes(server, &loser).await;
    assert_eq!(
        listed["merge"]["conflicts"],
        json!(["README.md", "other.txt"]),
        "{listed}"
    );
    let before = snapshot(server, &loser);
    let (code, refused) = merge(server, &loser, "").await;
    assert_eq!(code, 409, "{refused}");
    let text = refused.to_string();
    assert!(
        text.contains("README.md") && text.contains("other.txt"),
        "{text}"
    );
    let path = format!("/admin/worktrees/{REPO}/{}/merge", loser.chat_id);
    let (code, body) = admin(server, "POST", &path, Some(json!({"mode": "merge"}))).await;
    assert_eq!(code, 409, "{body}");
    assert_eq!(
        body["conflicts"],
        json!(["README.md", "other.txt"]),
        "{body}"
    );
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.contains("README.md")),
        "{body}"
    );
    assert_eq!(snapshot(server, &loser), before, "nothing changed");
    assert_eq!(summaries(&changes(server, &loser).await), vec!["# loser"]);
}

/// Refs, files and status of the main clone and of `chat`'s worktree.
pub fn snapshot(server: &TestServer, chat: &NewChat) -> Value {
    let clone = clone_dir(server);
    let dir = worktree(chat);
    json!({
        "refs": git(&clone, &["show-ref"]),
        "clone_files": tree_snapshot(&clone),
        "clone_status": status(&clone),
        "clone_readme": std::fs::read_to_string(clone.join("README.md")).expect("readme"),
        "chat_files": tree_snapshot(&dir),
        "chat_status": status(&dir),
        "chat_head": rev(&dir, "HEAD"),
    })
}
