//! "New chat" on a cached clone of a ~10k-file repo, next to plain
//! `git worktree add` on the same repo, measured side by side in one run.
//!
//! Columns:
//! - `new chat`: the `new_chat` server function over HTTP (repo already
//!   cloned): fetch + git2 worktree on a new branch + opencode session.
//! - `fetch+worktree`: the git part of it alone (pocketcode's `RepoStore`).
//! - `git worktree add`: the git CLI on a clone of the same repo, no fetch.
//! - `git fetch+worktree add`: the CLI doing what pocketcode's git part does.
//!
//! Iterations rotate which path goes first. Run with
//! `cargo bench --features ssr --bench worktree`.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

#[path = "../tests/common/mod.rs"]
mod common;

use common::git_fixture::{clone, git};
use common::{TempDir, TestServer};
use pocketcode::server::git::{RepoName, RepoStore};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

const FILES: usize = 10_000;
const ITERATIONS: usize = 5;
const COLUMNS: [&str; 4] = [
    "new chat",
    "fetch+worktree",
    "git worktree add",
    "git fetch+worktree add",
];

/// A repo of `FILES` small files in 100 directories, one commit, and a bare copy.
fn big_repo(root: &Path) -> (String, std::path::PathBuf) {
    let work = root.join("big");
    std::fs::create_dir_all(&work).expect("mkdir");
    git(&work, &["init", "-q", "-b", "main"]);
    for i in 0..FILES {
        let dir = work.join(format!("d{:02}", i % 100));
        std::fs::create_dir_all(&dir).expect("mkdir");
        let body = format!("// file {i}\npub fn f{i}() -> usize {{ {i} }}\n");
        std::fs::write(dir.join(format!("f{i}.rs")), body).expect("write");
    }
    git(&work, &["add", "-A"]);
    git(&work, &["commit", "-q", "-m", "10k files"]);
    let bare = root.join("big.git");
    clone(root, &work, &bare, true);
    let cli_clone = root.join("cli-clone");
    clone(root, &bare, &cli_clone, false);
    (format!("file://{}", bare.display()), cli_clone)
}

async fn run(server: &TestServer, fixtures: &Path) -> Result<(), BoxError> {
    let started = Instant::now();
    let (url, cli_clone) = big_repo(fixtures);
    println!(
        "made a repo of {FILES} files in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    server.wait_ready().await;
    let store: &RepoStore = &server.pocketcode.as_ref().ok_or("stopped")?.state.git;

    let started = Instant::now();
    let response = server
        .http
        .post(server.url("/pocket/fn/add_repo"))
        .form(&[("source", url.as_str())])
        .send()
        .await?;
    if !response.status().is_success() {
        return Err(format!("add_repo: {}", response.text().await?).into());
    }
    println!(
        "first clone (git2, file://) took {:.0} ms",
        started.elapsed().as_secs_f64() * 1e3
    );

    let repo = RepoName::parse("local/big")?;
    let mut samples: [Vec<f64>; 4] = Default::default();
    for i in 0..ITERATIONS {
        for k in 0..COLUMNS.len() {
            let column = (i + k) % COLUMNS.len();
            let started = Instant::now();
            match column {
                0 => {
                    let response = server
                        .http
                        .post(server.url("/pocket/fn/new_chat"))
                        .form(&[("repo", "local/big")])
                        .send()
                        .await?;
                    if !response.status().is_success() {
                        return Err(format!("new_chat: {}", response.text().await?).into());
                    }
                }
                1 => {
                    let (name, _starting) = store.start_chat(repo.clone());
                    store.create_worktree(&name).await?;
                }
                2 | 3 => {
                    let path = fixtures.join(format!("cli-wt-{i}-{column}"));
                    if column == 3 {
                        git(&cli_clone, &["fetch", "-q", "origin"]);
                    }
                    let branch = format!("bench/{i}-{column}");
                    let path = path.display().to_string();
                    git(
                        &cli_clone,
                        &["worktree", "add", "-q", "-b", &branch, &path, "origin/main"],
                    );
                }
                _ => unreachable!("four columns"),
            }
            samples[column].push(started.elapsed().as_secs_f64() * 1e3);
        }
    }

    println!("\n{ITERATIONS} runs each, milliseconds (repo of {FILES} files, cached clone)\n");
    println!("{:<24} {:>8} {:>8} {:>8}", "", "median", "min", "max");
    for (column, name) in COLUMNS.iter().enumerate() {
        let mut ms = samples[column].clone();
        ms.sort_by(f64::total_cmp);
        println!(
            "{name:<24} {:>8.0} {:>8.0} {:>8.0}",
            ms[ms.len() / 2],
            ms[0],
            ms[ms.len() - 1]
        );
    }
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let wall = Instant::now();
    let fixtures = TempDir::new();
    let server = TestServer::start(&[]).await;
    let result = run(&server, fixtures.path()).await;
    server.stop().await;
    println!("\nwall time {:.1} s", wall.elapsed().as_secs_f64());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("bench failed: {err}");
            ExitCode::FAILURE
        }
    }
}
