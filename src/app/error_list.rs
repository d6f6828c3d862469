//! What an `<ErrorBoundary>` shows instead of its children.

use leptos::prelude::*;

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
