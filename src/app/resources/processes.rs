//! Processes the agent left behind (adopted by init, running in the data
//! directory), with a Kill button each.

use crate::app::resource::json_resource;
use leptos::prelude::*;

use super::ConfirmButton;
use crate::api::{KillProcess, list_orphans};
use crate::app::erase::Erase;
use crate::app::error_list::ErrorList;
use crate::app::format::{bytes, duration};
use crate::model::processes::OrphanProcess;

#[component]
pub fn Orphans() -> impl IntoView {
    let orphans = json_resource(|| (), |()| list_orphans());
    let message = RwSignal::new(None::<Result<String, String>>);
    let reload = move || orphans.refetch();
    view! {
        <Transition fallback=|| view! { <p class="text-neutral-500">"Looking…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorList errors /> }>
                {move || Suspend::new(async move {
                    orphans
                        .await
                        .map(|list| {
                            if list.is_empty() {
                                view! { <p class="text-neutral-500">"None."</p> }.erase()
                            } else {
                                list.into_iter()
                                    .map(|process| view! { <ProcessRow process message reload /> })
                                    .collect_view()
                                    .erase()
                            }
                        })
                })}
            </ErrorBoundary>
        </Transition>
        <button
            type="button"
            class="mt-2 min-h-11 border border-neutral-700 px-3"
            on:click=move |_| reload()
        >
            "Look again"
        </button>
        {move || {
            message
                .get()
                .map(|m| match m {
                    Ok(text) => view! { <p role="status" class="text-neutral-400">{text}</p> }.erase(),
                    Err(text) => view! { <p role="alert" class="text-red-400">{text}</p> }.erase(),
                })
        }}
    }
}

#[component]
fn ProcessRow(
    process: OrphanProcess,
    message: RwSignal<Option<Result<String, String>>>,
    reload: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let kill = ServerAction::<KillProcess>::new();
    Effect::new(move |_| {
        let Some(result) = kill.value().get() else {
            return;
        };
        message.set(Some(match result {
            Ok(killed) => Ok(format!("Process {} ended ({}).", killed.pid, killed.signal)),
            Err(e) => Err(e.to_string()),
        }));
        reload();
    });
    let pid = process.pid;
    view! {
        <div role="group" aria-label=format!("process {pid}") class="flex items-center gap-2 border-b border-neutral-900 py-2">
            <div class="min-w-0 flex-1">
                <p class="break-all text-neutral-100">{process.command.clone()}</p>
                <p class="text-xs text-neutral-500">
                    {format!(
                        "pid {pid} · up {} · {} · parent {}",
                        duration(process.age_seconds),
                        bytes(process.rss_bytes),
                        process.parent_pid,
                    )}
                </p>
                <p class="truncate text-xs text-neutral-500">{process.cwd.clone()}</p>
            </div>
            <ConfirmButton label="Kill".into() confirm="Tap again to kill".into() disabled=kill.pending() on_confirm=move || {
                kill.dispatch(KillProcess { pid: pid.to_string() });
            } />
        </div>
    }
}
