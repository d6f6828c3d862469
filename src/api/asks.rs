//! What the agent waits on the user for in a chat, and the answers:
//! `pending_asks`, `answer_permission`, `answer_question`.

use leptos::prelude::*;
use server_fn::codec::Json;

use super::AppError;
use crate::opencode::PendingAsks;

/// `POST /pocket/fn/pending_asks`: permission requests and questions waiting
/// in the chat's session.
#[server(prefix = "/pocket/fn", endpoint = "pending_asks")]
pub async fn get_pending_asks(
    repo: String,
    chat_id: String,
    session_id: String,
) -> Result<PendingAsks, AppError> {
    super::context::respond(async {
        let (_, chat) = super::context::chat(&repo, &chat_id).await?;
        let id = chat.session(&session_id).await?;
        Ok(chat.client.pending_asks(&chat.dir, id).await?)
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
        let (_, chat) = super::context::chat(&repo, &chat_id).await?;
        let id = chat.session(&session_id).await?;
        Ok(crate::server::chats::answer_permission(&chat, id, request, reply).await?)
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
        super::validate::answers(&answers)?;
        let (_, chat) = super::context::chat(&repo, &chat_id).await?;
        let id = chat.session(&session_id).await?;
        Ok(crate::server::chats::answer_question(&chat, id, request, &answers, reject).await?)
    })
    .await
}
