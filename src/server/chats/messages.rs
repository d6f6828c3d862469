//! Every local chat's messages, read through the workspace instance (so no
//! idle chat's instance is loaded), a few chats at a time: what message
//! search and the usage report go through.

use futures::{Stream, StreamExt as _};

use super::{ChatError, list_chats};
use crate::model::chats::ChatSummary;
use crate::opencode::MessageWithParts;
use crate::server::opencode_client::{OpencodeClient, OpencodeClientError};
use crate::server::state::AppState;

/// How many chats' messages are read at once (measured for search: 200
/// chats in ~0.5 s at 8; see `benches/search/message_search.py`).
const PARALLEL: usize = 8;

/// A chat and its messages, or why they could not be read.
pub type ChatMessages = (
    ChatSummary,
    Result<Vec<MessageWithParts>, OpencodeClientError>,
);

/// Each local chat that has a session, with its messages, most recently
/// active first.
pub async fn every_chat_messages(
    state: &AppState,
) -> Result<impl Stream<Item = ChatMessages> + Unpin + use<>, ChatError> {
    let client = OpencodeClient::from_state(state).await?;
    let chats = list_chats(&state.git, &client).await?;
    let workspace = state.workspace.clone();
    let reads = chats.into_iter().filter_map(move |chat| {
        let session = chat.session_id.clone()?;
        let (client, workspace) = (client.clone(), workspace.clone());
        Some(async move {
            let messages = client.messages(&workspace, &session, None).await;
            (chat, messages)
        })
    });
    Ok(futures::stream::iter(reads).buffered(PARALLEL))
}
