//! Embeds pocketcode's version: `git describe --always --dirty` and the
//! build time (UTC), as `POCKETCODE_GIT_DESCRIBE` and `POCKETCODE_BUILT_AT`.
//!
//! Where there is no git checkout (a Docker build, whose context leaves out
//! `.git`), the `POCKETCODE_VERSION` environment variable (the image's build
//! argument) stands in for the describe; without either, the crate version.
//! `SOURCE_DATE_EPOCH`, when set, is the build time (reproducible builds).
//! The WASM build embeds placeholders (the browser is told the version).

use std::path::PathBuf;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

fn main() {
    println!("cargo:rerun-if-env-changed=POCKETCODE_VERSION");
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    // Sources: they change the build anyway, so the time and the `-dirty`
    // mark are refreshed with them.
    for path in ["src", "Cargo.toml", "Cargo.lock", "build.rs"] {
        println!("cargo:rerun-if-changed={path}");
    }
    // The WASM bundle gets the version from the server (`get_info`), so it
    // embeds none: a commit then rebuilds only the server, not the bundle.
    if std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|arch| arch == "wasm32") {
        println!("cargo:rustc-env=POCKETCODE_GIT_DESCRIBE=browser");
        println!("cargo:rustc-env=POCKETCODE_BUILT_AT=unembedded");
        return;
    }
    // One word: the version is "<describe> <built at>", split at the space.
    let describe = std::env::var("POCKETCODE_VERSION")
        .ok()
        .map(|v| v.split_whitespace().collect::<Vec<_>>().join("-"))
        .filter(|v| !v.is_empty())
        .or_else(git_describe)
        .unwrap_or_else(|| std::env::var("CARGO_PKG_VERSION").expect("set by cargo"));
    println!("cargo:rustc-env=POCKETCODE_GIT_DESCRIBE={describe}");
    println!("cargo:rustc-env=POCKETCODE_BUILT_AT={}", built_at());
}

/// `git describe --always --dirty`, and what to watch so a new commit or a
/// checkout rebuilds with the new version.
fn git_describe() -> Option<String> {
    let git_dir = git(&["rev-parse", "--absolute-git-dir"])?;
    let git_dir = PathBuf::from(git_dir);
    for watched in ["HEAD", "packed-refs", "refs/heads", "refs/tags"] {
        let path = git_dir.join(watched);
        if path.exists() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
    git(&["describe", "--always", "--dirty"])
}

fn git(args: &[&str]) -> Option<String> {
    let output = Command::new("git").args(args).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// The build time as `YYYY-MM-DDTHH:MM:SSZ`.
fn built_at() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .expect("clock after 1970")
                .as_secs()
        });
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// The proleptic Gregorian date `days` after 1970-01-01 (eras of 400 years,
/// each 146 097 days, counted from a March 1st so leap days fall last).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let shifted = days + 719_468; // days from 0000-03-01 to 1970-01-01
    let era = shifted / 146_097;
    let day_of_era = shifted % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153; // 0 = March
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = era * 400 + year_of_era + u64::from(month <= 2);
    (year, month, day)
}
