//! The list of the workspace's sessions and the "New session" button.

use leptos::prelude::*;

use super::session_href;
use crate::api::{AppError, CreateSession};
use crate::app::error_list::ErrorList;
use crate::app::timestamp::utc_minutes;
use crate::opencode::Session;

#[component]
pub fn SessionList(
    sessions: Resource<Result<Vec<Session>, AppError>>,
    selected: Memo<Option<String>>,
    create: ServerAction<CreateSession>,
) -> impl IntoView {
    view! {
        <div class="mb-2 flex items-center justify-between gap-2">
            <h2 class="text-sm text-neutral-400 uppercase">"Sessions"</h2>
            <ActionForm action=create>
                <button
                    type="submit"
                    class="border border-neutral-700 px-3 py-1 text-neutral-100 hover:bg-neutral-900 disabled:text-neutral-600"
                    disabled=move || create.pending().get()
                >
                    "New session"
                </button>
            </ActionForm>
        </div>
        {move || {
            create
                .value()
                .get()
                .and_then(Result::err)
                .map(|error| view! { <p role="alert" class="text-red-400">{error.to_string()}</p> })
        }}
        <Transition fallback=|| view! { <p class="text-neutral-500">"Loading sessions…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorList errors /> }>
                {move || Suspend::new(async move {
                    sessions.await.map(|list| view! { <Sessions list selected /> })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn Sessions(list: Vec<Session>, selected: Memo<Option<String>>) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="text-neutral-500">"No sessions yet."</p> }.into_any();
    }
    let items = list
        .into_iter()
        .map(|session| {
            let id = session.id.clone();
            let current = move || (selected.read().as_deref() == Some(id.as_str())).then_some("page");
            let title = if session.title.is_empty() { "(untitled)".to_owned() } else { session.title };
            view! {
                <li>
                    <a
                        href=session_href(&session.id)
                        aria-current=current
                        class="block px-2 py-1 hover:bg-neutral-900 aria-[current=page]:bg-neutral-800 aria-[current=page]:text-neutral-100"
                    >
                        <span class="block truncate">{title}</span>
                        <span class="block text-xs text-neutral-500">
                            {utc_minutes(session.time.updated)}
                        </span>
                    </a>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="max-h-60 space-y-1 overflow-y-auto md:max-h-none">{items}</ul> }.into_any()
}
