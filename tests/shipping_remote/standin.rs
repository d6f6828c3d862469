//! The `github-standin` binary as a test starts it: its own process on a
//! loopback port, bare repos in a temp dir, stopped at the end.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::common::TempDir;
use crate::common::git_fixture::{Remote, git};

pub struct Standin {
    process: Child,
    /// `http://127.0.0.1:PORT`
    pub git_url: String,
    /// `http://127.0.0.1:PORT/api/v3`
    pub api_url: String,
    pub token: String,
    pub root: TempDir,
    /// Where the fixtures' working clones live.
    pub work: TempDir,
}

impl Standin {
    /// Starts the stand-in with a random token (passed in its environment,
    /// not its command line: the agent can list processes).
    pub fn start() -> Self {
        let root = TempDir::new();
        let bytes: [u8; 16] = rand::random();
        let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let token = format!("ghp_standin{token}");
        let mut process = Command::new(env!("CARGO_BIN_EXE_github-standin"))
            .arg("--root")
            .arg(root.path())
            .env("GITHUB_STANDIN_TOKEN", &token)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start github-standin");
        let stdout = process.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the stand-in prints its address");
        let ready: serde_json::Value = serde_json::from_str(&line).expect("a JSON line");
        Self {
            process,
            git_url: ready["git"].as_str().expect("git").to_owned(),
            api_url: ready["api"].as_str().expect("api").to_owned(),
            token,
            root,
            work: TempDir::new(),
        }
    }

    /// A repo `owner/name` on the stand-in (three commits on `main`, a
    /// `feature` branch); returns its bare repo.
    pub fn create_repo(&self, owner: &str, name: &str) -> PathBuf {
        let remote = Remote::create(self.work.path(), &format!("{owner}-{name}"));
        let bare = self.bare(owner, name);
        std::fs::create_dir_all(bare.parent().expect("owner dir")).expect("owner dir");
        std::fs::rename(&remote.bare, &bare).expect("move the bare repo into place");
        bare
    }

    pub fn bare(&self, owner: &str, name: &str) -> PathBuf {
        self.root.path().join(owner).join(format!("{name}.git"))
    }

    /// Sets the repo's merge settings and check runs (`standin.json`).
    pub fn configure(&self, owner: &str, name: &str, settings: &serde_json::Value) {
        std::fs::write(
            self.bare(owner, name).join("standin.json"),
            settings.to_string(),
        )
        .expect("write standin.json");
    }

    pub fn stop(self) {
        // Drop stops it.
    }
}

impl Drop for Standin {
    fn drop(&mut self) {
        let pid = nix::unistd::Pid::from_raw(self.process.id() as i32);
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
        let _ = self.process.wait();
    }
}

/// Kills the pocketcode a test started when the test panics before its
/// `stop` (it would outlive the test, holding cargo's output pipe).
pub struct KillOnPanic(pub u32);

impl Drop for KillOnPanic {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let pid = nix::unistd::Pid::from_raw(self.0 as i32);
            let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL);
        }
    }
}

/// The commit `refs/heads/<branch>` points at in `repo`, if any.
pub fn sha(repo: &Path, refname: &str) -> Option<String> {
    let output = Command::new("git")
        .args(["rev-parse", "--verify", "--quiet", refname])
        .current_dir(repo)
        .output()
        .expect("git rev-parse");
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// Every ref of `repo` with its commit: a snapshot to compare.
pub fn refs(repo: &Path) -> String {
    git(repo, &["for-each-ref", "--format=%(refname) %(objectname)"])
}

/// Commits `file` with `content` in the chat's worktree; returns the commit.
pub fn commit(worktree: &Path, file: &str, content: &str) -> String {
    std::fs::write(worktree.join(file), content).expect("write");
    git(worktree, &["add", "-A"]);
    git(worktree, &["commit", "-q", "-m", &format!("change {file}")]);
    git(worktree, &["rev-parse", "HEAD"]).trim().to_owned()
}
