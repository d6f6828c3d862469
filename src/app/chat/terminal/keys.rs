//! The key bar above the phone keyboard: the keys a phone keyboard lacks
//! (Esc, Tab, arrows, `|`, `~`, `/`, `-`) and Ctrl and Alt as sticky
//! modifiers, which change the next key typed anywhere (the bar or the
//! keyboard) and then let go.

use leptos::prelude::*;

/// Ctrl and Alt, held down until the next key.
#[derive(Clone, Copy)]
pub struct Modifiers {
    pub ctrl: RwSignal<bool>,
    pub alt: RwSignal<bool>,
}

impl Modifiers {
    pub fn new() -> Self {
        Self {
            ctrl: RwSignal::new(false),
            alt: RwSignal::new(false),
        }
    }

    /// What `typed` becomes with the held modifiers, which are let go.
    pub fn apply(self, typed: String) -> String {
        let (ctrl, alt) = (self.ctrl.get_untracked(), self.alt.get_untracked());
        if !(ctrl || alt) {
            return typed;
        }
        self.ctrl.set(false);
        self.alt.set(false);
        with_modifiers(&typed, ctrl, alt)
    }
}

/// A terminal's bytes for `typed` with Ctrl and/or Alt held: Ctrl turns one
/// letter (or `@[\]^_?`) into its control character, Alt puts Esc before
/// it. Anything longer (a paste, a word from the keyboard's suggestions)
/// goes as it is.
pub fn with_modifiers(typed: &str, ctrl: bool, alt: bool) -> String {
    let mut chars = typed.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else {
        return typed.to_owned();
    };
    let key = if ctrl { control(c).unwrap_or(c) } else { c };
    if alt {
        format!("\u{1b}{key}")
    } else {
        key.to_string()
    }
}

fn control(c: char) -> Option<char> {
    let byte = match c.to_ascii_uppercase() {
        u @ ('@'..='_') => u as u8 - b'@',
        ' ' => 0,
        '?' => 0x7f,
        '-' => 0x1f,
        _ => return None,
    };
    Some(char::from(byte))
}

/// The keys: what they show, their accessible name and what they send.
const KEYS: &[(&str, &str, &str)] = &[
    ("Esc", "Esc", "\u{1b}"),
    ("Tab", "Tab", "\t"),
    ("←", "Left arrow", "\u{1b}[D"),
    ("↑", "Up arrow", "\u{1b}[A"),
    ("↓", "Down arrow", "\u{1b}[B"),
    ("→", "Right arrow", "\u{1b}[C"),
    ("|", "Pipe", "|"),
    ("~", "Tilde", "~"),
    ("/", "Slash", "/"),
    ("-", "Dash", "-"),
];

const KEY: &str = "min-h-11 min-w-11 shrink-0 border border-neutral-800 px-2 text-neutral-200 active:bg-neutral-800";
const HELD: &str =
    "min-h-11 min-w-11 shrink-0 border border-neutral-300 bg-neutral-200 px-2 text-black";

/// The bar. `send` gets each key's bytes (modifiers applied by the caller).
/// Its buttons keep the focus in the terminal, so the phone keyboard stays
/// up while they are tapped.
#[component]
pub fn KeyBar(modifiers: Modifiers, send: impl Fn(String) + Copy + 'static) -> impl IntoView {
    let keep_focus = |ev: leptos::ev::MouseEvent| ev.prevent_default();
    let sticky = move |label: &'static str, held: RwSignal<bool>| {
        view! {
            <button
                type="button"
                class=move || if held.get() { HELD } else { KEY }
                aria-pressed=move || held.get().to_string()
                on:mousedown=keep_focus
                on:click=move |_| held.update(|h| *h = !*h)
            >
                {label}
            </button>
        }
    };
    let key = move |&(label, name, bytes): &(&'static str, &'static str, &'static str)| {
        view! {
            <button
                type="button"
                class=KEY
                aria-label=name
                on:mousedown=keep_focus
                on:click=move |_| send(bytes.to_owned())
            >
                {label}
            </button>
        }
    };
    view! {
        <div
            role="toolbar"
            aria-label="Terminal keys"
            data-testid="terminal-keys"
            class="flex shrink-0 gap-1 overflow-x-auto border-t border-neutral-900 p-1 font-mono text-sm"
        >
            {key(&KEYS[0])}
            {key(&KEYS[1])}
            {sticky("Ctrl", modifiers.ctrl)}
            {sticky("Alt", modifiers.alt)}
            {KEYS[2..].iter().map(key).collect_view()}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::with_modifiers;

    #[test]
    fn ctrl_makes_control_characters() {
        assert_eq!(with_modifiers("c", true, false), "\u{3}");
        assert_eq!(with_modifiers("C", true, false), "\u{3}");
        assert_eq!(with_modifiers("[", true, false), "\u{1b}");
        assert_eq!(with_modifiers("?", true, false), "\u{7f}");
        // Nothing to make of a digit: it goes as typed.
        assert_eq!(with_modifiers("1", true, false), "1");
    }

    #[test]
    fn alt_puts_escape_first() {
        assert_eq!(with_modifiers("b", false, true), "\u{1b}b");
        assert_eq!(with_modifiers("x", true, true), "\u{1b}\u{18}");
    }

    #[test]
    fn longer_input_goes_as_it_is() {
        assert_eq!(with_modifiers("hello", true, true), "hello");
        assert_eq!(with_modifiers("\u{1b}[A", true, false), "\u{1b}[A");
    }
}
