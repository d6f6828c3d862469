//! `POST /pocket/transcribe`: the recording as the body, with its content
//! type; `{"text": …}` back, or `{"error": …}` with the status that says
//! whose fault it is. Behind the login wall like every route of ours.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use bytes::{Bytes, BytesMut};
use futures::StreamExt;

use super::{Audio, TranscribeError};
use crate::model::transcribe::Transcription;
use crate::server::state::AppState;

pub async fn transcribe(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Transcription>, TranscribeError> {
    let transcriber = state
        .transcriber
        .as_deref()
        .ok_or(TranscribeError::NotConfigured)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let bytes = read_limited(body, transcriber.max_mb()).await?;
    let audio = Audio::new(bytes, content_type)?;
    let text = transcriber.transcribe(audio).await?;
    Ok(Json(Transcription { text }))
}

/// The whole body, unless it passes `limit_mb`: then what is left is read
/// (up to as much again) and thrown away, so that the browser, still
/// sending, reads the 413 instead of a reset connection.
async fn read_limited(body: Body, limit_mb: u64) -> Result<Bytes, TranscribeError> {
    let limit = limit_mb.saturating_mul(1024 * 1024);
    let mut stream = body.into_data_stream();
    let mut received = BytesMut::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| TranscribeError::Body(e.to_string()))?;
        if (received.len() + chunk.len()) as u64 > limit {
            let mut drained: u64 = 0;
            while let Some(Ok(chunk)) = stream.next().await {
                drained += chunk.len() as u64;
                if drained > limit {
                    break;
                }
            }
            return Err(TranscribeError::TooLarge { limit_mb });
        }
        received.extend_from_slice(&chunk);
    }
    Ok(received.freeze())
}
