//! A connected remote as another backend: a client for its opencode through
//! the tunnel, and its sessions as chats of the repo `@<connection>` (chat
//! features only: their git lifecycle stays on the remote).

use super::{Connections, RemoteState};
use crate::model::chats::{ChatSummary, WorktreeInfo};
use crate::model::remotes::remote_repo;
use crate::opencode::Session;
use crate::server::opencode_client::OpencodeClient;
use crate::server::supervisor::Upstream;

/// How many of a remote's latest top-level sessions the chat list shows.
pub const LISTED_SESSIONS: usize = 50;

impl Connections {
    /// How to reach connection `name`'s opencode, while it is connected:
    /// with the password pocketcode started it with (empty for an open
    /// one the user accepted).
    pub fn upstream(&self, name: &str) -> Option<Upstream> {
        match self.state(name) {
            RemoteState::Connected { local_port, .. } => Some(Upstream {
                base_url: format!("http://127.0.0.1:{local_port}"),
                password: self.password(name).unwrap_or_default(),
            }),
            _ => None,
        }
    }

    /// A client for connection `name`'s opencode, while it is connected.
    pub fn client(&self, name: &str) -> Option<OpencodeClient> {
        self.upstream(name)
            .map(|upstream| OpencodeClient::new(self.http.clone(), upstream))
    }

    /// The local ends of the connected tunnels: loopback ports of
    /// pocketcode's that lead to a remote opencode (the agent must not
    /// reach them: an accepted open remote has no password).
    pub fn local_ports(&self) -> Vec<u16> {
        self.names()
            .iter()
            .filter_map(|name| match self.state(name) {
                RemoteState::Connected { local_port, .. } => Some(local_port),
                _ => None,
            })
            .collect()
    }

    /// The connections that are connected right now, by name.
    pub fn connected(&self) -> Vec<String> {
        let mut names: Vec<String> = self.names();
        names.retain(|name| matches!(self.state(name), RemoteState::Connected { .. }));
        names.sort();
        names
    }
}

/// A remote session as the chat list shows it: repo `@<connection>`, the
/// session id as the chat id, the session's directory as the path.
pub fn as_chat(connection: &str, session: Session) -> ChatSummary {
    ChatSummary {
        worktree: WorktreeInfo {
            repo: remote_repo(connection),
            chat_id: session.id.clone(),
            path: session.directory,
            branch: None,
            dirty: false,
            // The remote's opencode loads its directory's config as that
            // machine is set up to; pocketcode sets nothing aside there.
            trusted: true,
            created: session.time.created / 1000,
        },
        session_id: Some(session.id),
        title: session.title,
        updated: session.time.updated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opencode::SessionTime;

    #[test]
    fn a_remote_session_is_a_chat_of_its_connection() {
        let session = Session {
            id: "ses_abc".into(),
            title: "Fix it".into(),
            directory: "/home/me/project".into(),
            time: SessionTime {
                created: 5_000,
                updated: 9_000,
            },
            share: None,
            revert: None,
        };
        let chat = as_chat("devbox", session);
        assert_eq!(chat.worktree.repo, "@devbox");
        assert_eq!(chat.worktree.chat_id, "ses_abc");
        assert_eq!(chat.worktree.path, "/home/me/project");
        assert_eq!(chat.worktree.created, 5);
        assert_eq!(chat.session_id.as_deref(), Some("ses_abc"));
        assert_eq!(chat.updated, 9_000);
    }
}
