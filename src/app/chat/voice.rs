//! The composer's mic: speech to text that lands in the prompt box, at the
//! caret, for editing (it never sends). The browser's own speech
//! recognition when it has one that works; otherwise (none, or it fails
//! with no service behind it, as Debian's Chromium does) a recording sent
//! to the server's transcription service, when one is set up
//! (`--transcribe-url`). With neither, there is no mic.
//!
//! A tap starts listening (or recording); the status under the prompt says
//! which ("Listening…", "Recording 0:03") with a Stop button, and the mic
//! stays pressed until it is done. Failures are said in words.

use std::time::Duration;

use leptos::prelude::*;

use crate::api::get_voice_setup;
use crate::app::web::clock::{every, now_ms};
use crate::app::web::{recorder, speech};
use crate::model::transcribe::TRANSCRIBE_PATH;

/// What the mic is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Idle,
    /// The browser's recognition runs.
    Listening,
    /// Waiting for the microphone (the browser may be asking the user).
    Opening,
    /// Recording since this time (ms since the epoch).
    Recording(u64),
    /// The recording is at the transcription service.
    Transcribing,
}

/// What this browser and this server allow (known once hydrated).
#[derive(Clone, Copy, Debug, Default)]
struct Support {
    speech: bool,
    recording: bool,
    /// The server has a transcription service.
    transcription: bool,
}

/// The mic's state, shared by its button and its status line.
#[derive(Clone, Copy)]
pub(super) struct Voice {
    phase: RwSignal<Phase>,
    error: RwSignal<Option<String>>,
    support: RwSignal<Support>,
    /// The browser's recognition failed for want of a service: record
    /// from now on.
    speech_broken: RwSignal<bool>,
    on_heard: Callback<String>,
}

impl Voice {
    /// `on_heard` puts each phrase into the prompt box.
    pub(super) fn new(on_heard: Callback<String>) -> Self {
        let voice = Self {
            phase: RwSignal::new(Phase::Idle),
            error: RwSignal::new(None),
            support: RwSignal::new(Support::default()),
            speech_broken: RwSignal::new(false),
            on_heard,
        };
        // Only in the browser: the server renders no mic, so hydration
        // matches, and it appears once the browser says what it has.
        Effect::new(move |_| {
            let support = voice.support;
            support.set(Support {
                speech: speech::exists(),
                recording: recorder::exists(),
                transcription: false,
            });
            leptos::task::spawn_local(async move {
                if let Ok(setup) = get_voice_setup().await {
                    support.try_update(|s| s.transcription = setup.transcription);
                }
            });
        });
        on_cleanup(|| {
            speech::stop();
            recorder::cancel();
        });
        voice
    }

    fn can_listen(self) -> bool {
        self.support.with(|s| s.speech) && !self.speech_broken.get()
    }

    fn can_record(self) -> bool {
        self.support.with(|s| s.recording && s.transcription)
    }

    fn shown(self) -> bool {
        self.can_listen() || self.can_record()
    }

    fn busy(self) -> bool {
        self.phase.get() != Phase::Idle
    }

    fn tap(self) {
        match self.phase.get_untracked() {
            Phase::Idle => self.begin(),
            Phase::Listening => speech::stop(),
            Phase::Recording(_) => self.finish(),
            Phase::Opening | Phase::Transcribing => {}
        }
    }

