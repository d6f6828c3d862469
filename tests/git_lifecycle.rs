//! Repos and chats end to end, on real repositories and a real opencode:
//! clone (also several at once), a worktree per chat with the agent really
//! working inside it, diff, delete, and garbage collection.

mod common;
#[path = "git_lifecycle/helpers.rs"]
mod helpers;

use std::panic::AssertUnwindSafe;
use std::time::Duration;

use common::git_fixture::{Remote, git};
use common::http::{admin, call};
use common::{TempDir, TestServer};
use futures::FutureExt;
use helpers::{
    chat_id, chat_ids, new_chat, opencode, prompt, repo_dir, wait_for, watched, worktree,
};
use serde_json::json;

/// How long the agent may take for one turn on a loaded 2-core machine.
const TURN: Duration = Duration::from_secs(120);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repos_and_chats_live_and_die_on_disk() {
    let fixtures = TempDir::new();
    let remote = Remote::create(fixtures.path(), "remote");
    let widgets = Remote::create(fixtures.path(), "widgets");
    let server = TestServer::start(&[]).await;
    let outcome = AssertUnwindSafe(async {
        clone_once(&server, &remote).await;
        concurrent_clones_make_one_clone(&server, &widgets).await;
        server.wait_ready().await;
        chats_work_in_their_own_worktrees(&server, &remote).await;
        garbage_collection(&server).await;
        deleting_repos(&server).await;
    })
    .catch_unwind()
    .await;
    server.stop().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

async fn clone_once(server: &TestServer, remote: &Remote) {
    let (status, added) = admin(
        server,
        "POST",
        "/admin/repos",
        Some(json!({"source": remote.url()})),
    )
    .await;
    assert_eq!(status, 201, "{added}");
    assert_eq!(added["outcome"], "cloned");
    assert_eq!(added["repo"]["name"], "local/remote");
    assert_eq!(added["repo"]["default_branch"], "main");
    let clone = repo_dir(server, "local__remote");
    assert!(clone.join("CHANGELOG.md").is_file(), "a regular checkout");
    assert!(!clone.join("FEATURE.md").exists(), "on the default branch");
    let branches = git(&clone, &["branch", "-r"]);
    assert!(branches.contains("origin/feature"), "{branches}");

    let (status, again) = admin(
        server,
        "POST",
        "/admin/repos",
        Some(json!({"source": remote.url()})),
    )
    .await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["outcome"], "existing");
    let (status, listed) = admin(server, "GET", "/admin/repos", None).await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["repos"][0]["name"], "local/remote", "{listed}");
    let (status, one) = admin(server, "GET", "/admin/repos/local/remote", None).await;
    assert_eq!(status, 200, "{one}");
    assert_eq!(one["worktrees"], 0);
}

async fn concurrent_clones_make_one_clone(server: &TestServer, widgets: &Remote) {
    let body = json!({"source": widgets.url(), "name": "team/widgets"});
    let requests = (0..4).map(|_| admin(server, "POST", "/admin/repos", Some(body.clone())));
    let answers = futures::future::join_all(requests).await;
    let mut cloned = 0;
    for (status, added) in &answers {
        assert!(*status == 200 || *status == 201, "{added}");
        assert_eq!(added["repo"]["name"], "team/widgets");
        if added["outcome"] == "cloned" {
            cloned += 1;
        }
    }
    assert_eq!(cloned, 1, "exactly one request clones: {answers:?}");
    let entries: Vec<String> = std::fs::read_dir(server.data_dir.path().join("repos"))
        .expect("repos dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        entries.contains(&"team__widgets".to_string()),
        "{entries:?}"
    );
    assert!(
        !entries.iter().any(|e| e.starts_with('.')),
        "no staging left: {entries:?}"
    );
}

