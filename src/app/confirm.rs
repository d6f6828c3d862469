//! A destructive button that asks once more before acting.

use leptos::prelude::*;

/// A destructive button that asks once more before acting: the first tap
/// arms it ("Tap again to …"), the second acts.
#[component]
pub fn ConfirmButton(
    label: String,
    confirm: String,
    #[prop(into)] disabled: Signal<bool>,
    on_confirm: impl Fn() + 'static,
    /// An ARIA role, when it is an item of a menu.
    #[prop(optional)]
    role: Option<&'static str>,
) -> impl IntoView {
    let armed = RwSignal::new(false);
    let text = {
        let label = label.clone();
        move || {
            if armed.get() {
                confirm.clone()
            } else {
                label.clone()
            }
        }
    };
    view! {
        <button
            type="button"
            role=role
            class="min-h-11 shrink-0 border border-red-900 px-3 text-red-300 disabled:text-neutral-600 data-[armed=true]:bg-red-950"
            data-armed=move || armed.get().to_string()
            disabled=move || disabled.get()
            on:click=move |_| {
                if armed.get_untracked() {
                    armed.set(false);
                    on_confirm();
                } else {
                    armed.set(true);
                }
            }
        >
            {text}
        </button>
    }
}
