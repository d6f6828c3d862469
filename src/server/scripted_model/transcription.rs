//! OpenAI's speech-to-text route, scripted: `POST /v1/audio/transcriptions`
//! (a multipart form with `file` and `model`) answers `{"text": …}` with
//! the scripted text ([`TRANSCRIPTION_TEXT`] unless a test sets another),
//! whatever was said. It hears nothing, but it checks what a real service
//! would refuse: no `model`, no `file`, a file too small to hold speech or
//! without the header of an audio container. Every upload it accepted is
//! recorded (file name, content type, size, model, container) and listed
//! by `GET /scripted/transcriptions`, so a test can see what pocketcode
//! forwarded.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;

use super::completion::{ErrorBody, ErrorDetail};

/// What the scripted service "hears" by default.
pub const TRANSCRIPTION_TEXT: &str = "Scripted transcription: make the send button bigger.";
/// Less than this is no recording: a WAV header alone is 44 bytes, and a
/// second of the quietest Opus in WebM is over a kilobyte.
pub const MIN_AUDIO_BYTES: usize = 1024;
/// OpenAI's own limit for one file.
const MAX_UPLOAD_BYTES: usize = 25 * 1024 * 1024;

/// One upload the route accepted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TranscriptionUpload {
    pub file_name: String,
    pub content_type: String,
    pub bytes: u64,
    pub model: String,
    /// The container its first bytes say it is (`webm`, `ogg`, `wav`, …).
    pub container: String,
}

#[derive(Debug)]
struct Script {
    text: String,
    uploads: Vec<TranscriptionUpload>,
}

/// The scripted text and the uploads so far, shared with the handle.
#[derive(Clone, Debug)]
pub(super) struct Transcriptions(Arc<Mutex<Script>>);

impl Default for Transcriptions {
    fn default() -> Self {
        Self(Arc::new(Mutex::new(Script {
            text: TRANSCRIPTION_TEXT.to_owned(),
            uploads: Vec::new(),
        })))
    }
}

impl Transcriptions {
    fn lock(&self) -> MutexGuard<'_, Script> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn set_text(&self, text: &str) {
        text.clone_into(&mut self.lock().text);
    }

    pub(super) fn uploads(&self) -> Vec<TranscriptionUpload> {
        self.lock().uploads.clone()
    }
}

/// The route and its listing (both behind the key, like the other OpenAI routes).
pub(super) fn routes<S>(transcriptions: Transcriptions) -> Router<S> {
    Router::new()
        .route(
            "/v1/audio/transcriptions",
            post(transcribe).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .route("/scripted/transcriptions", get(list))
        .with_state(transcriptions)
}

async fn transcribe(State(script): State<Transcriptions>, form: Multipart) -> Response {
    match receive(form).await {
        Ok(upload) => {
            tracing::debug!(?upload, "scripted transcription");
            let mut script = script.lock();
            script.uploads.push(upload);
            Json(serde_json::json!({ "text": script.text })).into_response()
        }
        Err(message) => {
            let body = ErrorBody {
                error: ErrorDetail {
                    message,
                    kind: "invalid_request_error",
                    code: "scripted_error",
                },
            };
            (StatusCode::BAD_REQUEST, Json(body)).into_response()
        }
    }
}

async fn list(State(script): State<Transcriptions>) -> Json<Vec<TranscriptionUpload>> {
    Json(script.uploads())
}

/// The form's `file` and `model`, checked as a real service would.
async fn receive(mut form: Multipart) -> Result<TranscriptionUpload, String> {
    let (mut file, mut model) = (None, None);
    while let Some(field) = form.next_field().await.map_err(|e| e.body_text())? {
        match field.name() {
            Some("file") => {
                let name = field.file_name().unwrap_or_default().to_owned();
                let kind = field.content_type().unwrap_or_default().to_owned();
                let bytes = field.bytes().await.map_err(|e| e.body_text())?;
                file = Some((name, kind, bytes));
            }
            Some("model") => model = Some(field.text().await.map_err(|e| e.body_text())?),
            _ => {}
        }
    }
    let (file_name, content_type, bytes) = file.ok_or("no `file` in the form")?;
    let model = model
        .filter(|m| !m.trim().is_empty())
        .ok_or("no `model` in the form")?;
    if bytes.len() < MIN_AUDIO_BYTES {
        return Err(format!(
            "the file has {} bytes: too short to hold speech",
            bytes.len()
        ));
    }
    let container = container(&bytes)
        .ok_or("the file is not audio: no WebM, Ogg, WAV, MP4, FLAC or MP3 header at its start")?;
    Ok(TranscriptionUpload {
        file_name,
        content_type,
        bytes: bytes.len() as u64,
        model,
        container: container.to_owned(),
    })
}

/// The audio container `bytes` start with, by its magic bytes.
fn container(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0x1A, 0x45, 0xDF, 0xA3, ..] => Some("webm"),
        [b'O', b'g', b'g', b'S', ..] => Some("ogg"),
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'A',
            b'V',
            b'E',
            ..,
        ] => Some("wav"),
        [_, _, _, _, b'f', b't', b'y', b'p', ..] => Some("mp4"),
        [b'f', b'L', b'a', b'C', ..] => Some("flac"),
        [b'I', b'D', b'3', ..] => Some("mp3"),
        [0xFF, second, ..] if second & 0xE0 == 0xE0 => Some("mp3"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containers_are_told_by_their_first_bytes() {
        assert_eq!(container(&[0x1A, 0x45, 0xDF, 0xA3, 0]), Some("webm"));
        assert_eq!(container(b"OggS\0\x02"), Some("ogg"));
        assert_eq!(container(b"RIFF\x24\0\0\0WAVEfmt "), Some("wav"));
        assert_eq!(container(b"\0\0\0\x20ftypM4A "), Some("mp4"));
        assert_eq!(container(b"hello world, not audio"), None);
        assert_eq!(container(b""), None);
    }
}
