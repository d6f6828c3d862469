//! A remote chat's files: its session's directory on the remote machine.
//! Folders and text come from the remote opencode's API through the
//! tunnel (`GET /file`, `GET /file/content`, `GET /vcs/status`); the bytes
//! of downloads, zips and uploads go over the remote's own ssh (opencode
//! has no write API, and trims the text it serves), through the scripts of
//! [`shell`], which refuse what leads out of the directory on the remote
//! itself. The same refusals as a local chat's: names, `..`, links out,
//! the size limit.

mod listing;
mod shell;
mod transfer;

use std::path::PathBuf;
use std::time::Duration;

use tokio::process::Command;

pub use transfer::{download_file, download_zip, upload};

use super::{FilesError, WorktreePath};
use crate::server::opencode_client::OpencodeClient;
use crate::server::remotes;
use crate::server::ssh::{Profile, SshSettings, remote_sh};
use crate::server::state::AppState;
use shell::Refusal;

pub use listing::{list_folder, read_text};

/// How long a short remote command (a check, placing files) may take.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

/// A remote chat's directory and the ways to reach it.
pub struct RemoteTree {
    remote: String,
    /// The directory the chat's session is bound to, on the remote.
    dir: PathBuf,
    client: OpencodeClient,
    profile: Profile,
    settings: SshSettings,
}

impl RemoteTree {
    /// Session `session` of connected remote `remote`: 404 for an unknown
    /// one, 503 while the remote is not connected.
    pub async fn open(state: &AppState, remote: &str, session: &str) -> Result<Self, FilesError> {
        let client = remotes::client(state, remote).await?;
        let profile = remotes::profile(state, remote).await?;
        let dir = PathBuf::from(client.find_session(session).await?.directory);
        Ok(Self {
            remote: remote.to_owned(),
            dir,
            client,
            profile,
            settings: state.ssh.settings().clone(),
        })
    }

    fn dir_arg(&self) -> String {
        self.dir.to_string_lossy().into_owned()
    }

    /// `script` on the remote with the directory, `path` and `rest` as its
    /// arguments; the command, for the caller to run.
    fn command(&self, script: &str, path: &WorktreePath, rest: &[&str]) -> std::process::Command {
        let dir = self.dir_arg();
        let mut args = vec![dir.as_str(), path.as_str()];
        args.extend_from_slice(rest);
        remote_sh(&self.profile, &self.settings, script, &args)
    }

    /// Runs `script` to its end (stdin closed): its stdout, or the
    /// refusal its exit code means.
    async fn run(
        &self,
        script: &str,
        path: &WorktreePath,
        rest: &[&str],
    ) -> Result<String, FilesError> {
        let mut command = Command::from(self.command(script, path, rest));
        command
            .stdin(std::process::Stdio::null())
            .kill_on_drop(true);
        let output = tokio::time::timeout(COMMAND_TIMEOUT, command.output())
            .await
            .map_err(|_| {
                FilesError::Remote(format!(
                    "{} did not answer within {} s",
                    self.remote,
                    COMMAND_TIMEOUT.as_secs()
                ))
            })??;
        if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout).into_owned())
        } else {
            Err(self.refused(
                shell::refusal(output.status.code(), &output.stderr),
                path,
                "not the kind of entry asked for",
            ))
        }
    }

    /// The error a script's refusal deserves; `wrong_kind` says what exit
    /// 5 meant for it.
    fn refused(&self, refusal: Refusal, path: &WorktreePath, wrong_kind: &str) -> FilesError {
        match refusal {
            Refusal::Outside => FilesError::Outside(path.shown()),
            Refusal::Missing => FilesError::NotFound(format!(
                "{} is not in the chat's directory on {}",
                path.shown(),
                self.remote
            )),
            Refusal::WrongKind => FilesError::Invalid(format!("{}: {wrong_kind}", path.shown())),
            Refusal::Exists(name) => FilesError::Exists(name),
            Refusal::Ssh(why) => FilesError::Unreachable(format!(
                "ssh to {} failed: {why} (see the Connections page)",
                self.remote
            )),
            Refusal::Failed(why) => {
                FilesError::Remote(format!("a command on {} failed: {why}", self.remote))
            }
        }
    }

    /// What `path` is on the remote (`folder`, `file`, `other`), or why it
    /// cannot be named: used to explain opencode's refusals, which do not
    /// say why.
    async fn kind(&self, path: &WorktreePath) -> Result<String, FilesError> {
        Ok(self.run(&shell::kind(), path, &[]).await?.trim().to_owned())
    }
}
