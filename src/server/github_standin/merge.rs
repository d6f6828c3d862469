//! Merging a pull request in the bare repo with git, as GitHub's merge
//! button does: a merge commit, a squash commit, or the head's commits
//! replayed onto the base. A conflict leaves everything as it was.

use std::path::Path;

use super::StandInError;
use super::git_cmd::{git, git_ok};

/// What a merge did: the base's new commit, or a conflict.
pub enum Merged {
    Done(String),
    Conflict,
}

/// Merges `head` into branch `base` of `repo` with `method`.
pub async fn merge(
    repo: &Path,
    base: &str,
    head_sha: &str,
    method: &str,
    message: &str,
) -> Result<Merged, StandInError> {
    let base_ref = format!("refs/heads/{base}");
    let base_sha = git_ok(repo, &["rev-parse", "--verify", &base_ref]).await?;
    let new = match method {
        "rebase" => replay(repo, &base_sha, head_sha).await?,
        _ => {
            let Some(tree) = merged_tree(repo, None, &base_sha, head_sha).await? else {
                return Ok(Merged::Conflict);
            };
            let mut args = vec!["commit-tree", tree.as_str(), "-p", base_sha.as_str()];
            if method == "merge" {
                args.extend(["-p", head_sha]);
            }
            args.extend(["-m", message]);
            Some(git_ok(repo, &args).await?)
        }
    };
    let Some(new) = new else {
        return Ok(Merged::Conflict);
    };
    git_ok(repo, &["update-ref", &base_ref, &new, &base_sha]).await?;
    Ok(Merged::Done(new))
}

/// The tree of merging `theirs` into `ours` (from `merge_base` if given);
/// `None` on a conflict.
async fn merged_tree(
    repo: &Path,
    merge_base: Option<&str>,
    ours: &str,
    theirs: &str,
) -> Result<Option<String>, StandInError> {
    let base_arg = merge_base.map(|b| format!("--merge-base={b}"));
    let mut args = vec!["merge-tree", "--write-tree"];
    args.extend(base_arg.as_deref());
    args.extend([ours, theirs]);
    let output = git(repo, &args, &[]).await?;
    Ok(output
        .success
        .then(|| output.stdout.lines().next().unwrap_or_default().to_owned()))
}

/// The commits of `base..head` replayed onto `base`, each keeping its
/// author and message; `None` on a conflict.
async fn replay(repo: &Path, base: &str, head: &str) -> Result<Option<String>, StandInError> {
    let range = format!("{base}..{head}");
    let commits = git_ok(repo, &["rev-list", "--reverse", "--no-merges", &range]).await?;
    let mut onto = base.to_owned();
    for commit in commits.lines() {
        let parent = format!("{commit}^");
        let Some(tree) = merged_tree(repo, Some(&parent), &onto, commit).await? else {
            return Ok(None);
        };
        let info = git_ok(repo, &["log", "-1", "--format=%an%n%ae%n%aD%n%B", commit]).await?;
        let mut lines = info.splitn(4, '\n');
        let (name, email, date) = (
            lines.next().unwrap_or_default(),
            lines.next().unwrap_or_default(),
            lines.next().unwrap_or_default(),
        );
        let message = lines.next().unwrap_or("replayed");
        let env = [
            ("GIT_AUTHOR_NAME", name),
            ("GIT_AUTHOR_EMAIL", email),
            ("GIT_AUTHOR_DATE", date),
        ];
        let output = git(
            repo,
            &["commit-tree", &tree, "-p", &onto, "-m", message],
            &env,
        )
        .await?;
        if !output.success {
            return Err(StandInError::Git {
                args: "commit-tree".into(),
                message: format!("cannot replay {commit}"),
            });
        }
        onto = output.stdout;
    }
    Ok(Some(onto))
}
