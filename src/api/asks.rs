//! What the agent waits on the user for in a chat, and the answers:
//! `pending_asks`, `answer_permission`, `answer_question`.

use leptos::prelude::*;
use server_fn::codec::Json;

use super::AppError;
use crate::opencode::PendingAsks;

/// Most questions one request may hold, and choices per answer.
#[cfg(feature = "ssr")]
const MAX_ANSWERS: usize = 20;
/// The longest answer (a typed one) accepted, in bytes.
#[cfg(feature = "ssr")]
const MAX_ANSWER_BYTES: usize = 10_000;

/// `POST /pocket/fn/pending_asks`: permission requests and questions waiting
/// in the chat's session.
#[server(prefix = "/pocket/fn", endpoint = "pending_asks")]
pub async fn get_pending_asks(
    repo: String,
    chat_id: String,
    session_id: String,
) -> Result<PendingAsks, AppError> {
    super::context::respond(async {
        let (client, dir) = super::chat_context::chat_target(&repo, &chat_id).await?;
        let id = super::chat_context::chat_session(&client, &dir, &session_id).await?;
        Ok(client.pending_asks(&dir, id).await?)
    })
    .await
}

/// `POST /pocket/fn/answer_permission`: `once`, `always` or `reject`.
#[server(prefix = "/pocket/fn", endpoint = "answer_permission")]
pub async fn answer_permission(
    repo: String,
    chat_id: String,
    session_id: String,
    request_id: String,
    reply: String,
) -> Result<(), AppError> {
    super::context::respond(async {
        let request = super::validate::permission_id(&request_id)?;
        let reply = crate::opencode::PermissionReply::parse(&reply).ok_or_else(|| {
            AppError::BadRequest("the reply must be once, always or reject".into())
        })?;
        let (client, dir) = super::chat_context::chat_target(&repo, &chat_id).await?;
        let id = super::chat_context::chat_session(&client, &dir, &session_id).await?;
        let pending = client.pending_asks(&dir, id).await?;
        if !pending.permissions.iter().any(|p| p.id == request) {
            return Err(AppError::NotFound(
                "this permission request is no longer waiting (answered elsewhere?)".into(),
            ));
        }
        Ok(client.reply_permission(&dir, request, reply).await?)
    })
    .await
}

/// `POST /pocket/fn/answer_question` (JSON body): one list of chosen
/// labels (or typed text) per question; `reject` dismisses the question.
#[server(prefix = "/pocket/fn", endpoint = "answer_question", input = Json)]
pub async fn answer_question(
    repo: String,
    chat_id: String,
    session_id: String,
    request_id: String,
    answers: Vec<Vec<String>>,
    #[server(default)] reject: bool,
) -> Result<(), AppError> {
    super::context::respond(async {
        let request = super::validate::question_id(&request_id)?;
        let too_big = answers.len() > MAX_ANSWERS
            || answers
                .iter()
                .any(|a| a.len() > MAX_ANSWERS || a.iter().any(|s| s.len() > MAX_ANSWER_BYTES));
        if too_big {
            return Err(AppError::BadRequest(format!(
                "too many or too long answers (at most {MAX_ANSWERS} of {MAX_ANSWER_BYTES} bytes)"
            )));
        }
        let (client, dir) = super::chat_context::chat_target(&repo, &chat_id).await?;
        let id = super::chat_context::chat_session(&client, &dir, &session_id).await?;
        let pending = client.pending_asks(&dir, id).await?;
        let Some(asked) = pending.questions.iter().find(|q| q.id == request) else {
            return Err(AppError::NotFound(
                "this question is no longer waiting (answered elsewhere?)".into(),
            ));
        };
        if reject {
            return Ok(client.reject_question(&dir, request).await?);
        }
        if answers.len() != asked.questions.len() || answers.iter().any(Vec::is_empty) {
            return Err(AppError::BadRequest(format!(
                "answer each of the {} question(s)",
                asked.questions.len()
            )));
        }
        Ok(client.reply_question(&dir, request, &answers).await?)
    })
    .await
}
