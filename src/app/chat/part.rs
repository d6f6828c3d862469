//! One part of a message: text, reasoning, a tool call or an attached file. Steps and kinds
//! this UI does not know render nothing. Reasoning and tool calls are shown
//! in full and collapse with a tap; that choice outlives the part's updates.

use leptos::prelude::*;

use super::markdown_view::Markdown;
use super::tool::ToolCall;
use crate::app::erase::Erase;
use crate::opencode::{PartBody, Transcript};

#[component]
pub fn PartView(
    store: RwSignal<Transcript>,
    message_id: String,
    part_id: String,
    /// Text is the agent's markdown (the user's own text is shown as typed).
    markdown: bool,
) -> impl IntoView {
    // Only this part's changes re-render it, not every delta of the message.
    let body =
        Memo::new(move |_| store.with(|t| t.part(&message_id, &part_id).map(|p| p.body.clone())));
    let open = RwSignal::new(true);
    move || body.get().map(|body| render(body, markdown, open))
}

fn render(body: PartBody, markdown: bool, open: RwSignal<bool>) -> AnyView {
    match body {
        PartBody::Text {
            text,
            synthetic: false,
        } if markdown => view! { <Markdown text /> }.erase(),
        PartBody::Text {
            text,
            synthetic: false,
        } => view! { <div class="break-words whitespace-pre-wrap">{text}</div> }.erase(),
        PartBody::Reasoning { text } if !text.is_empty() => view! {
            <details
                aria-label="Reasoning"
                open=move || open.get()
                on:toggle:target=move |ev| open.set(ev.target().open())
            >
                <summary class="cursor-pointer text-sm text-neutral-400">"Thinking"</summary>
                <div class="break-words whitespace-pre-wrap text-neutral-400 italic">{text}</div>
            </details>
        }
        .erase(),
        PartBody::Tool { tool, state, .. } => view! { <ToolCall tool state open /> }.erase(),
        PartBody::File {
            mime,
            filename,
            url,
        } if mime.starts_with("image/") && url.starts_with("data:") => {
            let name = filename.unwrap_or_else(|| "image".to_owned());
            view! {
                <img
                    src=url
                    alt=format!("attached image {name}")
                    class="max-h-40 max-w-full border border-neutral-800"
                />
            }
            .erase()
        }
        PartBody::File { filename, mime, .. } => view! {
            <div class="text-sm text-neutral-400">
                {format!("Attached: {}", filename.unwrap_or(mime))}
            </div>
        }
        .erase(),
        _ => ().erase(),
    }
}
