//! Resident memory of a process and everything below it, from `/proc`:
//! opencode's own memory is not the whole bill, the MCP servers, LSP
//! servers and commands it starts live as its descendants.

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
/// a few small files per process of the tree, and nothing of the machine's
/// other processes (each thread's `children` names the processes it
/// started; a process's threads together name all of its children).
pub fn tree_memory(root: u32) -> Option<TreeMemory> {
    let root_name = name(root)?;
    let mut processes = Vec::new();
    let mut pending = vec![(root, root_name)];
    while let Some((pid, name)) = pending.pop() {
        pending.extend(
            children(pid)
                .into_iter()
                .filter_map(|c| Some((c, self::name(c)?))),
        );
        processes.push(ProcessMemory {
            pid,
            name,
            rss_bytes: resident(pid),
        });
    }
    processes.sort_by(|a, b| b.rss_bytes.cmp(&a.rss_bytes).then(a.pid.cmp(&b.pid)));
    Some(TreeMemory {
        rss_bytes: processes.iter().map(|p| p.rss_bytes).sum(),
        processes,
    })
}

/// `pid`'s `comm`; `None` when it is gone.
fn name(pid: u32) -> Option<String> {
    Some(
        read_small(&format!("/proc/{pid}/comm"))?
            .trim_end()
            .to_owned(),
    )
}

/// The processes `pid`'s threads started and that still have it as parent.
fn children(pid: u32) -> Vec<u32> {
    let Ok(threads) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    let mut found: Vec<u32> = threads
        .flatten()
        .filter_map(|thread| {
            read_small(&format!(
                "/proc/{pid}/task/{}/children",
                thread.file_name().to_str()?
            ))
        })
        .flat_map(|list| {
            list.split_whitespace()
                .filter_map(|child| child.parse().ok())
                .collect::<Vec<u32>>()
        })
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

/// `VmRSS` of `/proc/<pid>/status`; 0 for a zombie or a process gone.
fn resident(pid: u32) -> u64 {
    read_small(&format!("/proc/{pid}/status"))
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
            let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kib * 1024)
        })
        .unwrap_or(0)
}

/// A `/proc` file of a few KiB, read in page-sized reads (`/proc` files
/// report no size, so `read_to_string` would start with tiny ones).
fn read_small(path: &str) -> Option<String> {
    use std::io::Read as _;
    let mut file = std::fs::File::open(path).ok()?;
    let mut text = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        match file.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => text.extend_from_slice(&buffer[..n]),
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    String::from_utf8(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tree_holds_its_children_and_their_memory() {
        // Started by this test's thread, not the process's main thread.
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

    #[test]
    fn a_tree_holds_grandchildren_and_only_them() {
        let mut shell = std::process::Command::new("sh")
            .args(["-c", "sleep 30 & echo $!; wait"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("sh");
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(shell.stdout.take().expect("stdout")),
            &mut line,
        )
        .expect("the grandchild's pid");
        let grandchild: u32 = line.trim().parse().expect("a pid");
        // Forked as `sh` first: named `sleep` once it has exec'd.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while name(grandchild).as_deref() != Some("sleep") && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let tree = tree_memory(shell.id()).expect("the shell");
        let names: Vec<(u32, &str)> = tree
            .processes
            .iter()
            .map(|p| (p.pid, p.name.as_str()))
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        assert!(names.contains(&(grandchild, "sleep")), "{names:?}");
        assert!(names.contains(&(shell.id(), "sh")), "{names:?}");
        let _ = std::process::Command::new("kill")
            .arg(grandchild.to_string())
            .status();
        let _ = shell.wait();
    }
}
