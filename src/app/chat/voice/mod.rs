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
//!
//! What a tap runs (recognition, recording, transcription) is in the WASM
//! chunk `composer` (`run`): the mic is on the first paint, its work is not.

mod run;

use std::time::Duration;

use leptos::prelude::*;

use crate::api::get_voice_setup;
use crate::app::erase::Erase;
use crate::app::lazy::{Loaded, PART_FAILED};
use crate::app::web::clock::{every, now_ms};
use crate::app::web::{recorder, speech};

/// What the mic is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Idle,
    /// The voice chunk is on its way.
    Loading,
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
        // Leaving the chat lets the mic go; only a started mic (whose chunk
        // has come) has one to let go.
        on_cleanup(move || {
            if voice
                .phase
                .try_get_untracked()
                .is_some_and(|p| p != Phase::Idle)
            {
                leptos::task::spawn_local(async {
                    _ = run::release().await;
                });
            }
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

    /// A tap on the mic or on Stop: what it does runs in the `composer`
    /// chunk (`run`), fetched first if it has not come yet ("Loading voice
    /// input…" meanwhile).
    fn tap(self) {
        let phase = self.phase.get_untracked();
        match phase {
            Phase::Opening | Phase::Transcribing | Phase::Loading => return,
            Phase::Idle => {
                self.error.set(None);
                self.phase.set(Phase::Loading);
            }
            Phase::Listening | Phase::Recording(_) => {}
        }
        leptos::task::spawn_local(async move {
            if run::tap(self, phase).await.is_err() {
                let _ = self.phase.try_set(Phase::Idle);
                let _ = self.error.try_set(Some(PART_FAILED.into()));
            }
        });
    }
}

/// The mic button, in the WASM chunk `later` (see `app::later`): the
/// server renders no mic (what the browser has is known only there), and
/// it shows once the chunk has come after hydration.
#[leptos::wasm_split::wasm_split(later, wasm_split_path = ::leptos::wasm_split, fallible)]
pub(in crate::app::chat) fn mic_part(voice: Voice) -> Loaded {
    Ok(view! { <MicButton voice /> }.erase())
}

/// The status line, in the chunk `later` too (idle on the server: empty).
#[leptos::wasm_split::wasm_split(later, wasm_split_path = ::leptos::wasm_split, fallible)]
pub(in crate::app::chat) fn status_part(voice: Voice) -> Loaded {
    Ok(view! { <VoiceStatus voice /> }.erase())
}

/// The mic button (pressed while listening or recording).
#[component]
fn MicButton(voice: Voice) -> impl IntoView {
    let working = move || {
        matches!(
            voice.phase.get(),
            Phase::Loading | Phase::Opening | Phase::Transcribing
        )
    };
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
fn VoiceStatus(voice: Voice) -> impl IntoView {
    let status = move || match voice.phase.get() {
        Phase::Idle => None,
        Phase::Loading => Some(view! { "Loading voice input…" }.erase()),
        Phase::Listening => Some(view! { "Listening…" }.erase()),
        Phase::Opening => Some(view! { "Opening the microphone…" }.erase()),
        Phase::Recording(since) => Some(view! { <RecordingClock since /> }.erase()),
        Phase::Transcribing => Some(view! { "Transcribing…" }.erase()),
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
