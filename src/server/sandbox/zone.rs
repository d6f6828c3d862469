//! The agent zone as bubblewrap sees it: the system read-only, a private
//! `/tmp`, new PID, IPC and UTS namespaces, no capabilities, pocketcode's
//! secrets covered, and only the directories the agent works in writable.
//!
//! bubblewrap was chosen over Landlock because Landlock only restricts file
//! access: it cannot give a private `/tmp`, hide pocketcode's processes
//! from `/proc` or drop root's capabilities, and it needs code in our own
//! `pre_exec`. bubblewrap runs as root (capabilities dropped) and
//! unprivileged (through a user namespace) alike.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::SandboxError;

/// What the agent zone may see and change.
#[derive(Clone, Debug, Default)]
pub struct Zone {
    /// Covered: an empty directory (or an empty file) in their place.
    pub hidden: Vec<PathBuf>,
    /// Shown again, read-only, inside a hidden directory (the opencode
    /// install when it lives under the hidden home directory).
    pub readable: Vec<PathBuf>,
    /// Where the agent works: read-write, even inside a hidden directory.
    pub writable: Vec<PathBuf>,
}

/// The namespaces and privileges every sandboxed process gets.
const ISOLATION: &[&str] = &[
    "--die-with-parent",
    "--unshare-pid",
    "--unshare-ipc",
    "--unshare-uts",
    "--unshare-cgroup-try",
    "--cap-drop",
    "ALL",
];

impl Zone {
    /// bubblewrap's arguments up to (not including) `--` and the command.
    /// Writable directories are created when missing; paths are resolved so
    /// a symlink cannot point a mount elsewhere.
    pub fn bwrap_args(&self, workdir: &Path) -> Result<Vec<OsString>, SandboxError> {
        let mut args: Vec<OsString> = ISOLATION.iter().map(OsString::from).collect();
        args.extend(
            [
                "--ro-bind",
                "/",
                "/",
                "--dev",
                "/dev",
                "--proc",
                "/proc",
                "--tmpfs",
                "/tmp",
            ]
            .map(OsString::from),
        );
        for path in by_depth(existing(&self.hidden)) {
            if path.is_dir() {
                args.extend([OsString::from("--tmpfs"), path.into()]);
            } else {
                args.extend([
                    OsString::from("--ro-bind"),
                    OsString::from("/dev/null"),
                    path.into(),
                ]);
            }
        }
        for path in by_depth(existing(&self.readable)) {
            args.extend([
                OsString::from("--ro-bind"),
                path.clone().into(),
                path.into(),
            ]);
        }
        let mut writable = Vec::new();
        for dir in &self.writable {
            std::fs::create_dir_all(dir).map_err(|source| SandboxError::Directory {
                path: dir.display().to_string(),
                source,
            })?;
            writable.push(canonical(dir));
        }
        for path in by_depth(writable) {
            args.extend([OsString::from("--bind"), path.clone().into(), path.into()]);
        }
        args.extend([OsString::from("--chdir"), canonical(workdir).into()]);
        Ok(args)
    }
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

fn existing(paths: &[PathBuf]) -> Vec<PathBuf> {
    paths
        .iter()
        .filter(|p| p.exists())
        .map(|p| canonical(p))
        .collect()
}

/// Parents before children, so a mount inside another is made after it.
fn by_depth(mut paths: Vec<PathBuf>) -> Vec<PathBuf> {
    paths.sort_by_key(|p| p.components().count());
    paths.dedup();
    paths
}

/// The `node_modules` directory a tool was installed in (so its package,
/// and the packages it loads, stay readable), or the directory holding its
/// `bin/` (an install prefix), or its own directory.
pub fn install_root(tool: &Path) -> Option<PathBuf> {
    let tool = canonical(tool);
    let dir = tool.parent()?;
    let root = tool
        .ancestors()
        .find(|dir| dir.file_name().is_some_and(|n| n == "node_modules"))
        .or_else(|| dir.file_name().filter(|n| *n == "bin").and(dir.parent()))
        .filter(|root| root.parent().is_some())
        .unwrap_or(dir);
    Some(root.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_before_readable_before_writable_parents_first() {
        let base = std::env::temp_dir().join(format!("zone-test-{}", std::process::id()));
        let data = base.join("data");
        let work = data.join("worktrees");
        std::fs::create_dir_all(data.join("auth")).expect("dirs");
        std::fs::write(base.join("known_hosts"), "").expect("file");
        let zone = Zone {
            hidden: vec![data.clone(), base.join("known_hosts"), base.join("missing")],
            readable: vec![],
            writable: vec![work.clone()],
        };
        let args: Vec<String> = zone
            .bwrap_args(&work)
            .expect("args")
            .into_iter()
            .map(|a| a.into_string().expect("utf-8"))
            .collect();
        let at = |needle: &str| args.iter().position(|a| a == needle).expect(needle);
        let data = canonical(&data).display().to_string();
        let work = canonical(&work).display().to_string();
        assert!(at("--tmpfs") < at(&data), "{args:?}");
        assert!(at(&data) < at(&work), "{args:?}");
        assert!(
            args.contains(&"/dev/null".to_string()),
            "a hidden file: {args:?}"
        );
        assert!(!args.iter().any(|a| a.contains("missing")), "{args:?}");
        assert!(args.windows(2).any(|w| w == ["--cap-drop", "ALL"]));
        let _ = std::fs::remove_dir_all(&base);
    }

    #[test]
    fn a_tool_installed_by_npm_keeps_its_node_modules() {
        let root = install_root(Path::new(
            "/srv/app/node_modules/opencode-linux-x64/bin/opencode",
        ));
        assert_eq!(root, Some(PathBuf::from("/srv/app/node_modules")));
        let root = install_root(Path::new("/app/opencode/bin/opencode"));
        assert_eq!(root, Some(PathBuf::from("/app/opencode")));
        let root = install_root(Path::new("/opt/opencode"));
        assert_eq!(root, Some(PathBuf::from("/opt")));
    }
}
