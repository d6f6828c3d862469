//! What the agent asks the user (permissions, questions) and the chat
//! settings the ⋯ menu changes (title, sharing).

use std::path::Path;

use reqwest::Method;
use serde_json::json;

use super::{OpencodeClient, OpencodeClientError, json, send};
use crate::opencode::{PendingAsks, PermissionReply, PermissionRequest, QuestionRequest, Session};

impl OpencodeClient {
    /// The permission requests and questions waiting for an answer in
    /// session `id`.
    pub async fn pending_asks(
        &self,
        dir: &Path,
        id: &str,
    ) -> Result<PendingAsks, OpencodeClientError> {
        let (permissions, questions) = tokio::try_join!(
            async {
                json::<Vec<PermissionRequest>>(
                    send(self.request(Method::GET, dir, "/permission")).await?,
                )
                .await
            },
            async {
                json::<Vec<QuestionRequest>>(
                    send(self.request(Method::GET, dir, "/question")).await?,
                )
                .await
            },
        )?;
        Ok(PendingAsks {
            permissions: permissions
                .into_iter()
                .filter(|p| p.session_id == id)
                .collect(),
            questions: questions
                .into_iter()
                .filter(|q| q.session_id == id)
                .collect(),
        })
    }

    pub async fn reply_permission(
        &self,
        dir: &Path,
        request: &str,
        reply: PermissionReply,
    ) -> Result<(), OpencodeClientError> {
        let path = format!("/permission/{request}/reply");
        send(
            self.request(Method::POST, dir, &path)
                .json(&json!({ "reply": reply })),
        )
        .await?;
        Ok(())
    }

    /// Answers a question request: one list of chosen labels per question.
    pub async fn reply_question(
        &self,
        dir: &Path,
        request: &str,
        answers: &[Vec<String>],
    ) -> Result<(), OpencodeClientError> {
        let path = format!("/question/{request}/reply");
        send(
            self.request(Method::POST, dir, &path)
                .json(&json!({ "answers": answers })),
        )
        .await?;
        Ok(())
    }

    pub async fn reject_question(
        &self,
        dir: &Path,
        request: &str,
    ) -> Result<(), OpencodeClientError> {
        send(self.request(Method::POST, dir, &format!("/question/{request}/reject"))).await?;
        Ok(())
    }

    pub async fn rename_session(
        &self,
        dir: &Path,
        id: &str,
        title: &str,
    ) -> Result<Session, OpencodeClientError> {
        let request = self
            .request(Method::PATCH, dir, &format!("/session/{id}"))
            .json(&json!({ "title": title }));
        json(send(request).await?).await
    }

    /// Shares (or with `share == false`, unshares) a session; the session
    /// comes back with its share link when shared.
    pub async fn share_session(
        &self,
        dir: &Path,
        id: &str,
        share: bool,
    ) -> Result<Session, OpencodeClientError> {
        let method = if share { Method::POST } else { Method::DELETE };
        json(send(self.request(method, dir, &format!("/session/{id}/share"))).await?).await
    }
}
