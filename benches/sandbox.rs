//! What the agent sandbox costs, measured side by side in one run:
//! - a process start (`sh -c true`) directly and inside the same
//!   bubblewrap zone opencode gets (what every bash tool call pays);
//! - `opencode serve` from spawn to a healthy `/global/health`, without
//!   and with the sandbox (what a start or restart pays).
//!
//! Iterations alternate which side goes first. Run with
//! `cargo bench --features ssr --bench sandbox`.

use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

#[path = "../tests/common/mod.rs"]
mod common;

use common::TempDir;
use pocketcode::server::sandbox::{self, BWRAP, Zone};
use pocketcode::server::scripted_model::ScriptedModel;
use pocketcode::server::supervisor::{OpencodeSettings, Supervisor};

const SPAWNS: usize = 200;
const STARTS: usize = 4;

fn zone(dir: &Path) -> Zone {
    Zone {
        hidden: sandbox::secrets_outside(&dir.join("data"), &[]),
        readable: vec![],
        writable: vec![dir.join("data/workspace"), dir.join("data/opencode")],
    }
}

fn spawn_once(sandboxed: Option<&[std::ffi::OsString]>) -> Duration {
    let started = Instant::now();
    let mut command = match sandboxed {
        Some(args) => {
            let mut command = Command::new(BWRAP);
            command.args(args).arg("--");
            command
        }
        None => Command::new("/bin/sh"),
    };
    if sandboxed.is_some() {
        command.arg("/bin/sh");
    }
    let status = command
        .args(["-c", "true"])
        .stdout(Stdio::null())
        .status()
        .expect("spawn");
    assert!(status.success());
    started.elapsed()
}

async fn start_once(dir: &Path, model: &ScriptedModel, sandboxed: bool) -> Duration {
    let home = dir.join(format!("opencode-{sandboxed}"));
    let workspace = dir.join("data/workspace");
    let mut settings = OpencodeSettings::new(home.clone(), workspace);
    settings.config_json = Some(model.opencode_config().to_string());
    settings.offline = true;
    if sandboxed {
        let mut zone = zone(dir);
        zone.writable.push(home);
        settings.sandbox = Some(zone);
    }
    let started = Instant::now();
    let supervisor = Supervisor::spawn(settings);
    supervisor.ready(common::READY).await.expect("healthy");
    let took = started.elapsed();
    supervisor.shutdown().await;
    took
}

fn median_ms(mut samples: Vec<Duration>) -> f64 {
    samples.sort();
    samples[samples.len() / 2].as_secs_f64() * 1000.0
}

fn p99_ms(mut samples: Vec<Duration>) -> f64 {
    samples.sort();
    samples[(samples.len() * 99 / 100).min(samples.len() - 1)].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> ExitCode {
    if let Err(err) = sandbox::probe().await {
        eprintln!("{err}");
        return ExitCode::FAILURE;
    }
    let dir = TempDir::new();
    let args = zone(dir.path())
        .bwrap_args(&dir.path().join("data/workspace"))
        .expect("zone");
    let (mut direct, mut boxed) = (Vec::new(), Vec::new());
    for i in 0..SPAWNS {
        if i % 2 == 0 {
            direct.push(spawn_once(None));
            boxed.push(spawn_once(Some(&args)));
        } else {
            boxed.push(spawn_once(Some(&args)));
            direct.push(spawn_once(None));
        }
    }
    let (d50, b50) = (median_ms(direct.clone()), median_ms(boxed.clone()));
    println!(
        "process start, {SPAWNS} each: p50 direct {d50:.2} ms, sandboxed {b50:.2} ms ({:.1}×); p99 direct {:.2} ms, sandboxed {:.2} ms",
        b50 / d50,
        p99_ms(direct),
        p99_ms(boxed)
    );

    common::git_workspace(&dir.path().join("data/workspace"));
    let model = ScriptedModel::start().await.expect("scripted model");
    let (mut direct, mut boxed) = (Vec::new(), Vec::new());
    for i in 0..STARTS {
        for sandboxed in if i % 2 == 0 {
            [false, true]
        } else {
            [true, false]
        } {
            let took = start_once(dir.path(), &model, sandboxed).await;
            if sandboxed {
                boxed.push(took)
            } else {
                direct.push(took)
            }
        }
    }
    let ms = |samples: &[Duration]| {
        samples
            .iter()
            .map(|d| format!("{:.0}", d.as_secs_f64() * 1000.0))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!(
        "opencode start to healthy (health is polled every 200 ms), {STARTS} each: direct [{}] ms, sandboxed [{}] ms",
        ms(&direct),
        ms(&boxed)
    );
    let (d50, b50) = (median_ms(direct), median_ms(boxed));
    println!(
        "  p50 direct {d50:.0} ms, sandboxed {b50:.0} ms ({:.2}×)",
        b50 / d50
    );
    model.stop().await;
    ExitCode::SUCCESS
}
