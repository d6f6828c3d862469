//! Running git in one of the stand-in's bare repositories, as GitHub's
//! own merge button would: a fixed identity, no user or system config.

use std::path::Path;

use super::StandInError;

/// What a git command answered.
pub struct GitOutput {
    pub success: bool,
    pub stdout: String,
}

/// Runs `git args` in `repo` with `env` added.
pub async fn git(
    repo: &Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> Result<GitOutput, StandInError> {
    let output = tokio::process::Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "GitHub")
        .env("GIT_AUTHOR_EMAIL", "noreply@github.com")
        .env("GIT_COMMITTER_NAME", "GitHub")
        .env("GIT_COMMITTER_EMAIL", "noreply@github.com")
        .envs(env.iter().copied())
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .map_err(StandInError::Spawn)?;
    Ok(GitOutput {
        success: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).trim().to_owned(),
    })
}

/// Runs `git args` and returns its output; failing is an error.
pub async fn git_ok(repo: &Path, args: &[&str]) -> Result<String, StandInError> {
    let output = git(repo, args, &[]).await?;
    if output.success {
        Ok(output.stdout)
    } else {
        Err(StandInError::Git {
            args: args.join(" "),
            message: format!("failed in {}", repo.display()),
        })
    }
}

/// The commit `refs/heads/<branch>` points at, if the branch exists.
pub async fn branch_sha(repo: &Path, branch: &str) -> Result<Option<String>, StandInError> {
    let refname = format!("refs/heads/{branch}");
    let output = git(repo, &["rev-parse", "--verify", "--quiet", &refname], &[]).await?;
    Ok(output.success.then_some(output.stdout))
}

/// The repo's default branch: where its `HEAD` points.
pub fn default_branch(repo: &Path) -> String {
    std::fs::read_to_string(repo.join("HEAD"))
        .ok()
        .and_then(|head| {
            head.trim()
                .strip_prefix("ref: refs/heads/")
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "main".into())
}
