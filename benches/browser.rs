//! The shared browser, measured through pocketcode on loopback: a real
//! headless Chromium per chat and a Browser panel client on pocketcode's
//! WebSocket (decoding each JPEG, as a phone would, then acking it).
//!
//! - frames per second and bytes per frame on a page that changes every
//!   animation frame, for a panel of 390×700 CSS px at pixel ratio 1 and 2;
//! - the same for a slow panel that takes 400 ms before acking each frame
//!   (the quality and size it is brought down to), and once it is fast again;
//! - tap-to-frame latency: a tap sent on the socket until the first frame
//!   showing the tapped button's new colour arrives;
//! - Chromium's memory for one chat (PSS of its whole process group, so
//!   shared pages are counted once; the plain sum of RSS beside it),
//!   idle on about:blank and after two pages.
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
use pocketcode::model::browser::ClientMessage;

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
    let idle_memory = group_memory_mib(pid);

    let mut panel = Panel::open(&server, &chat.repo, &chat.chat_id).await;
    println!(
        "shared browser through pocketcode (loopback, {} cores)",
        cores()
    );
    println!(
        "\n| panel | ack delay | frames/s | KiB/frame (mean) | last frame (px) | JPEG quality at the end |"
    );
    println!("|---|---|---|---|---|---|");
    panel
        .send(&ClientMessage::Navigate {
            url: pages.url("/animated"),
        })
        .await;
    for (ratio, delay) in [(1.0, 0), (2.0, 0), (2.0, 400)] {
        panel.phone_viewport(ratio).await;
        // Settle: the new size (and quality) takes a restart of the screencast.
        let _ = stream(&mut panel, Duration::from_secs(2), 0).await;
        let (count, bytes, size, quality) = stream(&mut panel, RUN, delay).await;
        println!(
            "| 390×700 @{ratio} | {delay} ms | {:.1} | {:.1} | {size} | {quality} |",
            count as f64 / RUN.as_secs_f64(),
            bytes as f64 / count.max(1) as f64 / 1024.0,
        );
    }
    // Back to a fast panel: the quality climbs back a step a second.
    let _ = stream(&mut panel, Duration::from_secs(5), 0).await;
    let (count, bytes, size, quality) = stream(&mut panel, RUN, 0).await;
    println!(
        "| 390×700 @2, fast again | 0 ms | {:.1} | {:.1} | {size} | {quality} |",
        count as f64 / RUN.as_secs_f64(),
        bytes as f64 / count.max(1) as f64 / 1024.0,
    );

    panel.phone_viewport(1.0).await;
    panel
        .send(&ClientMessage::Navigate {
            url: pages.url("/"),
        })
        .await;
    panel
        .frame_where("the button page", |f| f.shows(20.0, 100.0, RED))
        .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let page_memory = group_memory_mib(pid);
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
        "Chromium's memory for one chat, PSS (RSS summed) of its process group: {:.0} ({:.0}) MiB idle on about:blank, {:.0} ({:.0}) MiB after the animated and button pages",
        idle_memory.0, idle_memory.1, page_memory.0, page_memory.1
    );
    server.stop().await;
    ExitCode::SUCCESS
}

/// Reads frames for `run`, acking each after `delay` ms; returns how many
/// came, their bytes, and the last one's size and JPEG quality.
async fn stream(panel: &mut Panel, run: Duration, delay: u64) -> (usize, usize, String, u8) {
    let end = Instant::now() + run;
    let (mut count, mut bytes, mut size, mut quality) = (0, 0, String::new(), 0);
    while Instant::now() < end {
        let left = end.saturating_duration_since(Instant::now());
        match panel.receive(left).await {
            Some(Received::Frame(frame)) => {
                count += 1;
                bytes += frame.bytes;
                quality = frame.header.quality;
                size = format!("{}×{}", frame.width, frame.height);
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
    (count, bytes, size, quality)
}

/// The proportional set size of every process in group `pgid`, and their
/// resident sizes summed, in MiB.
fn group_memory_mib(pgid: u32) -> (f64, f64) {
    let (mut pss, mut rss) = (0_u64, 0_u64);
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
        let field = |name: &str| {
            rollup
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                .unwrap_or_default()
        };
        pss += field("Pss:");
        rss += field("Rss:");
    }
    (pss as f64 / 1024.0, rss as f64 / 1024.0)
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
