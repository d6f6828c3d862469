//! The prompt box: Send (or Ctrl/⌘+Enter; a plain Enter is a new line),
//! and Stop while the agent works; the mode and model pickers and attached
//! photos go with the prompt. While the agent works, Send becomes Queue
//! (sent by the server when the agent is next idle) and Steer (stop the
//! agent and send now); a remote chat, which has no queue, keeps Send. The draft is kept per chat across reloads and
//! shared with the chat's other tabs (the last write wins); the box has the
//! focus when the chat opens. The mic (`voice.rs`) puts what it hears at
//! the box's caret.

use leptos::ev::KeyboardEvent;
use leptos::html::Button;
use leptos::prelude::*;

use crate::app::call::Call;

use super::ChatKey;
use super::attach::{Attach, AttachButton, AttachedImages, field_value};
use super::interrupted::interrupted_part;
use super::mentions::{LISTBOX_ID, MentionList, Mentions, byte_offset};
use super::pickers::{Pickers, restore_pick};
use super::voice::{Voice, insert_phrase, mic_part, status_part};
use crate::api::{AbortSession, Attachment, QueuePrompt, SendPrompt, SteerPrompt};
use crate::app::erase::Erase;
use crate::app::later::LaterPart;
use crate::app::storage::{Pick, draft as saved_draft, on_draft_change, save_draft};
use crate::app::web::files::pasted;
use crate::opencode::Choices;

/// Shown only when JavaScript is off: what still works and what does not.
const NO_SCRIPT_NOTE: &str = "<noscript><p role=\"note\" aria-label=\"JavaScript is off\" \
    class=\"mt-2 text-sm text-amber-300\">JavaScript is off: this chat reads in full, and Send \
    posts the prompt (reload for the answer). Stop, model and mode choice, photos, answering \
    the agent, the chat list on phones and live updates need JavaScript.</p></noscript>";

/// What the prompt box holds and what goes with it, shared by its parts.
#[derive(Clone, Copy)]
pub(super) struct Prompt {
    pub(super) send: ServerAction<SendPrompt>,
    pub(super) queue: Call<QueuePrompt>,
    pub(super) steer: Call<SteerPrompt>,
    pub(super) draft: RwSignal<String>,
    pub(super) attachments: RwSignal<Vec<Attachment>>,
    attach_error: RwSignal<Option<String>>,
    attach: Attach,
    pub(super) send_button: NodeRef<Button>,
    pub(super) queue_button: NodeRef<Button>,
    pub(super) mentions: Mentions,
}

