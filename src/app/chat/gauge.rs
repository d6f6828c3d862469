//! The chat header's context gauge: a thin bar along the header's bottom
//! edge filling as the latest turn's context fills the model's window,
//! and a button with the percentage that opens the details (the context's
//! tokens, the model, the chat's tokens by kind and its cost). A model
//! whose window opencode does not know gets the tokens only, no bar.
//!
//! It comes with the opened chat (`OpenedChat::usage`), and is loaded
//! again when a turn's step finishes, when the session goes idle, and when
//! the chat may have missed events (a resync): no polling.

use crate::app::resource::json_resource;
use leptos::prelude::*;

use crate::api::get_chat_usage;
use crate::app::format::{dollars, grouped, model_calls, tokens};
use crate::app::use_chat_events;
use crate::model::usage::ChatUsage;
use crate::opencode::{Event, PartBody, SessionStatus};

/// The details' id, for the button's `aria-controls`.
const DETAILS_ID: &str = "context-details";

/// Percentages from which the bar warns, then alarms.
const WARN_PERCENT: u64 = 70;
const ALARM_PERCENT: u64 = 90;

/// The chat whose context is shown: what the usage server function takes,
/// and the session and directory its events come with.
#[derive(Clone)]
pub struct GaugeChat {
    pub repo: String,
    pub chat_id: String,
    pub session_id: String,
    /// The directory the chat's events are filed under.
    pub directory: String,
}

#[component]
pub fn ContextGauge(
    chat: GaugeChat,
    /// What the opened chat came with: shown first, without asking again
    /// (`None`: asked for).
    usage: Option<ChatUsage>,
) -> impl IntoView {
    let version = RwSignal::new(0_u64);
    let reload = move || version.try_update(|v| *v += 1);
    let session = chat.session_id.clone();
    use_chat_events(
        &chat.session_id,
        &chat.directory,
        move |event| {
            if usage_changed(event, &session) {
                reload();
            }
        },
        move || {
            reload();
        },
    );
    let names = StoredValue::new((chat.repo, chat.chat_id));
    let opened = StoredValue::new(usage);
    let usage = json_resource(
        move || version.get(),
        move |version| {
            let (repo, chat_id) = names.get_value();
            let opened = opened.get_value().filter(|_| version == 0);
            async move {
                match opened {
                    Some(usage) => Ok(usage),
                    None => get_chat_usage(repo, chat_id).await,
                }
            }
        },
    );
    let open = RwSignal::new(false);
    // A failed load leaves the header as it was: the gauge is a hint.
    let gauge = move || {
        usage
            .get()
            .and_then(Result::ok)
            .map(|usage| view! { <Gauge usage open /> })
    };
    view! { <Transition fallback=|| ()>{gauge}</Transition> }
}

/// Whether `event` may have changed the session's usage: a step finished
/// (its tokens are recorded) or the session settled.
fn usage_changed(event: &Event, session: &str) -> bool {
    match event {
        Event::PartUpdated(part) => {
            part.session_id == session && matches!(part.body, PartBody::StepFinish { .. })
        }
        Event::SessionIdle { session_id }
        | Event::SessionStatus {
            session_id,
            status: SessionStatus::Idle,
        } => session_id == session,
        _ => false,
    }
}

#[component]
fn Gauge(usage: ChatUsage, open: RwSignal<bool>) -> impl IntoView {
    let percent = usage.percent();
    let short = match percent {
        Some(percent) => format!("{percent}%"),
        None => tokens(usage.context_tokens),
    };
    let bar = usage
        .context_window
        .zip(percent)
        .map(|(window, percent)| view! { <Bar used=usage.context_tokens window percent /> });
    view! {
        <button
            type="button"
            data-testid="context-button"
            class="flex min-h-11 min-w-11 shrink-0 items-center justify-center px-1 tabular-nums text-neutral-400"
            title="Context and cost"
            aria-label=format!("Context {short}: tokens and cost")
            aria-controls=DETAILS_ID
            aria-expanded=move || open.get().to_string()
            on:click=move |_| open.update(|o| *o = !*o)
        >
            {short.clone()}
        </button>
        {bar}
        <Show when=move || open.get()>
            <Details usage=usage.clone() />
        </Show>
    }
}

