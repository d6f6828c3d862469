//! A chat's changes listed right (the set-aside config absent), committed
//! file by file and then all at once, as the configured author.

use serde_json::json;

use crate::common::TestServer;
use crate::common::git_fixture::git;
use crate::common::http::{NewChat, admin};
use crate::steps::{REPO, changes, commit, files, rev, status, summaries, worktree, write};

/// Answers the chat, with two commits of its own (README.md edited,
/// new.txt and staged.txt added, src/lib.rs deleted).
pub async fn changes_listed_and_committed(server: &TestServer) -> NewChat {
    let chat = NewChat::make(server, REPO).await;
    let dir = worktree(&chat);
    assert!(!dir.join("opencode.json").exists(), "set aside: untrusted");
    let fresh = changes(server, &chat).await;
    assert_eq!(fresh["branch"], format!("pocketcode/{}", chat.chat_id));
    assert_eq!(fresh["default_branch"], "main");
    assert_eq!(files(&fresh), vec![], "a set-aside config is no change");
    assert_eq!(fresh["commits"], json!([]));
    assert_eq!(fresh["pushed"], json!(null), "never pushed");
    assert_eq!(fresh["merge"]["up_to_date"], true, "{fresh}");

    write(&dir, "README.md", "# remote\nmore\nand more\n");
    std::fs::remove_file(dir.join("src/lib.rs")).expect("delete");
    write(&dir, "new.txt", "one\ntwo\nthree\n");
    write(&dir, "staged.txt", "staged\n");
    git(&dir, &["add", "staged.txt"]);
    let listed = changes(server, &chat).await;
    let file = |p: &str, s: &str, plus: u64, minus: u64| (p.to_owned(), s.to_owned(), plus, minus);
    assert_eq!(
        files(&listed),
        vec![
            file("README.md", "modified", 2, 0),
            file("new.txt", "added", 3, 0),
            file("src/lib.rs", "deleted", 0, 1),
            file("staged.txt", "added", 1, 0),
        ],
        "{listed}"
    );
    assert_eq!(
        (listed["insertions"].as_u64(), listed["deletions"].as_u64()),
        (Some(6), Some(1))
    );

    commit_picked(server, &chat).await;
    commit_all(server, &chat).await;
    chat
}

/// Only README.md and new.txt go in; the rest stays as it was, on disk
/// and in the index.
async fn commit_picked(server: &TestServer, chat: &NewChat) {
    let dir = worktree(chat);
    let before = rev(&dir, "HEAD");
    let (status_code, after) = commit(
        server,
        chat,
        "  Picked files\n\nbody  ",
        &["README.md", "new.txt"],
    )
    .await;
    assert_eq!(status_code, 200, "{after}");
    let file = |p: &str, s: &str, plus: u64, minus: u64| (p.to_owned(), s.to_owned(), plus, minus);
    assert_eq!(
        files(&after),
        vec![
            file("src/lib.rs", "deleted", 0, 1),
            file("staged.txt", "added", 1, 0)
        ]
    );
    assert_eq!(summaries(&after), vec!["Picked files"]);
    let listed = &after["commits"][0];
    assert_eq!(listed["author"], "Pocket Tester <tester@example.com>");
    assert_eq!(listed["id"], rev(&dir, "HEAD"));
    assert_eq!(listed["short_id"].as_str().map(str::len), Some(7));
    assert_eq!(rev(&dir, "HEAD~1"), before);
    assert_eq!(
        git(&dir, &["log", "-1", "--format=%an <%ae>|%cn|%B"]).trim(),
        "Pocket Tester <tester@example.com>|Pocket Tester|Picked files\n\nbody"
    );
    assert_eq!(
        git(&dir, &["show", "--name-status", "--format=", "HEAD"]),
        "M\tREADME.md\nA\tnew.txt\n"
    );
    assert_eq!(
        status(&dir),
        " D src/lib.rs\nA  staged.txt\n",
        "the rest untouched"
    );
    assert!(dir.join("staged.txt").is_file() && !dir.join("src/lib.rs").exists());
}

/// Everything left goes in, through `/admin`; the config stays committed
/// as it was, and nothing is left to commit.
async fn commit_all(server: &TestServer, chat: &NewChat) {
    let dir = worktree(chat);
    let path = format!("/admin/worktrees/{REPO}/{}/commit", chat.chat_id);
    let (code, after) = admin(server, "POST", &path, Some(json!({"message": "The rest"}))).await;
    assert_eq!(code, 200, "{after}");
    assert_eq!(files(&after), vec![]);
    assert_eq!(summaries(&after), vec!["The rest", "Picked files"]);
    assert_eq!(
        git(&dir, &["show", "--name-status", "--format=", "HEAD"]),
        "D\tsrc/lib.rs\nA\tstaged.txt\n"
    );
    assert_eq!(status(&dir), "", "clean, the set-aside config included");
    let tree = git(&dir, &["ls-tree", "-r", "--name-only", "HEAD"]);
    assert!(tree.lines().any(|l| l == "opencode.json"), "{tree}");
    assert!(!dir.join("opencode.json").exists(), "still set aside");
    let (code, again) = admin(server, "POST", &path, Some(json!({"message": "Again"}))).await;
    assert_eq!(code, 409, "{again}");
    assert!(
        again["error"]
            .as_str()
            .is_some_and(|e| e.contains("nothing to commit")),
        "{again}"
    );
}
