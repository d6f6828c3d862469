//! `POST /pocket/fn/voice`: what the composer's mic may use.

use leptos::prelude::*;

use super::AppError;
use crate::model::transcribe::VoiceSetup;

#[server(prefix = "/pocket/fn", endpoint = "voice")]
pub async fn get_voice_setup() -> Result<VoiceSetup, AppError> {
    let state = super::context::state()?;
    Ok(VoiceSetup {
        transcription: state.transcriber.is_some(),
    })
}
