//! Tokens and cost of every local chat's model calls: in all, per UTC day and
//! per chat (a tap opens the chat).

use crate::app::resource::json_resource;
use leptos::prelude::*;

use super::ResourcesChanged;
use crate::api::get_usage_report;
use crate::app::chat_list::chat_href;
use crate::app::erase::Erase;
use crate::app::error_list::ErrorList;
use crate::app::format::{dollars, grouped, model_calls};
use crate::app::timestamp::utc_minutes;
use crate::model::usage::{UsageReport, UsageTotals};

#[component]
pub fn TokenUsage() -> impl IntoView {
    let changed = expect_context::<ResourcesChanged>();
    let report = json_resource(move || changed.version(), |_| get_usage_report());
    view! {
        <Transition fallback=|| view! { <p class="text-neutral-500">"Adding up…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorList errors /> }>
                {move || Suspend::new(async move {
                    report.await.map(|report| view! { <Report report /> })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

/// `12,345 tokens · $0.12 · 3 model calls`.
fn summary(totals: &UsageTotals) -> String {
    format!(
        "{} tokens · {} · {}",
        grouped(totals.tokens.total()),
        dollars(totals.cost),
        model_calls(totals.model_calls),
    )
}

#[component]
fn Report(report: UsageReport) -> impl IntoView {
    if report.chats.is_empty() {
        return view! { <p class="text-neutral-500">"No chat has used any tokens yet."</p> }
            .erase();
    }
    let failed = (report.chats_failed > 0).then(|| {
        view! {
            <p role="status" class="text-amber-300">
                {format!("{} chat(s) could not be read and are left out.", report.chats_failed)}
            </p>
        }
    });
    view! {
        <div class="space-y-3" data-testid="usage">
            <p data-testid="usage-total">{format!("All chats: {}", summary(&report.totals))}</p>
            {failed}
            <h4 class="text-xs text-neutral-400">"Per day (UTC)"</h4>
            <ul aria-label="Usage per day" class="divide-y divide-neutral-900">
                {report
                    .days
                    .iter()
                    .map(|day| {
                        let date = utc_minutes(day.day_start)[..10].to_owned();
                        view! {
                            <li class="flex gap-2 py-2">
                                <span class="shrink-0 tabular-nums">{date}</span>
                                <span class="min-w-0 flex-1 text-right text-neutral-400">
                                    {summary(&day.totals)}
                                </span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <h4 class="text-xs text-neutral-400">"Per chat"</h4>
            <ul aria-label="Usage per chat" class="divide-y divide-neutral-900">
                {report
                    .chats
                    .iter()
                    .map(|chat| {
                        let title = match chat.title.trim() {
                            "" => format!("Chat {}", chat.chat_id),
                            title => title.to_owned(),
                        };
                        view! {
                            <li>
                                <a
                                    href=chat_href(&chat.repo, &chat.chat_id)
                                    class="flex min-h-11 flex-col justify-center py-1"
                                    data-testid="usage-chat"
                                >
                                    <span class="truncate underline">{title}</span>
                                    <span class="text-xs text-neutral-400">
                                        {format!("{} · {}", chat.repo, summary(&chat.totals))}
                                    </span>
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </div>
    }
    .erase()
}
