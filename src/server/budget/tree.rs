//! Resident memory of a process and everything below it, from `/proc`:
//! opencode's own memory is not the whole bill, the MCP servers, LSP
//! servers and commands it starts live as its descendants.

use std::collections::HashMap;

use crate::server::system::ProcStat;

/// One process of the tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessMemory {
    pub pid: u32,
    /// Its `comm` (at most 15 bytes, e.g. `opencode`, `node`, `bwrap`).
    pub name: String,
    pub rss_bytes: u64,
}

/// A process tree's resident memory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TreeMemory {
    /// The sum over its processes (pages they share count once per process,
    /// as `ps` shows them).
    pub rss_bytes: u64,
    /// Its processes, the largest first.
    pub processes: Vec<ProcessMemory>,
}

/// The tree rooted at `root`; `None` when `root` is gone. Blocking: reads
/// `/proc` (one small file per process on the machine).
pub fn tree_memory(root: u32) -> Option<TreeMemory> {
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    let mut names: HashMap<u32, String> = HashMap::new();
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
            continue;
        };
        // Gone between the listing and the read: not part of the tree.
        if let Some(stat) = ProcStat::read(pid) {
            children.entry(stat.parent).or_default().push(pid);
            names.insert(pid, stat.name);
        }
    }
    if !names.contains_key(&root) {
        return None;
    }
    let mut processes = Vec::new();
    let mut pending = vec![root];
    while let Some(pid) = pending.pop() {
        pending.extend(children.get(&pid).into_iter().flatten());
        processes.push(ProcessMemory {
            pid,
            name: names.remove(&pid).unwrap_or_default(),
            rss_bytes: resident(pid),
        });
    }
    processes.sort_by(|a, b| b.rss_bytes.cmp(&a.rss_bytes).then(a.pid.cmp(&b.pid)));
    Some(TreeMemory {
        rss_bytes: processes.iter().map(|p| p.rss_bytes).sum(),
        processes,
    })
}

/// `VmRSS` of `/proc/<pid>/status`; 0 for a zombie or a process gone.
fn resident(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
            let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kib * 1024)
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tree_holds_its_children_and_their_memory() {
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .expect("sleep");
        let me = std::process::id();
        let tree = tree_memory(me).expect("this test's process");
        let pids: Vec<u32> = tree.processes.iter().map(|p| p.pid).collect();
        assert!(pids.contains(&me) && pids.contains(&child.id()), "{tree:?}");
        let own = tree.processes.iter().find(|p| p.pid == me).expect("me");
        assert!(own.rss_bytes > 0 && tree.rss_bytes >= own.rss_bytes);
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(tree_memory(child.id()), None);
    }
}