#[component]
pub fn Composer(
    key: ChatKey,
    busy: Signal<bool>,
    /// Models and modes; without them (opencode could not list them) the
    /// pickers are left out and opencode's defaults apply.
    choices: Option<Choices>,
    initial_pick: Pick,
) -> impl IntoView {
    let (attachments, attach_error) = (RwSignal::new(Vec::new()), RwSignal::new(None));
    let chat = StoredValue::new(key.clone());
    let draft = RwSignal::new(String::new());
    let prompt = Prompt {
        send: ServerAction::<SendPrompt>::new(),
        queue: Call::<QueuePrompt>::new(),
        steer: Call::<SteerPrompt>::new(),
        draft,
        attachments,
        attach_error,
        attach: Attach::new(attachments, attach_error),
        send_button: NodeRef::new(),
        queue_button: NodeRef::new(),
        mentions: Mentions::new(chat, draft),
    };
    let pick = RwSignal::new(initial_pick);
    if let Some(choices) = &choices {
        restore_pick(&key, choices, pick);
    }
    let text_only_model = text_only_model(choices.clone(), pick);
    let abort = Call::<AbortSession>::new();
    keep_draft(chat, prompt);
    let voice = Voice::new(Callback::new(move |heard: String| {
        insert_heard(chat, prompt, &heard);
    }));
    let error = move || {
        let send_error = || {
            let queue_error = || prompt.queue.value().get().and_then(Result::err);
            let steer_error = || prompt.steer.value().get().and_then(Result::err);
            prompt
                .send
                .value()
                .get()
                .and_then(Result::err)
                .or_else(queue_error)
                .or_else(steer_error)
        };
        let abort_error = || abort.value().get().and_then(Result::err);
        let attach_error = prompt.attach_error.get();
        attach_error
            .or_else(|| send_error().map(|e| e.to_string()))
            .or_else(|| abort_error().map(|e| e.to_string()))
    };
    let pickers = choices.map(|choices| view! { <Pickers key=key.clone() choices pick /> });
    let interrupted = {
        let key = key.clone();
        move || interrupted_part(key.clone(), pick, busy)
    };
    view! {
        <div class="border-t border-neutral-900 bg-black px-3 pt-2 pb-[max(0.75rem,env(safe-area-inset-bottom))]">
            <LaterPart label="interrupted" load=interrupted />
            // Its fields erased here: `ActionForm` erases its children with
            // `into_any`, which would keep their async hydration (`erase`).
            <ActionForm action=prompt.send>
                {view! {
                    <input type="hidden" name="repo" value=key.repo />
                    <input type="hidden" name="chat_id" value=key.chat_id />
                    <input type="hidden" name="session_id" value=key.session_id />
                    <input
                        type="hidden"
                        name="attachments"
                        prop:value=move || attachments.with(|list| field_value(list))
                    />
                    <input type="hidden" name="files" prop:value=move || prompt.mentions.files_field() />
                    <MentionList mentions=prompt.mentions />
                    <PromptBox chat prompt />
                    <AttachedImages attachments text_only_model />
                    <LaterPart label="voice-status" load=move || status_part(voice) />
                    <div class="mt-2 flex flex-wrap items-center gap-2">
                        {pickers}
                        <AttachButton attach=prompt.attach />
                        <LaterPart label="mic" load=move || mic_part(voice) />
                        <span class="flex-1"></span>
                        <StopButton chat abort busy />
                        <super::send_buttons::SendButtons chat prompt pick busy />
                    </div>
                }
                .erase()}
            </ActionForm>
            {move || error().map(|error| view! { <p role="alert" class="mt-2 text-red-400">{error}</p> })}
            // As markup, not nodes: hydration never walks into it.
            <div inner_html=NO_SCRIPT_NOTE></div>
        </div>
    }
}

/// The picked model's name when it takes no images.
fn text_only_model(choices: Option<Choices>, pick: RwSignal<Pick>) -> Signal<Option<String>> {
    Signal::derive(move || {
        let choices = choices.as_ref()?;
        let model = pick.with(|p| p.model.clone())?;
        choices
            .model(&model)
            .filter(|m| !m.images)
            .map(|m| m.name.clone())
    })
}

/// The draft: restored after hydration (with the focus), kept on every
/// keystroke, followed when another tab changes it, and emptied once
/// opencode took the prompt.
fn keep_draft(chat: StoredValue<ChatKey>, prompt: Prompt) {
    let Prompt {
        send,
        draft,
        attachments,
        attach_error,
        ..
    } = prompt;
    Effect::new(move |_| {
        if let Some(saved) = chat.with_value(|k| saved_draft(&k.repo, &k.chat_id)) {
            draft.set(saved);
        }
    });
    chat.with_value(|k| on_draft_change(&k.repo, &k.chat_id, move |text| draft.set(text)));
    let queued = prompt.queue;
    let steered = prompt.steer;
    Effect::new(move |_| {
        let sent = matches!(send.value().get(), Some(Ok(())));
        let queued = matches!(queued.value().get(), Some(Ok(_)));
        let steered = matches!(steered.value().get(), Some(Ok(())));
        if sent || queued || steered {
            draft.set(String::new());
            chat.with_value(|k| save_draft(&k.repo, &k.chat_id, ""));
            attachments.set(Vec::new());
            attach_error.set(None);
            prompt.mentions.clear();
        }
    });
}

