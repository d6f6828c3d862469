//! Orphan processes: found when adopted by init inside the data directory,
//! killed with TERM (then KILL), and everything else refused.

use std::panic::AssertUnwindSafe;

use futures::FutureExt;

use crate::common::TestServer;
use crate::common::http::admin;

/// Starts `script` in the background from a shell that exits at once, so
/// the process is adopted by init: an orphan. Returns its pid.
fn orphan(dir: &std::path::Path, script: &str) -> u32 {
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("({script}) </dev/null >/dev/null 2>&1 & echo $!"))
        .current_dir(dir)
        .output()
        .expect("start an orphan");
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .expect("the orphan's pid")
}

fn running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rsplit_once(')')
            .is_some_and(|(_, rest)| !rest.trim_start().starts_with(['Z', 'X']))
    })
}

pub async fn orphans_are_found_and_killed(server: &TestServer, fixtures: &std::path::Path) {
    let inside = server.data_dir.path().join("worktrees");
    let polite = orphan(&inside, "exec sleep 301");
    let stubborn = orphan(&inside, "trap '' TERM; exec sleep 302");
    let elsewhere = orphan(fixtures, "exec sleep 303");
    let mut child = std::process::Command::new("sleep")
        .arg("304")
        .current_dir(&inside)
        .spawn()
        .expect("a child of ours");
    let outcome = AssertUnwindSafe(async {
        let (_, listed) = admin(server, "GET", "/admin/processes", None).await;
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        let mut listed = listed;
        while !listed.to_string().contains("sleep 302") {
            assert!(
                tokio::time::Instant::now() < deadline,
                "orphans not found: {listed}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            listed = admin(server, "GET", "/admin/processes", None).await.1;
        }
        let pids: Vec<u64> = listed
            .as_array()
            .expect("array")
            .iter()
            .filter_map(|p| p["pid"].as_u64())
            .collect();
        assert!(
            pids.contains(&u64::from(polite)) && pids.contains(&u64::from(stubborn)),
            "{listed}"
        );
        assert!(
            !pids.contains(&u64::from(elsewhere)),
            "outside the data dir: {listed}"
        );
        assert!(
            !pids.contains(&u64::from(child.id())),
            "not an orphan: {listed}"
        );
        let entry = listed
            .as_array()
            .and_then(|all| all.iter().find(|p| p["pid"] == polite))
            .expect("the polite orphan");
        assert_eq!(entry["command"], "sleep 301");
        assert_eq!(entry["parent_pid"], 1);
        assert!(
            entry["rss_bytes"].as_u64().is_some_and(|b| b > 0),
            "{entry}"
        );

        // Refusals: PID 1, pocketcode, opencode, a child, a stranger, nothing.
        let (_, health) = admin(server, "GET", "/admin/health", None).await;
        let opencode = health["opencode"]["pid"].as_u64().expect("opencode pid");
        for (pid, expected) in [
            (1, 400),
            (u64::from(std::process::id()), 400),
            (opencode, 403),
            (u64::from(child.id()), 403),
            (u64::from(elsewhere), 403),
            (4_000_000, 404),
        ] {
            let (status, body) = admin(
                server,
                "POST",
                &format!("/admin/processes/{pid}/kill"),
                None,
            )
            .await;
            assert_eq!(status, expected, "kill {pid}: {body}");
            assert!(body["error"].is_string(), "{body}");
        }
        for bad in ["abc", "-1", "0", "99999999999", "1.5", "%20"] {
            let (status, body) = admin(
                server,
                "POST",
                &format!("/admin/processes/{bad}/kill"),
                None,
            )
            .await;
            assert_eq!(status, 400, "kill {bad}: {body}");
        }
        for query in ["grace_ms=100000", "grace_ms=abc", "signal=9"] {
            let path = format!("/admin/processes/{polite}/kill?{query}");
            let (status, body) = admin(server, "POST", &path, None).await;
            assert_eq!(status, 400, "{query}: {body}");
        }
        assert!(
            running(polite) && running(elsewhere) && running(child.id()),
            "refusals killed nothing"
        );

        let (status, killed) = admin(
            server,
            "POST",
            &format!("/admin/processes/{polite}/kill?grace_ms=2000"),
            None,
        )
        .await;
        assert_eq!(status, 200, "{killed}");
        assert_eq!(killed["signal"], "SIGTERM");
        assert!(!running(polite));
        let (status, killed) = admin(
            server,
            "POST",
            &format!("/admin/processes/{stubborn}/kill?grace_ms=300"),
            None,
        )
        .await;
        assert_eq!(status, 200, "{killed}");
        assert_eq!(killed["signal"], "SIGKILL", "it ignores SIGTERM");
        assert!(!running(stubborn));
        let (status, body) = admin(
            server,
            "POST",
            &format!("/admin/processes/{polite}/kill"),
            None,
        )
        .await;
        assert_eq!(status, 404, "already gone: {body}");
    })
    .catch_unwind()
    .await;
    let _ = child.kill();
    let _ = child.wait();
    for pid in [polite, stubborn, elsewhere] {
        let _ = std::process::Command::new("kill")
            .args(["-9", &pid.to_string()])
            .status();
    }
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
