//! Answering what the agent waits on the user for in a chat: a permission
//! request or a question, answered only while it is still waiting (another
//! tab may have answered it already).

use super::{ChatError, ChatTarget};
use crate::opencode::PermissionReply;

/// Answers permission request `request` of session `id`.
pub async fn answer_permission(
    target: &ChatTarget,
    id: &str,
    request: &str,
    reply: PermissionReply,
) -> Result<(), ChatError> {
    let ChatTarget { client, dir, .. } = target;
    let pending = client.pending_asks(dir, id).await?;
    if !pending.permissions.iter().any(|p| p.id == request) {
        return Err(ChatError::NotFound(
            "this permission request is no longer waiting (answered elsewhere?)".into(),
        ));
    }
    Ok(client.reply_permission(dir, request, reply).await?)
}

/// Answers question request `request` of session `id`: one list of chosen
/// labels (or typed text) per question; `reject` dismisses it instead.
pub async fn answer_question(
    target: &ChatTarget,
    id: &str,
    request: &str,
    answers: &[Vec<String>],
    reject: bool,
) -> Result<(), ChatError> {
    let ChatTarget { client, dir, .. } = target;
    let pending = client.pending_asks(dir, id).await?;
    let Some(asked) = pending.questions.iter().find(|q| q.id == request) else {
        return Err(ChatError::NotFound(
            "this question is no longer waiting (answered elsewhere?)".into(),
        ));
    };
    if reject {
        return Ok(client.reject_question(dir, request).await?);
    }
    if answers.len() != asked.questions.len() || answers.iter().any(Vec::is_empty) {
        return Err(ChatError::Invalid(format!(
            "answer each of the {} question(s)",
            asked.questions.len()
        )));
    }
    Ok(client.reply_question(dir, request, answers).await?)
}
