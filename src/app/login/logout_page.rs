//! Asking before logging out: this device only, or every device.

use leptos::prelude::*;

#[component]
pub fn LogoutPage() -> impl IntoView {
    view! {
        <main class="flex w-full max-w-sm flex-col gap-4">
            <h1 class="text-xl text-neutral-100">"Log out"</h1>
            <form method="post" action="/logout" class="flex flex-col gap-3">
                <button
                    type="submit"
                    class="rounded bg-neutral-100 px-3 py-3 text-base font-bold text-black"
                >
                    "Log out on this device"
                </button>
                <button
                    type="submit"
                    name="everywhere"
                    value="1"
                    class="rounded border border-red-800 px-3 py-3 text-base text-red-200"
                >
                    "Log out everywhere"
                </button>
                <p class="text-sm text-neutral-500">
                    "Log out everywhere ends every login, on every device and browser."
                </p>
            </form>
            <a href="/" class="text-sm text-neutral-400 underline">
                "Back to pocketcode"
            </a>
        </main>
    }
}
