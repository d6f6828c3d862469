//! The login form.

use crate::app::erase::Erase;
use leptos::prelude::*;

/// A message shown above the form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoginNotice {
    /// Something went wrong: shown in red, announced to screen readers.
    Error(String),
    /// Information (e.g. "You are logged out").
    Info(String),
}

/// The password form. `next` is where a successful login goes.
#[component]
pub fn LoginPage(next: String, notice: Option<LoginNotice>) -> impl IntoView {
    let notice = notice.map(|notice| match notice {
        LoginNotice::Error(text) => view! {
            <p role="alert" class="rounded border border-red-800 bg-red-950 px-3 py-2 text-red-200">
                {text}
            </p>
        }
        .erase(),
        LoginNotice::Info(text) => view! {
            <p role="status" class="rounded border border-neutral-700 px-3 py-2 text-neutral-300">
                {text}
            </p>
        }
        .erase(),
    });
    view! {
        <main class="flex w-full max-w-sm flex-col gap-4">
            <h1 class="text-xl text-neutral-100">"pocketcode"</h1>
            {notice}
            <form method="post" action="/login" class="flex flex-col gap-3">
                // Password managers file the password under a username.
                <input
                    type="text"
                    name="username"
                    autocomplete="username"
                    value="pocketcode"
                    hidden
                    readonly
                />
                <input type="hidden" name="next" value=next />
                <label for="password" class="text-sm text-neutral-400">
                    "Password"
                </label>
                <input
                    id="password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    required
                    autofocus
                    class="rounded border border-neutral-700 bg-neutral-950 px-3 py-3 text-base text-neutral-100 focus:border-neutral-400 focus:outline-none"
                />
                <button
                    type="submit"
                    class="rounded bg-neutral-100 px-3 py-3 text-base font-bold text-black active:bg-neutral-300"
                >
                    "Log in"
                </button>
            </form>
        </main>
    }
}
