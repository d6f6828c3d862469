//! One part of a message: text, reasoning, a tool call or an attached file. Steps and kinds
//! this UI does not know render nothing.

use leptos::prelude::*;

use crate::opencode::{PartBody, ToolState, Transcript};

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
    move || body.get().map(|body| render(body, markdown))
}

fn render(body: PartBody, markdown: bool) -> AnyView {
    match body {
        PartBody::Text {
            text,
            synthetic: false,
        } if markdown => {
            view! { <div class="markdown break-words" inner_html=super::markdown::to_html(&text)></div> }
                .into_any()
        }
        PartBody::Text {
            text,
            synthetic: false,
        } => view! { <div class="break-words whitespace-pre-wrap">{text}</div> }.into_any(),
        PartBody::Reasoning { text } if !text.is_empty() => view! {
            <div class="break-words whitespace-pre-wrap text-neutral-500 italic">{text}</div>
        }
        .into_any(),
        PartBody::Tool { tool, state, .. } => view! { <ToolCall tool state /> }.into_any(),
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
            .into_any()
        }
        PartBody::File { filename, mime, .. } => view! {
            <div class="text-sm text-neutral-400">
                {format!("📎 {}", filename.unwrap_or(mime))}
            </div>
        }
        .into_any(),
        _ => ().into_any(),
    }
}

#[component]
fn ToolCall(tool: String, state: ToolState) -> impl IntoView {
    let status = state.status();
    let summary = state.summary();
    let color = match status {
        "completed" => "text-emerald-400",
        "error" => "text-red-400",
        _ => "text-amber-300",
    };
    let detail = match state {
        ToolState::Completed { output, .. } if !output.is_empty() => Some(view! {
            <details class="mt-1">
                <summary class="cursor-pointer text-neutral-500">"output"</summary>
                <pre class="overflow-x-auto text-xs whitespace-pre-wrap text-neutral-400">{output}</pre>
            </details>
        }
        .into_any()),
        ToolState::Error { error, .. } => {
            Some(view! { <div class="text-red-400 whitespace-pre-wrap">{error}</div> }.into_any())
        }
        _ => None,
    };
    view! {
        <div
            role="group"
            aria-label=format!("tool {tool}")
            data-tool-status=status
            class="border border-neutral-800 px-2 py-1 text-sm"
        >
            <span class="text-neutral-100">{format!("⚙ {tool}")}</span>
            " "
            <span class=color>{status}</span>
            {summary.map(|s| view! { <span class="text-neutral-500">{format!(" {s}")}</span> })}
            {detail}
        </div>
    }
}
