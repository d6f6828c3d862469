//! Which chat a request means, decided once: a local chat (a worktree of a
//! cloned repo) or a remote one (a session of a connected remote's
//! opencode, repo `@<remote>`), and where it works.

use std::path::{Path, PathBuf};

use super::ChatError;
use crate::server::git::{ChatId, GitError, Layout, RepoName, WorktreeName};
use crate::server::opencode_client::OpencodeClient;
use crate::server::state::AppState;

/// A chat named by the `repo` and `chat_id` every chat request carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChatRef {
    /// Chat `chat_id` of the cloned repo `owner/name`: its worktree.
    Local(WorktreeName),
    /// Repo `@<remote>`: the chat is the remote opencode's session `chat_id`.
    Remote { remote: String, session: String },
}

impl ChatRef {
    /// Validated names: a repo and chat id, or a remote and session id.
    pub fn parse(repo: &str, chat_id: &str) -> Result<Self, ChatError> {
        match crate::model::remotes::remote_name(repo) {
            Some(remote) => {
                let session = crate::api::validate::session_id(chat_id)
                    .map_err(|e| ChatError::Invalid(e.to_string()))?;
                Ok(Self::Remote {
                    remote: remote.to_owned(),
                    session: session.to_owned(),
                })
            }
            None => Ok(Self::Local(WorktreeName::new(
                RepoName::parse(repo)?,
                ChatId::parse(chat_id)?,
            ))),
        }
    }

    /// The worktree of a local chat; git (changes, branches, worktrees) is
    /// refused for remote chats.
    pub fn worktree(&self) -> Result<&WorktreeName, ChatError> {
        match self {
            Self::Local(name) => Ok(name),
            Self::Remote { remote, .. } => Err(ChatError::Invalid(format!(
                "{} is a chat on the remote {remote}: git (changes, branches, worktrees) is for local chats only",
                crate::model::remotes::remote_repo(remote)
            ))),
        }
    }

    /// Where the chat works and a client for the opencode running it:
    /// pocketcode's own and the chat's worktree (whose instance is loaded
    /// again if it was disposed: see `server::instances`), or the remote's
    /// opencode and the directory its session is bound to there.
    pub async fn resolve(&self, state: &AppState) -> Result<ChatTarget, ChatError> {
        let (client, dir) = match self {
            Self::Local(name) => {
                let dir = existing_worktree(state.git.layout(), name)?;
                state.instances.touch(&dir).await;
                (OpencodeClient::from_state(state).await?, dir)
            }
            Self::Remote { remote, session } => {
                let client = crate::server::remotes::client(state, remote).await?;
                let session = client.find_session(session).await?;
                (client, PathBuf::from(session.directory))
            }
        };
        Ok(ChatTarget {
            chat: self.clone(),
            client,
            dir,
        })
    }
}

/// The worktree directory of local chat `name`: 404 when it is not on disk.
pub fn existing_worktree(layout: &Layout, name: &WorktreeName) -> Result<PathBuf, ChatError> {
    let dir = layout.worktree(name);
    if dir.is_dir() {
        Ok(dir)
    } else {
        Err(no_chat(name))
    }
}

/// 404: there is no chat `name`.
pub fn no_chat(name: &WorktreeName) -> ChatError {
    GitError::WorktreeNotFound {
        repo: name.repo.clone(),
        chat: name.chat.to_string(),
    }
    .into()
}

/// A chat resolved: the opencode running it and the directory it works in.
#[derive(Debug)]
pub struct ChatTarget {
    pub chat: ChatRef,
    pub client: OpencodeClient,
    pub dir: PathBuf,
}

impl ChatTarget {
    /// `session_id` validated, and 404 unless it is a session of this chat.
    pub async fn session<'a>(&self, session_id: &'a str) -> Result<&'a str, ChatError> {
        let id = crate::api::validate::session_id(session_id)
            .map_err(|e| ChatError::Invalid(e.to_string()))?;
        let session = self.client.session(&self.dir, id).await?;
        if Path::new(&session.directory) == self.dir {
            Ok(id)
        } else {
            Err(not_this_chats(id))
        }
    }
}

pub(super) fn not_this_chats(session: &str) -> ChatError {
    ChatError::NotFound(format!("session {session} does not belong to this chat"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repo_and_chat_id_name_a_local_chat_an_at_repo_a_remote_session() {
        let local = ChatRef::parse("local/widgets", "abcdef12").expect("local");
        assert_eq!(
            local.worktree().expect("worktree").as_string(),
            "local__widgets__abcdef12"
        );
        let remote = ChatRef::parse("@devbox", "ses_abc123").expect("remote");
        assert_eq!(
            remote,
            ChatRef::Remote {
                remote: "devbox".into(),
                session: "ses_abc123".into()
            }
        );
        let refused = remote.worktree().expect_err("git is local");
        assert_eq!(refused.status(), 400);
        assert!(
            refused.to_string().contains("local chats only"),
            "{refused}"
        );
    }

    #[test]
    fn bad_names_are_400s() {
        for (repo, chat) in [
            ("../x", "abcdef12"),
            ("local/w", "../x"),
            ("@devbox", "per_1"),
        ] {
            let err = ChatRef::parse(repo, chat).expect_err("refused");
            assert_eq!(err.status(), 400, "{repo} {chat}: {err}");
        }
    }
}
