//! The agent zone: what opencode, everything it starts, and the shared
//! browser may see of this machine. Children get an allow-listed
//! environment ([`env`]); opencode runs inside a bubblewrap sandbox
//! ([`Zone`]) that covers pocketcode's secrets and processes; and
//! pocketcode itself is not dumpable, so nothing it starts can read its
//! `/proc/<pid>/environ` or memory.

pub mod env;
pub mod internal_ports;
mod zone;

use std::path::{Path, PathBuf};
use std::process::Stdio;

pub use zone::{Zone, install_root};

/// The program that builds the sandbox (Debian's `bubblewrap`).
pub const BWRAP: &str = "bwrap";

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error(
        "the agent sandbox cannot start: {reason}. Install bubblewrap (`apt-get install bubblewrap`) \
         and allow user namespaces, or pass --no-sandbox (POCKETCODE_NO_SANDBOX=1) to run the agent \
         without it"
    )]
    Refused { reason: String },
    #[error("cannot create {path} for the agent sandbox: {source}")]
    Directory {
        path: String,
        source: std::io::Error,
    },
}

/// Makes this process non-dumpable: its `/proc/<pid>/environ`, `mem` and
/// `maps` become unreadable to other processes of the same user, and they
/// cannot ptrace it. Children start dumpable again after `execve` (they are
/// not setuid), which is what they need.
pub fn forbid_inspection() -> std::io::Result<()> {
    nix::sys::prctl::set_dumpable(false).map_err(std::io::Error::from)
}

/// Checks that this kernel and user can build the sandbox, by running
/// `true` in one with the same namespaces and privileges.
pub async fn probe() -> Result<(), SandboxError> {
    let zone = Zone::default();
    let args = zone
        .bwrap_args(Path::new("/"))
        .map_err(|e| SandboxError::Refused {
            reason: e.to_string(),
        })?;
    let output = tokio::process::Command::new(BWRAP)
        .args(args)
        .args(["--", "true"])
        .env_clear()
        .envs(env::inherited())
        .stdin(Stdio::null())
        .output()
        .await
        .map_err(|e| SandboxError::Refused {
            reason: format!("cannot run {BWRAP}: {e}"),
        })?;
    if output.status.success() {
        Ok(())
    } else {
        Err(SandboxError::Refused {
            reason: format!(
                "{BWRAP} failed ({}): {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            ),
        })
    }
}

/// What opencode and its children may see: their own directories
/// writable, pocketcode's secrets covered, the rest of the system read-only.
pub fn agent_zone(
    layout: &crate::server::git::Layout,
    workspace: &Path,
    opencode_home: &Path,
    ssh_files: &[Option<PathBuf>],
) -> Zone {
    let data_dir = layout.data_dir();
    Zone {
        hidden: secrets_outside(data_dir, ssh_files),
        // The browser tools' MCP server, which opencode starts.
        readable: crate::server::browser::locate_mcp_cli()
            .as_deref()
            .and_then(install_root)
            .into_iter()
            .collect(),
        writable: vec![
            workspace.to_path_buf(),
            opencode_home.to_path_buf(),
            layout.repos_dir(),
            layout.worktrees_dir(),
            // Each chat's browser (its profile, the agent's browser tools'
            // files) lives in browsers/<chat>/.
            data_dir.join("browsers"),
        ],
    }
}

/// What pocketcode keeps from the agent besides its data directory: the
/// user's home (ssh keys, tokens, credentials of other tools), the ssh
/// files it was told to use, the ssh agent's socket, other users' runtime
/// directories and the Docker socket.
pub fn secrets_outside(data_dir: &Path, ssh_files: &[Option<PathBuf>]) -> Vec<PathBuf> {
    let mut hidden = vec![
        data_dir.to_path_buf(),
        PathBuf::from("/root"),
        PathBuf::from("/run/user"),
        PathBuf::from("/run/docker.sock"),
        PathBuf::from("/var/run/docker.sock"),
    ];
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from)
        && home.parent().is_some()
    {
        hidden.push(home);
    }
    if let Some(socket) = std::env::var_os("SSH_AUTH_SOCK").map(PathBuf::from)
        && let Some(dir) = socket.parent().filter(|d| d.parent().is_some())
    {
        hidden.push(dir.to_path_buf());
    }
    hidden.extend(ssh_files.iter().flatten().cloned());
    hidden
}
