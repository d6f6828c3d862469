//! Real repositories for git tests: a bare "remote" with history and
//! branches (cloned through `file://`), made with the git CLI.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Runs git in `dir` with a fixed identity; panics on failure; returns stdout.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(["-c", "user.name=test", "-c", "user.email=test@localhost"])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "protocol.file.allow=always",
        ])
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("run git");
    assert!(
        output.status.success(),
        "git {args:?} in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// `git clone` (`--bare` if `bare`) of `from` into `to`, run in `dir`.
pub fn clone(dir: &Path, from: &Path, to: &Path, bare: bool) {
    let (from, to) = (from.display().to_string(), to.display().to_string());
    let mut args = vec!["clone", "-q"];
    if bare {
        args.push("--bare");
    }
    args.extend([from.as_str(), to.as_str()]);
    git(dir, &args);
}

/// A bare repository at `<root>/<name>.git` with three commits on `main`
/// and a `feature` branch, plus the working clone it was pushed from
/// (`<root>/<name>-work`) for pushing more later.
pub struct Remote {
    pub bare: PathBuf,
    pub work: PathBuf,
}

impl Remote {
    pub fn create(root: &Path, name: &str) -> Self {
        let work = root.join(format!("{name}-work"));
        let bare = root.join(format!("{name}.git"));
        std::fs::create_dir_all(&work).expect("create work dir");
        git(&work, &["init", "-q", "-b", "main"]);
        std::fs::write(work.join("README.md"), format!("# {name}\n")).expect("write");
        git(&work, &["add", "."]);
        git(&work, &["commit", "-q", "-m", "first"]);
        std::fs::create_dir_all(work.join("src")).expect("mkdir");
        std::fs::write(work.join("src/lib.rs"), "pub fn one() -> u32 { 1 }\n").expect("write");
        git(&work, &["add", "."]);
        git(&work, &["commit", "-q", "-m", "second"]);
        git(&work, &["checkout", "-q", "-b", "feature"]);
        std::fs::write(work.join("FEATURE.md"), "feature work\n").expect("write");
        git(&work, &["add", "."]);
        git(&work, &["commit", "-q", "-m", "feature"]);
        git(&work, &["checkout", "-q", "main"]);
        std::fs::write(work.join("CHANGELOG.md"), "v1\n").expect("write");
        git(&work, &["add", "."]);
        git(&work, &["commit", "-q", "-m", "third"]);
        clone(root, &work, &bare, true);
        git(
            &work,
            &["remote", "add", "origin", &bare.display().to_string()],
        );
        Self { bare, work }
    }

    /// `file:///…/name.git`
    pub fn url(&self) -> String {
        format!("file://{}", self.bare.display())
    }

    /// Commits `path` with `content` on `main` and pushes it to the bare repo.
    pub fn push_file(&self, path: &str, content: &str) {
        std::fs::write(self.work.join(path), content).expect("write");
        git(&self.work, &["add", "."]);
        git(&self.work, &["commit", "-q", "-m", &format!("add {path}")]);
        git(&self.work, &["push", "-q", "origin", "main"]);
    }
}

/// Every file and directory under `root` (relative paths, sorted), skipping
/// the insides of `.git` directories: a snapshot to compare before/after.
pub fn tree_snapshot(root: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            out.push(
                path.strip_prefix(root)
                    .unwrap_or(&path)
                    .display()
                    .to_string(),
            );
            if path.is_dir() && entry.file_name() != ".git" {
                walk(root, &path, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}
