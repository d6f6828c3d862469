//! What a tap on the mic runs, in the WASM chunk `composer` (see
//! `app::lazy`; with the pickers' list, `mentions::list`): the browser's
//! recognition, or a recording sent to the server's transcription service.
//! The chunk is compiled at the first tap (or list), from the bytes the
//! start script fetched once the page was idle (`app::chunk_prefetch`).

use leptos::prelude::*;

use super::{Phase, Voice};
use crate::app::lazy::ChunkError;
use crate::app::web::clock::now_ms;
use crate::app::web::{recorder, speech};
use crate::model::transcribe::TRANSCRIBE_PATH;

/// A tap made while the mic was `phase`: starts, or stops what runs.
#[leptos::wasm_split::wasm_split(composer, wasm_split_path = ::leptos::wasm_split, fallible)]
pub(super) fn tap(voice: Voice, phase: Phase) -> Result<(), ChunkError> {
    match phase {
        Phase::Idle => voice.begin(),
        Phase::Listening => speech::stop(),
        Phase::Recording(_) => voice.finish(),
        Phase::Loading | Phase::Opening | Phase::Transcribing => {}
    }
    Ok(())
}

/// Lets the microphone go (the chat is left).
#[leptos::wasm_split::wasm_split(composer, wasm_split_path = ::leptos::wasm_split, fallible)]
pub(super) fn release() -> Result<(), ChunkError> {
    speech::stop();
    recorder::cancel();
    Ok(())
}

impl Voice {
    fn begin(self) {
        if self.can_listen() {
            self.listen();
        } else if self.can_record() {
            self.record();
        } else {
            let _ = self.phase.try_set(Phase::Idle);
        }
    }

    fn listen(self) {
        self.phase.set(Phase::Listening);
        if let Err(message) = speech::listen(move |event| self.on_speech(event)) {
            self.phase.set(Phase::Idle);
            self.speech_broken.set(true);
            if self.can_record() {
                self.record();
            } else {
                self.error.set(Some(message));
            }
        }
    }

    fn on_speech(self, event: speech::SpeechEvent) {
        match event {
            speech::SpeechEvent::Heard(text) => {
                let _ = self.on_heard.try_run(text);
            }
            speech::SpeechEvent::Unavailable(code) => {
                let _ = self.speech_broken.try_set(true);
                if self.can_record() {
                    self.record();
                } else {
                    let _ = self.phase.try_set(Phase::Idle);
                    let _ = self.error.try_set(Some(format!(
                        "This browser's speech recognition does not work here ({code}), and the \
                         server has no transcription service (--transcribe-url)."
                    )));
                }
            }
            speech::SpeechEvent::Failed(message) => {
                let _ = self.error.try_set(Some(message));
            }
            speech::SpeechEvent::Ended => {
                if self.phase.try_get_untracked() == Some(Phase::Listening) {
                    let _ = self.phase.try_set(Phase::Idle);
                }
            }
        }
    }

    fn record(self) {
        self.phase.set(Phase::Opening);
        leptos::task::spawn_local(async move {
            match recorder::start().await {
                Ok(()) => {
                    if self.phase.try_set(Phase::Recording(now_ms())).is_some() {
                        // Gone while the browser asked: let the mic go.
                        recorder::cancel();
                    }
                }
                Err(message) => {
                    let _ = self.phase.try_set(Phase::Idle);
                    let _ = self.error.try_set(Some(message));
                }
            }
        });
    }

    fn finish(self) {
        self.phase.set(Phase::Transcribing);
        leptos::task::spawn_local(async move {
            let heard = match recorder::stop().await {
                Ok(recording) if recording.bytes == 0 => {
                    Err("Nothing was recorded: check that the microphone is not muted.".into())
                }
                Ok(recording) => recorder::transcribe(&recording, TRANSCRIBE_PATH).await,
                Err(message) => Err(message),
            };
            let _ = self.phase.try_set(Phase::Idle);
            match heard {
                Ok(text) if text.trim().is_empty() => {
                    let _ = self
                        .error
                        .try_set(Some("Nothing was heard in the recording.".into()));
                }
                Ok(text) => {
                    let _ = self.on_heard.try_run(text);
                }
                Err(message) => {
                    let _ = self.error.try_set(Some(message));
                }
            }
        });
    }
}
