//! The top bar: name, versions, opencode's state, scripted-model note, and
//! the way out (a plain link to the logout page, which asks before acting).

use leptos::prelude::*;

use crate::api::{AppInfo, get_info};

#[component]
pub fn TopBar() -> impl IntoView {
    let info = Resource::new(|| (), |_| get_info());
    view! {
        <header class="flex flex-wrap items-baseline gap-x-3 gap-y-1 border-b border-neutral-800 px-3 py-2 text-sm">
            <h1 class="font-bold text-neutral-100">"pocketcode"</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match info.await {
                        Ok(info) => view! { <InfoLine info /> }.into_any(),
                        Err(error) => {
                            view! { <span class="text-red-400">{error.to_string()}</span> }.into_any()
                        }
                    }
                })}
            </Suspense>
            // A link rather than a button: the logout page is a script-less
            // form, so logging out works even when the WASM does not load.
            // `rel="external"`: a full page load, not the client-side router
            // (which does not know /logout). min-h/min-w give a 44 px tap
            // target; -my keeps the bar slim.
            <a
                href="/logout"
                rel="external"
                class="-my-2 ml-auto inline-flex min-h-11 min-w-11 items-center justify-center px-2 text-neutral-400 underline active:text-neutral-100"
            >
                "Log out"
            </a>
        </header>
    }
}

#[component]
fn InfoLine(info: AppInfo) -> impl IntoView {
    let opencode = match info.opencode_version {
        Some(version) => format!("opencode {version} · {}", info.opencode_state),
        None => format!("opencode · {}", info.opencode_state),
    };
    view! {
        <span class="text-neutral-500">{format!("v{}", info.version)}</span>
        <span class="text-neutral-500" data-opencode-state=info.opencode_state.clone()>
            {opencode}
        </span>
        <span class="min-w-0 truncate text-neutral-600" title="workspace">
            {info.workspace}
        </span>
        {info
            .scripted_model
            .then(|| {
                view! {
                    <span role="note" class="text-amber-300/80">
                        "scripted model (no API key set)"
                    </span>
                }
            })}
    }
}