/// The thin bar: a meter whose value is the context's tokens. Drawn as
/// SVG, whose `width` attribute the page's CSP allows (it refuses inline
/// styles).
#[component]
fn Bar(used: u64, window: u64, percent: u64) -> impl IntoView {
    let colour = match percent {
        p if p >= ALARM_PERCENT => "fill-red-500",
        p if p >= WARN_PERCENT => "fill-amber-400",
        _ => "fill-sky-500",
    };
    view! {
        <svg
            role="meter"
            data-testid="context-meter"
            aria-label="Context used"
            aria-valuemin="0"
            aria-valuemax=window.to_string()
            aria-valuenow=used.min(window).to_string()
            aria-valuetext=format!("{percent} % of {} tokens", tokens(window))
            class="pointer-events-none absolute inset-x-0 bottom-0 h-0.5 w-full fill-neutral-900"
        >
            <rect width="100%" height="100%"></rect>
            <rect class=colour width=format!("{}%", percent.min(100)) height="100%"></rect>
        </svg>
    }
}

/// What the gauge stands for, in words.
#[component]
fn Details(usage: ChatUsage) -> impl IntoView {
    let context = match (usage.context_window, usage.percent()) {
        (Some(window), Some(percent)) => format!(
            "{} of {} tokens ({percent} %)",
            grouped(usage.context_tokens),
            grouped(window)
        ),
        _ => format!(
            "{} tokens (this model's window is unknown)",
            grouped(usage.context_tokens)
        ),
    };
    let totals = usage.totals;
    let kinds = format!(
        "in {} · out {} · reasoning {} · cache read {} · cache write {}",
        tokens(totals.tokens.input),
        tokens(totals.tokens.output),
        tokens(totals.tokens.reasoning),
        tokens(totals.tokens.cache_read),
        tokens(totals.tokens.cache_write),
    );
    view! {
        <div
            id=DETAILS_ID
            role="region"
            aria-label="Context and cost"
            data-testid="context-details"
            class="absolute top-full right-0 z-20 w-72 max-w-[calc(100vw-1rem)] space-y-1 border border-neutral-700 bg-black p-3 text-sm text-neutral-300 shadow-lg"
        >
            <p>"Context: " {context}</p>
            <p class="break-all">"Model: " {usage.model.unwrap_or_else(|| "unknown".into())}</p>
            <p data-testid="chat-tokens">
                {format!(
                    "This chat: {} tokens in {}",
                    grouped(totals.tokens.total()),
                    model_calls(totals.model_calls),
                )}
            </p>
            <p class="text-xs text-neutral-400">{kinds}</p>
            <p data-testid="chat-cost">"Cost: " {dollars(totals.cost)}</p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(json: &str) -> Event {
        Event::parse(json).expect("event")
    }

    #[test]
    fn a_finished_step_or_a_settled_session_reloads_the_gauge() {
        let step = event(
            r#"{"type":"message.part.updated","properties":{"part":{"id":"prt_1",
            "sessionID":"ses_1","messageID":"msg_1","type":"step-finish","reason":"stop"}}}"#,
        );
        assert!(usage_changed(&step, "ses_1"));
        assert!(!usage_changed(&step, "ses_2"));
        let idle = event(r#"{"type":"session.idle","properties":{"sessionID":"ses_1"}}"#);
        assert!(usage_changed(&idle, "ses_1"));
        let text = event(
            r#"{"type":"message.part.updated","properties":{"part":{"id":"prt_2",
            "sessionID":"ses_1","messageID":"msg_1","type":"text","text":"hi"}}}"#,
        );
        assert!(!usage_changed(&text, "ses_1"));
    }
}
