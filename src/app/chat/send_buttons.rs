//! The composer's send buttons: Send; while the agent works, Queue (the
//! server keeps the prompt and sends it when the agent is next idle) and
//! Steer (stop the agent, send now). A remote chat has no queue: it keeps
//! Send beside Steer. Queue and Steer carry what Send does (the `@` files;
//! a slash command is in the text). Without JavaScript each button still
//! posts the form, Queue and Steer to their own server functions
//! (`formaction`).

use leptos::prelude::*;

use super::ChatKey;
use super::attach::field_value;
use super::composer::Prompt;
use crate::api::{QueuePrompt, SteerPrompt};
use crate::app::storage::Pick;

const BUTTON: &str = "min-h-11 min-w-11 border px-4 hover:bg-neutral-900 disabled:text-neutral-600";

/// The composer's fields as a prompt request (repo, chat, session, text,
/// model, mode, attachments, `@` files), read when a button is tapped.
#[derive(Clone, Copy)]
struct Fields {
    chat: StoredValue<ChatKey>,
    prompt: Prompt,
    pick: RwSignal<Pick>,
}

impl Fields {
    fn queue(self) -> QueuePrompt {
        let (repo, chat_id, session_id) = self.names();
        let Pick { model, agent } = self.pick.get_untracked();
        QueuePrompt {
            repo,
            chat_id,
            session_id,
            text: self.prompt.draft.get_untracked(),
            model,
            agent,
            attachments: Some(self.attachments()),
            files: Some(self.prompt.mentions.files_field_untracked()),
        }
    }

    fn steer(self) -> SteerPrompt {
        let (repo, chat_id, session_id) = self.names();
        let Pick { model, agent } = self.pick.get_untracked();
        SteerPrompt {
            repo,
            chat_id,
            session_id,
            text: self.prompt.draft.get_untracked(),
            model,
            agent,
            attachments: Some(self.attachments()),
            files: Some(self.prompt.mentions.files_field_untracked()),
        }
    }

    fn names(self) -> (String, String, String) {
        self.chat
            .with_value(|k| (k.repo.clone(), k.chat_id.clone(), k.session_id.clone()))
    }

    fn attachments(self) -> String {
        self.prompt
            .attachments
            .with_untracked(|list| field_value(list))
    }
}

#[component]
pub fn SendButtons(
    chat: StoredValue<ChatKey>,
    prompt: Prompt,
    pick: RwSignal<Pick>,
    busy: Signal<bool>,
) -> impl IntoView {
    let has_queue = chat.with_value(|k| crate::model::remotes::remote_name(&k.repo).is_none());
    let fields = Fields { chat, prompt, pick };
    let queue = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        prompt.queue.dispatch(fields.queue());
    };
    let steer = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        prompt.steer.dispatch(fields.steer());
    };
    let pending = move || {
        prompt.send.pending().get() || prompt.queue.pending().get() || prompt.steer.pending().get()
    };
    move || {
        let working = busy.get();
        let steer = working.then(|| {
            view! {
                <button
                    type="submit"
                    formaction="/pocket/fn/steer_prompt"
                    class=format!("{BUTTON} border-amber-600 text-amber-200")
                    disabled=pending
                    on:click=steer
                >
                    "Steer"
                </button>
            }
        });
        let queue = (working && has_queue).then(|| {
            view! {
                <button
                    type="submit"
                    formaction="/pocket/fn/queue_prompt"
                    node_ref=prompt.queue_button
                    class=format!("{BUTTON} border-neutral-500 text-neutral-100")
                    disabled=pending
                    on:click=queue
                >
                    "Queue"
                </button>
            }
        });
        let send = (!working || !has_queue).then(|| {
            view! {
                <button
                    type="submit"
                    node_ref=prompt.send_button
                    class=format!("{BUTTON} border-neutral-500 text-neutral-100")
                    disabled=pending
                >
                    "Send"
                </button>
            }
        });
        view! { {steer} {queue} {send} }
    }
}
