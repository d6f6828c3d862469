//! The top bar: the sidebar button (phones), name and version, what is
//! degraded (opencode not healthy or restarted within the hour, or while
//! the page is open; live updates reconnecting: nothing when all is well),
//! the scripted-model note, and `+` for a new chat.

use crate::app::resource::json_resource;
use leptos::prelude::*;

use super::LiveEvents;
use super::new_chat::NewChatButton;
use super::sidebar::SidebarOpen;
use super::toggle::ToggleButton;
use crate::api::{AppInfo, RecentRestart, get_info};
use crate::app::erase::Erase;
use crate::app::later::LaterPart;
use crate::app::lazy::Loaded;

#[component]
pub fn TopBar() -> impl IntoView {
    let SidebarOpen(open) = expect_context::<SidebarOpen>();
    view! {
        <header class="sticky top-0 z-10 flex items-center gap-2 border-b border-neutral-800 bg-black pt-[env(safe-area-inset-top)] pr-[max(0.25rem,env(safe-area-inset-right))] pl-[max(0.25rem,env(safe-area-inset-left))] text-sm">
            <ToggleButton open label="Chats" glyph="☰" class="md:hidden" controls="sidebar" />
            <h1 class="font-bold text-neutral-100 md:pl-2">
                <a href="/">"pocketcode"</a>
            </h1>
            <div class="flex min-w-0 flex-1 items-baseline gap-x-2 overflow-hidden">
                <LaterPart label="info" load=info_part />
                <Reconnecting />
            </div>
            <NewChatButton />
        </header>
    }
}

/// The version and what is degraded, in the WASM chunk `later` (see
/// `app::later`): the server's line until the chunk has come.
#[leptos::wasm_split::wasm_split(later, wasm_split_path = ::leptos::wasm_split, fallible)]
fn info_part() -> Loaded {
    Ok(view! { <Info /> }.erase())
}

#[component]
fn Info() -> impl IntoView {
    let info = json_resource(|| (), |_| get_info());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match info.await {
                    Ok(info) => view! { <InfoLine info /> }.erase(),
                    Err(error) => {
                        view! { <span class="truncate text-red-400">{error.to_string()}</span> }.erase()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn InfoLine(info: AppInfo) -> impl IntoView {
    let degraded = (info.opencode_state != "healthy").then(|| {
        view! {
            <span
                role="status"
                class="shrink-0 text-amber-300"
                data-opencode-state=info.opencode_state.clone()
            >
                {format!("opencode {}", info.opencode_state)}
            </span>
        }
    });
    // The build it came from is what fits a phone's bar; the full version
    // (with the build time) is the tooltip.
    let source = info
        .version
        .split_once(' ')
        .map_or(info.version.as_str(), |(describe, _)| describe)
        .to_owned();
    view! {
        <span
            class="shrink-0 text-xs text-neutral-500"
            title=format!("pocketcode {}", info.version)
            data-version=info.version.clone()
        >
            {source}
        </span>
        {degraded}
        <RestartNotice loaded=info.opencode_restart.clone() />
        {(!info.sandboxed)
            .then(|| {
                view! {
                    <span
                        role="alert"
                        class="shrink-0 rounded bg-red-700 px-1.5 text-xs font-semibold text-white"
                        title="pocketcode was started with --no-sandbox: the agent can read every file of this server's user"
                    >
                        "no sandbox"
                    </span>
                }
            })}
        {info
            .scripted_model
            .then(|| {
                view! {
                    <span role="note" class="truncate text-xs text-amber-300/80">
                        "scripted model (no API key set)"
                    </span>
                }
            })}
    }
}

/// "opencode restarted …": the recent restart the page loaded with, or one
/// the live stream told of since (then it is news: "just now").
#[component]
fn RestartNotice(loaded: Option<RecentRestart>) -> impl IntoView {
    let live = expect_context::<LiveEvents>();
    let restart = move || {
        live.restarted
            .get()
            .map(|r| RecentRestart {
                cause: r.cause,
                reason: r.reason,
                minutes_ago: 0,
            })
            .or_else(|| loaded.clone())
    };
    move || {
        restart().map(|restart| {
            let when = match restart.minutes_ago {
                0 => "just now".to_owned(),
                m => format!("{m} min ago"),
            };
            view! {
                <span
                    role="status"
                    class="shrink-0 text-xs text-amber-300"
                    title=restart.reason.clone()
                    data-opencode-restart=restart.cause.clone()
                >
                    {format!("opencode restarted {when} ({})", restart.cause)}
                </span>
            }
        })
    }
}

/// "reconnecting…" while the tab's live stream is down (after hydration).
#[component]
fn Reconnecting() -> impl IntoView {
    let live = expect_context::<LiveEvents>();
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    // A grace period: the stream opens right after hydration.
    let shown = RwSignal::new(false);
    Effect::new(move |_| {
        let down = hydrated.get() && !live.connected.get();
        if !down {
            shown.set(false);
            return;
        }
        set_timeout(
            move || {
                if !live.connected.get_untracked() {
                    shown.set(true);
                }
            },
            std::time::Duration::from_secs(3),
        );
    });
    move || {
        shown
            .get()
            .then(|| view! { <span class="shrink-0 text-amber-300">"reconnecting…"</span> })
    }
}