/// A phrase from the mic, put at the prompt box's caret (over its
/// selection) and kept like typing; never sent.
fn insert_heard(chat: StoredValue<ChatKey>, prompt: Prompt, heard: &str) {
    let textarea = prompt.mentions.textarea.get_untracked();
    let draft = prompt.draft.get_untracked();
    let (start, end) = textarea.as_ref().map_or((draft.len(), draft.len()), |el| {
        let at =
            |utf16: Option<u32>| utf16.map_or(draft.len(), |u| byte_offset(&draft, u as usize));
        (
            at(el.selection_start().ok().flatten()),
            at(el.selection_end().ok().flatten()),
        )
    });
    let (text, caret) = insert_phrase(&draft, start, end, heard);
    chat.with_value(|k| save_draft(&k.repo, &k.chat_id, &text));
    prompt.draft.set(text.clone());
    if let Some(el) = textarea {
        // Now, not on the next render: the caret goes after the phrase.
        el.set_value(&text);
        let at = text[..caret].encode_utf16().count() as u32;
        let _ = el.set_selection_range(at, at);
    }
    prompt.mentions.track_caret();
}

/// The text box: Ctrl/⌘+Enter sends, pasted images are attached, and the
/// draft is saved as it is typed.
#[component]
fn PromptBox(chat: StoredValue<ChatKey>, prompt: Prompt) -> impl IntoView {
    let mentions = prompt.mentions;
    let textarea = mentions.textarea;
    Effect::new(move |_| {
        if let Some(el) = textarea.get() {
            let _ = el.focus();
        }
    });
    let on_input = move |text: String| {
        chat.with_value(|k| save_draft(&k.repo, &k.chat_id, &text));
        prompt.draft.set(text);
        mentions.track_caret();
    };
    let on_keydown = move |ev: KeyboardEvent| {
        if mentions.keydown(&ev) {
            return;
        }
        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
            ev.prevent_default();
            // While the agent works, Ctrl+Enter queues.
            // (A ref may still hold a button no longer shown.)
            let shown = |button: &leptos::web_sys::HtmlButtonElement| button.is_connected();
            let send = prompt.send_button.get().filter(shown);
            if let Some(button) = send.or(prompt.queue_button.get().filter(shown)) {
                button.click();
            }
        }
    };
    let on_paste = move |ev: leptos::ev::ClipboardEvent| {
        let files = pasted(&ev);
        // Text pastes as usual; only pasted images are taken over.
        if !files.is_empty() {
            ev.prevent_default();
            prompt.attach.add(files);
        }
    };
    view! {
        <label for="prompt" class="sr-only">
            "Prompt"
        </label>
        <textarea
            id="prompt"
            name="text"
            rows="2"
            required
            placeholder="Ask the agent…"
            class="block max-h-[40dvh] w-full resize-y border border-neutral-700 bg-black p-2 text-base text-neutral-100 focus:border-neutral-400 focus:outline-none"
            prop:value=prompt.draft
            node_ref=textarea
            on:input:target=move |ev| on_input(ev.target().value())
            on:keydown=on_keydown
            on:keyup=move |_| mentions.track_caret()
            on:click=move |_| mentions.track_caret()
            on:paste=on_paste
            aria-autocomplete="list"
            aria-controls=move || mentions.is_listed().then_some(LISTBOX_ID)
            aria-activedescendant=move || mentions.active_id()
        ></textarea>
    }
}

/// Stop, while the agent works.
#[component]
fn StopButton(
    chat: StoredValue<ChatKey>,
    abort: Call<AbortSession>,
    busy: Signal<bool>,
) -> impl IntoView {
    let stop = move |_| {
        let ChatKey {
            repo,
            chat_id,
            session_id,
            ..
        } = chat.get_value();
        abort.dispatch(AbortSession {
            repo,
            chat_id,
            session_id,
        });
    };
    move || {
        busy.get().then(|| {
            view! {
                <button
                    type="button"
                    class="border border-neutral-700 px-4 py-1 text-neutral-300 hover:bg-neutral-900"
                    on:click=stop
                >
                    "Stop"
                </button>
            }
        })
    }
}
