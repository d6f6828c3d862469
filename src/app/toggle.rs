//! A square icon button that opens and closes something (the sidebar on
//! phones, the chat menu), saying which to assistive technology.

use leptos::prelude::*;

/// Flips `open` on each tap; `aria-expanded` follows it.
#[component]
pub fn ToggleButton(
    open: RwSignal<bool>,
    /// The accessible name.
    label: &'static str,
    /// What it shows: one character.
    glyph: &'static str,
    /// Classes beyond the size and colour every toggle has.
    #[prop(optional)]
    class: &'static str,
    /// The id of the element it opens, when it is on the page.
    #[prop(optional)]
    controls: Option<&'static str>,
    /// It opens a menu (`aria-haspopup`).
    #[prop(optional)]
    menu: bool,
) -> impl IntoView {
    view! {
        <button
            type="button"
            class=format!("min-h-11 min-w-11 text-lg text-neutral-300 {class}")
            aria-label=label
            aria-controls=controls
            aria-haspopup=menu.then_some("menu")
            aria-expanded=move || open.get().to_string()
            on:click=move |_| open.update(|o| *o = !*o)
        >
            {glyph}
        </button>
    }
}
