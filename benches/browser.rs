//! The shared browser, measured through pocketcode on loopback: a real
//! headless Chromium per chat and a Browser panel client on pocketcode's
//! WebSocket (decoding each JPEG, as a phone would, then acking it).
//!
//! - frames per second and bytes per frame on a page that changes every
//!   animation frame, for a panel of 390×700 CSS px at pixel ratio 1 and 2;
//! - the same for a slow panel that takes 150 ms before acking each frame
//!   (the quality it is brought down to, and its frame size);
//! - tap-to-frame latency: a tap sent on the socket until the first frame
//!   showing the tapped button's new colour arrives;
//! - Chromium's memory for one chat (PSS of its whole process group, so
//!   shared pages are counted once), idle on about:blank and on a page.
//!
//! Run with `cargo bench --features ssr --bench browser`.

use std::process::ExitCode;
use std::time::{Duration, Instant};

#[path = "../tests/common/mod.rs"]
mod common;

use common::TestServer;
use common::git_fixture::Remote;
use common::http::{NewChat, call};
use common::panel::{Panel, Received, TestPages};
use pocketcode::browser::ClientMessage;

const RED: (u8, u8, u8) = (200, 30, 30);
const GREEN: (u8, u8, u8) = (30, 160, 60);
const TAPS: usize = 30;
const RUN: Duration = Duration::from_secs(5);

#[tokio::main]
async fn main() -> ExitCode {
    let pages = TestPages::start().await;
    let server = TestServer::start(&[]).await;
    server.wait_ready().await;
    let fixtures = common::TempDir::new();
    let remote = Remote::create(fixtures.path(), "remote");
    let chat = NewChat::make(&server, &remote.url()).await;
    let form = [
        ("repo", chat.repo.as_str()),
        ("chat_id", chat.chat_id.as_str()),
    ];
    let (status, state) = call(&server, "start_browser", &form).await;
    if status != 200 {
        eprintln!("start_browser answered {status}: {state}");
        return ExitCode::FAILURE;
    }
    let pid = state["pid"].as_u64().unwrap_or_default() as u32;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let idle_memory = group_pss_mib(pid);

    let mut panel = Panel::open(&server, &chat.repo, &chat.chat_id).await;
    println!(
        "shared browser through pocketcode (loopback, {} cores)",
        cores()
    );
    println!("\n| panel | ack delay | frames/s | KiB/frame (mean) | JPEG quality at the end |");
    println!("|---|---|---|---|---|");
    panel
        .send(&ClientMessage::Navigate {
            url: pages.url("/animated"),
        })
        .await;
    for (ratio, delay) in [(1.0, 0), (2.0, 0), (2.0, 150)] {
        panel
            .send(&ClientMessage::Viewport {
                width: 390,
                height: 700,
                ratio,
            })
            .await;
        // Settle: the new size (and quality) takes a restart of the screencast.
        let _ = stream(&mut panel, Duration::from_secs(2), 0).await;
        let (count, bytes, quality) = stream(&mut panel, RUN, delay).await;
        println!(
            "| 390×700 @{ratio} | {delay} ms | {:.1} | {:.1} | {quality} |",
            count as f64 / RUN.as_secs_f64(),
            bytes as f64 / count.max(1) as f64 / 1024.0,
        );
    }
    // Back to a fast panel: the quality climbs back.
    let _ = stream(&mut panel, Duration::from_secs(4), 0).await;
    let (_, _, quality) = stream(&mut panel, Duration::from_secs(1), 0).await;
    println!("| 390×700 @2, caught up again | 0 ms | | | {quality} |");

    panel
        .send(&ClientMessage::Viewport {
            width: 390,
            height: 700,
            ratio: 1.0,
        })
        .await;
    panel
        .send(&ClientMessage::Navigate {
            url: pages.url("/"),
        })
        .await;
    panel
        .frame_where("the button page", |f| f.shows(20.0, 100.0, RED))
        .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let page_memory = group_pss_mib(pid);
    let mut latencies = Vec::new();
    for i in 0..TAPS {
        let wanted = if i % 2 == 0 { GREEN } else { RED };
        let sent = Instant::now();
        panel.send(&ClientMessage::Tap { x: 195.0, y: 100.0 }).await;
        panel
            .frame_where("the tapped colour", |f| f.shows(20.0, 100.0, wanted))
            .await;
        latencies.push(sent.elapsed().as_secs_f64() * 1000.0);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    latencies.sort_by(f64::total_cmp);
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
    println!(
        "\ntap → frame showing it ({TAPS} taps): p50 {:.1} ms, p90 {:.1} ms, max {:.1} ms",
        at(0.5),
        at(0.9),
        at(1.0)
    );
    println!(
        "Chromium's memory for one chat (PSS of its process group): {idle_memory:.0} MiB idle on about:blank, {page_memory:.0} MiB after the animated and button pages"
    );
    server.stop().await;
    ExitCode::SUCCESS
}

/// Reads frames for `run`, acking each after `delay` ms; returns how many
/// came, their bytes, and the last one's JPEG quality.
async fn stream(panel: &mut Panel, run: Duration, delay: u64) -> (usize, usize, u8) {
    let end = Instant::now() + run;
    let (mut count, mut bytes, mut quality) = (0, 0, 0);
    while Instant::now() < end {
        let left = end.saturating_duration_since(Instant::now());
        match panel.receive(left).await {
            Some(Received::Frame(frame)) => {
                count += 1;
                bytes += frame.bytes;
                quality = frame.header.quality;
                tokio::time::sleep(Duration::from_millis(delay)).await;
                panel
                    .send(&ClientMessage::Ack {
                        seq: frame.header.seq,
                    })
                    .await;
            }
            Some(Received::Message) => {}
            None => break,
        }
    }
    (count, bytes, quality)
}

/// The proportional set size of every process in group `pgid`, in MiB.
fn group_pss_mib(pgid: u32) -> f64 {
    let mut kib = 0_u64;
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let path = entry.path();
        let Ok(stat) = std::fs::read_to_string(path.join("stat")) else {
            continue;
        };
        // Fields after the command (which may hold spaces): state ppid pgrp …
        let Some(rest) = stat.rsplit_once(')').map(|(_, rest)| rest) else {
            continue;
        };
        let pgrp: Option<u32> = rest.split_whitespace().nth(2).and_then(|p| p.parse().ok());
        if pgrp != Some(pgid) {
            continue;
        }
        let rollup = std::fs::read_to_string(path.join("smaps_rollup")).unwrap_or_default();
        kib += rollup
            .lines()
            .find_map(|l| l.strip_prefix("Pss:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .unwrap_or_default();
    }
    kib as f64 / 1024.0
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