async fn chats_work_in_their_own_worktrees(server: &TestServer, remote: &Remote) {
    let a = new_chat(server, "local/remote").await;
    let b = new_chat(server, "local/remote").await;
    let (a_id, a_dir) = (chat_id(&a), worktree(&a));
    let (b_id, b_dir) = (chat_id(&b), worktree(&b));
    assert_ne!(a_id, b_id);
    assert_eq!(
        a_dir,
        server
            .data_dir
            .path()
            .join(format!("worktrees/local__remote__{a_id}"))
    );
    assert_eq!(a["worktree"]["branch"], format!("pocketcode/{a_id}"));
    assert!(a_dir.join("CHANGELOG.md").is_file() && b_dir.join("README.md").is_file());

    // The agent writes a file: it lands in A's worktree only.
    let session = a["session_id"].as_str().expect("session id");
    prompt(
        server,
        &a_dir,
        session,
        r#"[scenario:write path=agent.txt content="written by the agent"]"#,
    )
    .await;
    // The tool creates the file, then writes it: wait for its content.
    wait_for(TURN, "the agent's file", || {
        std::fs::read_to_string(a_dir.join("agent.txt"))
            .is_ok_and(|text| text == "written by the agent")
    })
    .await;
    assert!(!b_dir.join("agent.txt").exists(), "not in the other chat");
    assert!(
        !repo_dir(server, "local__remote").join("agent.txt").exists(),
        "not in the clone"
    );

    // Its diff against the chat's base shows the new file.
    let (status, stat) = call(
        server,
        "diff_stat",
        &[("repo", "local/remote"), ("chat_id", &a_id)],
    )
    .await;
    assert_eq!(status, 200, "{stat}");
    assert_eq!(
        stat["files"],
        json!([{"path": "agent.txt", "status": "added", "insertions": 1, "deletions": 0}])
    );
    let (status, detail) = admin(
        server,
        "GET",
        &format!("/admin/worktrees/local/remote/{a_id}"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{detail}");
    assert_eq!(detail["chat"]["worktree"]["dirty"], true);
    assert_eq!(detail["diff"]["insertions"], 1);
    let patch = server
        .http
        .get(server.url(&format!("/admin/worktrees/local/remote/{a_id}/diff")))
        .send()
        .await
        .expect("diff")
        .text()
        .await
        .expect("diff text");
    assert!(patch.contains("+written by the agent"), "{patch}");
    let (status, stat) = call(
        server,
        "diff_stat",
        &[("repo", "local/remote"), ("chat_id", &b_id)],
    )
    .await;
    assert_eq!((status, stat["files"].clone()), (200, json!([])), "{stat}");

    // Chats are listed by joining worktrees with sessions.
    let (status, chats) = call(server, "list_chats", &[]).await;
    assert_eq!(status, 200, "{chats}");
    let listed: Vec<&str> = chats
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|c| c["session_id"].as_str())
        .collect();
    assert!(listed.contains(&session), "{chats}");

    // A new chat starts from the remote's current default branch.
    remote.push_file("PUSHED.md", "pushed later\n");
    let c = new_chat(server, "local/remote").await;
    assert!(
        worktree(&c).join("PUSHED.md").is_file(),
        "fetched before the worktree"
    );

    // Uncommitted work is refused without force and nothing is deleted.
    let a_url = format!("/admin/worktrees/local/remote/{a_id}");
    let (status, refused) = admin(server, "DELETE", &a_url, None).await;
    assert_eq!(status, 409, "{refused}");
    assert!(a_dir.join("agent.txt").is_file());
    let (status, deleted) = admin(server, "DELETE", &format!("{a_url}?force=true"), None).await;
    assert_eq!(status, 200, "{deleted}");
    assert_eq!(deleted, json!({"sessions": 1, "branch_deleted": true}));
    assert!(!a_dir.exists());
    assert!(
        !watched(server).contains(&a_dir.display().to_string()),
        "no relay for a deleted chat"
    );
    let branches = git(&repo_dir(server, "local__remote"), &["branch", "--list"]);
    assert!(
        !branches.contains(&a_id) && branches.contains(&b_id),
        "{branches}"
    );
    let (status, gone) = admin(server, "GET", &a_url, None).await;
    assert_eq!(status, 404, "{gone}");

    // The server function deletes a clean chat whose branch has a commit,
    // keeping that unmerged branch.
    let c_id = chat_id(&c);
    git(
        &worktree(&c),
        &["commit", "-q", "--allow-empty", "-m", "work"],
    );
    let (status, deleted) = call(
        server,
        "delete_chat",
        &[("repo", "local/remote"), ("chat_id", &c_id)],
    )
    .await;
    assert_eq!(status, 200, "{deleted}");
    assert_eq!(deleted["branch_deleted"], false);
    let branches = git(&repo_dir(server, "local__remote"), &["branch", "--list"]);
    assert!(
        branches.contains(&format!("pocketcode/{c_id}")),
        "{branches}"
    );
}

async fn garbage_collection(server: &TestServer) {
    // Left from before: chat B (clean, with a session). Add D and E.
    let d = new_chat(server, "team/widgets").await;
    let e = new_chat(server, "team/widgets").await;
    let (d_dir, e_dir) = (worktree(&d), worktree(&e));
    // D's session disappears: D is garbage. E gets uncommitted work.
    let (status, _) = opencode(
        server,
        "DELETE",
        &d_dir,
        &format!("/session/{}", d["session_id"].as_str().expect("id")),
    )
    .await;
    assert_eq!(status, 200);
    std::fs::write(e_dir.join("scratch.txt"), "unsaved").expect("write");

    let (status, dry) = admin(server, "POST", "/admin/gc", None).await;
    assert_eq!(status, 200, "{dry}");
    assert_eq!(dry["dry_run"], true);
    assert_eq!(chat_ids(&dry["removed"]), vec![chat_id(&d)], "{dry}");
    assert!(d_dir.exists(), "a dry run removes nothing");

    let (status, all) = admin(server, "POST", "/admin/gc?max_age_seconds=0", None).await;
    assert_eq!(status, 200, "{all}");
    assert_eq!(chat_ids(&all["removed"]).len(), 2, "D and B: {all}");
    assert_eq!(
        chat_ids(&all["kept"]),
        vec![chat_id(&e)],
        "E has uncommitted work: {all}"
    );

    let (status, real) = admin(server, "POST", "/admin/gc?dry_run=false", None).await;
    assert_eq!(status, 200, "{real}");
    assert_eq!(chat_ids(&real["removed"]), vec![chat_id(&d)], "{real}");
    assert!(!d_dir.exists() && e_dir.exists());
    let relayed = watched(server);
    assert!(
        !relayed.contains(&d_dir.display().to_string())
            && relayed.contains(&e_dir.display().to_string())
    );
    let (_, chats) = call(server, "list_chats", &[]).await;
    assert_eq!(
        chats.as_array().map(Vec::len),
        Some(2),
        "B and E remain: {chats}"
    );

    std::fs::remove_file(e_dir.join("scratch.txt")).expect("clean E");
    let (status, idle) = admin(
        server,
        "POST",
        "/admin/gc?dry_run=false&max_age_seconds=0",
        None,
    )
    .await;
    assert_eq!(status, 200, "{idle}");
    assert_eq!(chat_ids(&idle["removed"]).len(), 2, "{idle}");
    assert!(!e_dir.exists());
    let (_, chats) = call(server, "list_chats", &[]).await;
    assert_eq!(chats, json!([]));
}

async fn deleting_repos(server: &TestServer) {
    let f = new_chat(server, "team/widgets").await;
    let (status, refused) = admin(server, "DELETE", "/admin/repos/team/widgets", None).await;
    assert_eq!(status, 409, "{refused}");
    assert!(worktree(&f).exists());
    let (status, deleted) = admin(
        server,
        "DELETE",
        "/admin/repos/team/widgets?force=true",
        None,
    )
    .await;
    assert_eq!(status, 200, "{deleted}");
    assert_eq!(deleted["worktrees_removed"], 1);
    assert!(!worktree(&f).exists() && !repo_dir(server, "team__widgets").exists());
    assert!(!watched(server).contains(&worktree(&f).display().to_string()));
    let session = f["session_id"].as_str().expect("session id");
    let (status, _) = opencode(server, "GET", &worktree(&f), &format!("/session/{session}")).await;
    assert_eq!(status, 404, "the chat's session went with the repo");
    let (status, deleted) = admin(server, "DELETE", "/admin/repos/local/remote", None).await;
    assert_eq!(status, 200, "{deleted}");
    let (_, listed) = admin(server, "GET", "/admin/repos", None).await;
    assert_eq!(listed["repos"], json!([]));
    let (status, disk) = admin(server, "GET", "/admin/disk", None).await;
    assert_eq!(status, 200, "{disk}");
    assert!(disk["data_bytes"].as_u64().is_some_and(|b| b > 0), "{disk}");
}
