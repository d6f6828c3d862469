//! Watching opencode from outside: its process tree (memory, MCP
//! processes), the event streams held open to it, and the instances it
//! disposes (from its own `/global/event`, not pocketcode's word).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt as _;
use pocketcode::server::supervisor::Upstream;

use crate::common::sse::{global_events, json_items};

/// `pid` and every process below it.
pub fn tree(pid: u32) -> Vec<u32> {
    let mut parents: HashMap<u32, Vec<u32>> = HashMap::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Some(child) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{child}/stat")) else {
            continue;
        };
        // `pid (comm) state ppid …`: comm may hold spaces and parentheses.
        let Some(ppid) = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        parents.entry(ppid).or_default().push(child);
    }
    let mut all = vec![pid];
    let mut next = 0;
    while next < all.len() {
        all.extend(parents.get(&all[next]).cloned().unwrap_or_default());
        next += 1;
    }
    all
}

/// The resident memory of `pid`'s whole tree, in MB.
pub fn rss_mb(pid: u32) -> u64 {
    let kb: u64 = tree(pid)
        .iter()
        .filter_map(|p| std::fs::read_to_string(format!("/proc/{p}/status")).ok())
        .filter_map(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .sum();
    kb / 1024
}

/// Each process of `pid`'s tree: its resident and anonymous memory (MB)
/// and its command, for the record.
pub fn breakdown(pid: u32) -> String {
    let field = |status: &str, name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .unwrap_or(0)
            / 1024
    };
    let mut lines = Vec::new();
    for p in tree(pid) {
        let Ok(status) = std::fs::read_to_string(format!("/proc/{p}/status")) else {
            continue;
        };
        let cmdline = std::fs::read(format!("/proc/{p}/cmdline")).unwrap_or_default();
        let command: String = String::from_utf8_lossy(&cmdline)
            .replace('\0', " ")
            .chars()
            .take(80)
            .collect();
        lines.push(format!(
            "  {p}: rss {} MB, anon {} MB: {command}",
            field(&status, "VmRSS:"),
            field(&status, "RssAnon:")
        ));
    }
    lines.join("\n")
}

/// How many of the agent's browser-tool MCP servers run below `pid`.
pub fn mcp_processes(pid: u32) -> usize {
    tree(pid)
        .iter()
        .filter_map(|p| std::fs::read(format!("/proc/{p}/cmdline")).ok())
        .map(|cmdline| String::from_utf8_lossy(&cmdline).into_owned())
        // `node …/@playwright/mcp/cli.js`, not the sandbox around it.
        .filter(|cmdline| {
            let program = cmdline.split('\0').next().unwrap_or_default();
            program.rsplit('/').next() == Some("node") && cmdline.contains("@playwright/mcp")
        })
        .count()
}

/// Client connections to `port` that carry an event stream: opencode
/// sends every stream a heartbeat each 10 s, so after `quiet` (longer
/// than that) with no other request, a stream has received something
/// within the last 10 s and a pooled idle connection has not.
pub fn streams_to(port: u16) -> usize {
    let out = std::process::Command::new("ss")
        .args([
            "-tniH",
            "state",
            "established",
            "dport",
            "=",
            &format!(":{port}"),
        ])
        .output()
        .expect("run ss");
    let text = String::from_utf8_lossy(&out.stdout);
    // One line per socket, then an indented line of its TCP details.
    let mut streams = 0;
    for details in text.lines().filter(|l| l.starts_with(char::is_whitespace)) {
        let last_received = details
            .split_whitespace()
            .find_map(|t| t.strip_prefix("lastrcv:"))
            .and_then(|ms| ms.parse::<u64>().ok())
            .unwrap_or(0);
        if last_received < 11_000 {
            streams += 1;
        }
    }
    streams
}

/// How many times opencode loaded `dir`'s instance, from its own log
/// (`<data dir>/opencode/data/opencode/log/opencode.log`).
pub fn instances_created(data_dir: &std::path::Path, dir: &str) -> usize {
    let log = data_dir.join("opencode/data/opencode/log/opencode.log");
    let wanted = format!("directory={dir}");
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains("message=\"creating instance\""))
        .filter(|l| l.split_whitespace().any(|t| t == wanted))
        .count()
}

/// Long enough that pooled connections look idle to [`streams_to`].
pub const QUIET: Duration = Duration::from_secs(14);

/// The instances opencode disposed, by directory, as its own global event
/// stream tells (a second subscriber next to pocketcode's).
pub struct Disposals {
    seen: Arc<Mutex<HashMap<String, usize>>>,
    reader: tokio::task::JoinHandle<()>,
}

impl Disposals {
    pub async fn watch(upstream: &Upstream) -> Self {
        let mut events = json_items(global_events(upstream).await);
        let seen = Arc::new(Mutex::new(HashMap::new()));
        let into = seen.clone();
        let reader = tokio::spawn(async move {
            while let Some(event) = events.next().await {
                if event["payload"]["type"] == "server.instance.disposed"
                    && let Some(dir) = event["directory"].as_str()
                {
                    *into
                        .lock()
                        .expect("lock")
                        .entry(dir.to_owned())
                        .or_insert(0) += 1;
                }
            }
        });
        Self { seen, reader }
    }

    /// How many times `dir`'s instance was disposed.
    pub fn of(&self, dir: &str) -> usize {
        self.seen
            .lock()
            .expect("lock")
            .get(dir)
            .copied()
            .unwrap_or(0)
    }

    pub fn stop(&self) {
        self.reader.abort();
    }
}
