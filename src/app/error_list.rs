//! What a failed load shows instead of its content: [`ErrorList`] for an
//! `<ErrorBoundary>`, [`error_note`] for a view that matches on its result.
//!
//! A `<Transition>` whose `<ErrorBoundary>` caught an error while the server
//! rendered does not hydrate (tachys panics at the boundary's first node,
//! and the whole page stays dead), so the app's views under a `Transition`
//! that the server renders show their error with [`error_note`] instead.

use leptos::prelude::*;

use crate::api::AppError;
use crate::app::erase::Erase;

/// The errors caught by a boundary, one per line.
#[component]
pub fn ErrorList(errors: ArcRwSignal<Errors>) -> impl IntoView {
    view! {
        <div role="alert" class="border border-red-900 px-3 py-2 text-red-400">
            <ul>
                {move || {
                    errors
                        .get()
                        .into_iter()
                        .map(|(_, error)| view! { <li>{error.to_string()}</li> })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}

/// One error, shown as [`ErrorList`] shows it.
pub fn error_note(error: &AppError) -> AnyView {
    view! {
        <div role="alert" class="border border-red-900 px-3 py-2 text-red-400">
            <ul>
                <li>{error.to_string()}</li>
            </ul>
        </div>
    }
    .erase()
}
