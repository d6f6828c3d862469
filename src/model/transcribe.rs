//! Voice transcription on the wire: where the composer's mic posts a
//! recording, and the text that comes back.

use serde::{Deserialize, Serialize};

/// `POST` a recording here (the body, with its `Content-Type`).
pub const TRANSCRIBE_PATH: &str = "/pocket/transcribe";

/// What the transcription service heard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transcription {
    pub text: String,
}

/// What the mic may use, as the server sees it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoiceSetup {
    /// A transcription service is configured (`--transcribe-url`): where
    /// the browser cannot recognise speech, it records and posts to
    /// [`TRANSCRIBE_PATH`].
    pub transcription: bool,
}
