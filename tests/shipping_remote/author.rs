//! Without `--git-author-*`, a chat's commit is by the GitHub user behind
//! the token: the stand-in's user has no profile name and a private email,
//! as many do, so the commit is by their login at GitHub's no-reply address.

use std::path::Path;
use std::process::Command;

use crate::Shipping;
use crate::common::http::call;

pub async fn a_commit_is_by_the_tokens_github_user(shipping: &Shipping) {
    let chat = shipping.chat().await;
    let worktree = Path::new(&chat.worktree);
    std::fs::write(worktree.join("authored.txt"), "who wrote this?\n").expect("write");
    let mut form = chat.form().to_vec();
    form.push(("message", "Say who wrote it"));
    let (status, changes) = call(&shipping.server, "commit_chat", &form).await;
    assert_eq!(status, 200, "{changes}");
    let output = Command::new("git")
        .args(["log", "-1", "--format=%an <%ae>|%cn <%ce>|%s"])
        .current_dir(worktree)
        .output()
        .expect("git log");
    let line = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    // The stand-in's user: its default `--login`, id 1.
    let author = "octo <1+octo@users.noreply.github.com>";
    assert_eq!(line, format!("{author}|{author}|Say who wrote it"));
}
