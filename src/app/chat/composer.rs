//! The prompt box: Send (or Ctrl/⌘+Enter; a plain Enter is a new line),
//! and Stop while the agent works; the mode and model pickers and attached
//! photos go with the prompt. The draft is kept per chat across reloads and
//! shared with the chat's other tabs (the last write wins); the box has the
//! focus when the chat opens.

use leptos::ev::KeyboardEvent;
use leptos::html::{Button, Textarea};
use leptos::prelude::*;

use super::ChatKey;
use super::attach::{AttachButton, AttachedImages, field_value};
use super::interrupted::InterruptedBanner;
use super::pickers::{Pickers, restore_pick};
use crate::api::{AbortSession, Attachment, SendPrompt};
use crate::app::storage::{Pick, draft as saved_draft, on_draft_change, save_draft};
use crate::app::web::files::pasted;
use crate::opencode::Choices;

/// Shown only when JavaScript is off: what still works and what does not.
const NO_SCRIPT_NOTE: &str = "<noscript><p role=\"note\" aria-label=\"JavaScript is off\" \
    class=\"mt-2 text-sm text-amber-300\">JavaScript is off: this chat reads in full, and Send \
    posts the prompt (reload for the answer). Stop, model and mode choice, photos, answering \
    the agent, the chat list on phones and live updates need JavaScript.</p></noscript>";

#[component]
pub fn Composer(
    key: ChatKey,
    busy: Signal<bool>,
    /// Models and modes; without them (opencode could not list them) the
    /// pickers are left out and opencode's defaults apply.
    choices: Option<Choices>,
    initial_pick: Pick,
) -> impl IntoView {
    let send = ServerAction::<SendPrompt>::new();
    let pick = RwSignal::new(initial_pick);
    let attachments = RwSignal::new(Vec::<Attachment>::new());
    let attach_error = RwSignal::new(None::<String>);
    if let Some(choices) = &choices {
        restore_pick(&key, choices, pick);
    }
    let text_only_model = Signal::derive({
        let choices = choices.clone();
        move || {
            let choices = choices.as_ref()?;
            let model = pick.with(|p| p.model.clone())?;
            choices
                .model(&model)
                .filter(|m| !m.images)
                .map(|m| m.name.clone())
        }
    });
    let abort = ServerAction::<AbortSession>::new();
    let draft = RwSignal::new(String::new());
    let send_button = NodeRef::<Button>::new();
    let textarea = NodeRef::<Textarea>::new();
    let (repo, chat_id) = (key.repo.clone(), key.chat_id.clone());

    // In the browser, after hydration: the saved draft, and the focus.
    Effect::new({
        let (repo, chat_id) = (repo.clone(), chat_id.clone());
        move |_| {
            if let Some(saved) = saved_draft(&repo, &chat_id) {
                draft.set(saved);
            }
            if let Some(el) = textarea.get() {
                let _ = el.focus();
            }
        }
    });
    on_draft_change(&repo, &chat_id, move |text| draft.set(text));
    // The form posts what is in the box; once opencode took it, empty the box.
    Effect::new({
        let (repo, chat_id) = (repo.clone(), chat_id.clone());
        move |_| {
            if let Some(Ok(())) = send.value().get() {
                draft.set(String::new());
                save_draft(&repo, &chat_id, "");
                attachments.set(Vec::new());
                attach_error.set(None);
            }
        }
    });
    let on_input = move |text: String| {
        save_draft(&repo, &chat_id, &text);
        draft.set(text);
    };
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
            ev.prevent_default();
            if let Some(button) = send_button.get() {
                button.click();
            }
        }
    };
    let stop = {
        let key = key.clone();
        move |_| {
            abort.dispatch(AbortSession {
                repo: key.repo.clone(),
                chat_id: key.chat_id.clone(),
                session_id: key.session_id.clone(),
            });
        }
    };
    let on_paste = move |ev: leptos::ev::ClipboardEvent| {
        let files = pasted(&ev);
        // Text pastes as usual; only pasted images are taken over.
        if !files.is_empty() {
            ev.prevent_default();
            super::attach::add_files(files, attachments, attach_error);
        }
    };
    let error = move || {
        let send_error = send
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string());
        let abort_error = || {
            abort
                .value()
                .get()
                .and_then(Result::err)
                .map(|e| e.to_string())
        };
        attach_error.get().or(send_error).or_else(abort_error)
    };
    let pickers = choices.map(|choices| view! { <Pickers key=key.clone() choices pick /> });

    view! {
        <div class="border-t border-neutral-900 bg-black px-3 pt-2 pb-[max(0.75rem,env(safe-area-inset-bottom))]">
            <InterruptedBanner key=key.clone() pick busy />
            <ActionForm action=send>
                <input type="hidden" name="repo" value=key.repo />
                <input type="hidden" name="chat_id" value=key.chat_id />
                <input type="hidden" name="session_id" value=key.session_id.clone() />
                <input
                    type="hidden"
                    name="attachments"
                    prop:value=move || attachments.with(|list| field_value(list))
                />
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
                    prop:value=draft
                    node_ref=textarea
                    on:input:target=move |ev| on_input(ev.target().value())
                    on:keydown=on_keydown
                    on:paste=on_paste
                ></textarea>
                <AttachedImages attachments text_only_model />
                <div class="mt-2 flex flex-wrap items-center gap-2">
                    {pickers}
                    <AttachButton attachments error=attach_error />
                    <span class="flex-1"></span>
                    {move || {
                        busy.get()
                            .then(|| {
                                view! {
                                    <button
                                        type="button"
                                        class="border border-neutral-700 px-4 py-1 text-neutral-300 hover:bg-neutral-900"
                                        on:click=stop.clone()
                                    >
                                        "Stop"
                                    </button>
                                }
                            })
                    }}
                    <button
                        type="submit"
                        node_ref=send_button
                        class="border border-neutral-500 px-4 py-1 text-neutral-100 hover:bg-neutral-900 disabled:text-neutral-600"
                        disabled=move || send.pending().get()
                    >
                        "Send"
                    </button>
                </div>
            </ActionForm>
            {move || error().map(|error| view! { <p role="alert" class="mt-2 text-red-400">{error}</p> })}
            // As markup, not nodes: hydration never walks into it.
            <div inner_html=NO_SCRIPT_NOTE></div>
        </div>
    }
}