    fn begin(self) {
        self.error.set(None);
        if self.can_listen() {
            self.listen();
        } else if self.can_record() {
            self.record();
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

/// The mic button (pressed while listening or recording).
#[component]
pub(super) fn MicButton(voice: Voice) -> impl IntoView {
    let working = move || matches!(voice.phase.get(), Phase::Opening | Phase::Transcribing);
    view! {
        <Show when=move || voice.shown()>
            <button
                type="button"
                aria-label="Voice input"
                aria-pressed=move || voice.busy().to_string()
                disabled=working
                class="min-h-11 min-w-11 border border-neutral-700 px-3 text-neutral-300 hover:bg-neutral-900 disabled:text-neutral-600 aria-pressed:border-red-400 aria-pressed:text-red-300"
                on:click=move |_| voice.tap()
            >
                // A microphone (the fonts have no glyph for one).
                <svg
                    viewBox="0 0 24 24"
                    width="20"
                    height="20"
                    fill="none"
                    stroke="currentColor"
                    stroke-width="2"
                    aria-hidden="true"
                    class="inline-block align-middle"
                >
                    <rect x="9" y="3" width="6" height="11" rx="3" />
                    <path d="M5 11a7 7 0 0 0 14 0M12 18v3" />
                </svg>
            </button>
        </Show>
    }
}

/// "Listening…", "Recording 0:03", "Transcribing…" with Stop, and what
/// went wrong.
#[component]
pub(super) fn VoiceStatus(voice: Voice) -> impl IntoView {
    let status = move || match voice.phase.get() {
        Phase::Idle => None,
        Phase::Listening => Some(view! { "Listening…" }.into_any()),
        Phase::Opening => Some(view! { "Opening the microphone…" }.into_any()),
        Phase::Recording(since) => Some(view! { <RecordingClock since /> }.into_any()),
        Phase::Transcribing => Some(view! { "Transcribing…" }.into_any()),
    };
    let stop_label = move || match voice.phase.get() {
        Phase::Listening => Some("Stop listening"),
        Phase::Recording(_) => Some("Stop recording"),
        _ => None,
    };
    view! {
        <div class="flex items-center gap-2">
            <p role="status" class="text-sm text-red-300">
                {status}
            </p>
            {move || {
                stop_label()
                    .map(|label| {
                        view! {
                            <button
                                type="button"
                                class="min-h-11 border border-neutral-500 px-3 text-neutral-100 hover:bg-neutral-900"
                                on:click=move |_| voice.tap()
                            >
                                {label}
                            </button>
                        }
                    })
            }}
        </div>
        {move || {
            voice
                .error
                .get()
                .map(|error| view! { <p role="alert" class="mt-2 text-red-400">{error}</p> })
        }}
    }
}

/// "Recording 0:03", counting while it is shown.
#[component]
fn RecordingClock(since: u64) -> impl IntoView {
    let now = RwSignal::new(now_ms());
    every(Duration::from_millis(250), move || now.set(now_ms()));
    let elapsed = move || {
        let seconds = now.get().saturating_sub(since) / 1000;
        format!("{}:{:02}", seconds / 60, seconds % 60)
    };
    view! {
        "Recording "
        <span aria-hidden="true">{elapsed}</span>
    }
}

/// `draft` with `phrase` put over bytes `start..end` (the selection, or
/// the caret when they are equal), spaced from the words around it; and
/// the byte offset just after it, for the caret.
pub(super) fn insert_phrase(
    draft: &str,
    start: usize,
    end: usize,
    phrase: &str,
) -> (String, usize) {
    let end = end.min(draft.len());
    let start = start.min(end);
    let (before, after) = (&draft[..start], &draft[end..]);
    let space_before = before
        .chars()
        .next_back()
        .is_some_and(|c| !c.is_whitespace());
    let space_after = after.chars().next().is_some_and(|c| !c.is_whitespace());
    let mut text = String::with_capacity(draft.len() + phrase.len() + 2);
    text.push_str(before);
    if space_before {
        text.push(' ');
    }
    text.push_str(phrase.trim());
    if space_after {
        text.push(' ');
    }
    let caret = text.len();
    text.push_str(after);
    (text, caret)
}

#[cfg(test)]
mod tests {
    use super::insert_phrase;

    #[test]
    fn a_phrase_goes_at_the_caret_with_spaces_around_it() {
        assert_eq!(insert_phrase("", 0, 0, " hello "), ("hello".into(), 5));
        assert_eq!(
            insert_phrase("fix the", 7, 7, "login page"),
            ("fix the login page".into(), 18)
        );
        assert_eq!(
            insert_phrase("fix bug", 4, 4, "the login"),
            ("fix the login bug".into(), 14)
        );
        // A selection is replaced.
        assert_eq!(
            insert_phrase("fix THIS bug", 4, 8, "the login"),
            ("fix the login bug".into(), 13)
        );
        // Offsets past the end (a stale caret) land at the end.
        assert_eq!(insert_phrase("é", 9, 9, "ok"), ("é ok".into(), 5));
    }
}
