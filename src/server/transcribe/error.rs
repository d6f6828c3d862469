//! What can go wrong turning a recording into text, and the HTTP status
//! each deserves: the recording's faults are 4xx, the service's 502.

#[derive(Debug, thiserror::Error)]
pub enum TranscribeError {
    /// No `--transcribe-url`.
    #[error(
        "voice transcription is not set up: start pocketcode with --transcribe-url \
         (an OpenAI-compatible speech-to-text service), or use a browser with speech recognition"
    )]
    NotConfigured,
    #[error("the recording is empty: hold the mic a little longer and try again")]
    Empty,
    /// Not audio, or no content type to tell.
    #[error("{0}")]
    NotAudio(String),
    #[error(
        "the recording is larger than the limit of {limit_mb} MB (--transcribe-max-mb): \
         record a shorter one"
    )]
    TooLarge { limit_mb: u64 },
    /// The request body broke off.
    #[error("the recording could not be read: {0}")]
    Body(String),
    #[error("cannot reach the transcription service ({url}): {reason}")]
    Unreachable { url: String, reason: String },
    #[error("the transcription service refused the recording ({status}): {message}")]
    Refused { status: u16, message: String },
    #[error("the transcription service's answer has no text: {0}")]
    NoText(String),
}

impl TranscribeError {
    pub fn status(&self) -> u16 {
        match self {
            Self::NotConfigured => 503,
            Self::Empty | Self::NotAudio(_) | Self::Body(_) => 400,
            Self::TooLarge { .. } => 413,
            Self::Unreachable { .. } | Self::Refused { .. } | Self::NoText(_) => 502,
        }
    }
}

impl axum::response::IntoResponse for TranscribeError {
    fn into_response(self) -> axum::response::Response {
        let status = axum::http::StatusCode::from_u16(self.status())
            .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
        if status.is_server_error() {
            tracing::warn!(error = %self, %status, "transcription failed");
        } else {
            tracing::debug!(error = %self, %status, "transcription refused");
        }
        let body = serde_json::json!({ "error": self.to_string() });
        (status, axum::Json(body)).into_response()
    }
}
