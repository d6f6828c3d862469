//! The Browser panel: the chat's shared Chromium, live. A sheet over the
//! chat on phones, a side panel on wide screens. Frames come over the
//! panel's WebSocket; taps, drags, the wheel, typing (the phone keyboard
//! through a hidden field), the URL bar and back/forward/reload go back.
//! While one of the agent's browser tools runs, the frame is outlined.

#[cfg(feature = "hydrate")]
mod input;
#[cfg(feature = "hydrate")]
mod socket;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{browser_state, start_browser, stop_browser};
use crate::browser::{BrowserStatus, ClientMessage};

/// Whether the agent is acting on the browser now (set by the transcript).
#[derive(Clone, Copy)]
pub struct AgentBrowsing(pub RwSignal<bool>);

/// What the panel shows; the socket's handlers write it.
#[derive(Clone, Copy)]
#[cfg_attr(
    not(feature = "hydrate"),
    allow(dead_code, reason = "the socket runs in the browser only")
)]
pub struct PanelState {
    pub status: RwSignal<Option<BrowserStatus>>,
    pub connected: RwSignal<bool>,
    pub url: RwSignal<String>,
    pub title: RwSignal<String>,
    pub error: RwSignal<Option<String>>,
    /// The latest frame's object URL.
    pub frame: RwSignal<Option<String>>,
    pub frames: RwSignal<u64>,
    /// The page's size in CSS pixels, which frame pixels map onto.
    pub page_size: RwSignal<(f64, f64)>,
    /// The frame to ack once the image shows it.
    pub pending_ack: StoredValue<Option<u64>>,
}

const TOOL: &str = "min-h-11 min-w-11 shrink-0 text-lg text-neutral-200 disabled:text-neutral-600";

/// Sends a message on the open socket (nothing on the server).
fn send(message: ClientMessage) {
    #[cfg(feature = "hydrate")]
    socket::send(&message);
    #[cfg(not(feature = "hydrate"))]
    let _ = message;
}

/// Tells the server the frame area's size, so the page is laid out for it.
#[cfg(feature = "hydrate")]
fn send_viewport() {
    input::send_viewport();
}

#[component]
pub fn BrowserPanel(
    repo: String,
    chat_id: String,
    on_close: impl Fn() + Send + Sync + Clone + 'static,
) -> impl IntoView {
    let state = PanelState {
        status: RwSignal::new(None),
        connected: RwSignal::new(false),
        url: RwSignal::new(String::new()),
        title: RwSignal::new(String::new()),
        error: RwSignal::new(None),
        frame: RwSignal::new(None),
        frames: RwSignal::new(0),
        page_size: RwSignal::new((0.0, 0.0)),
        pending_ack: StoredValue::new(None),
    };
    let agent = use_context::<AgentBrowsing>().map(|a| a.0);
    let acting = move || agent.is_some_and(|a| a.get());
    let busy = RwSignal::new(false);
    let connect = {
        let (repo, chat_id) = (repo.clone(), chat_id.clone());
        move || {
            #[cfg(feature = "hydrate")]
            socket::connect(&repo, &chat_id, state);
            #[cfg(not(feature = "hydrate"))]
            let _ = (&repo, &chat_id);
        }
    };
    // The current state first: a running browser is joined at once.
    {
        let (repo, chat_id, connect) = (repo.clone(), chat_id.clone(), connect.clone());
        Effect::new(move |_| {
            let (repo, chat_id, connect) = (repo.clone(), chat_id.clone(), connect.clone());
            spawn_local(async move {
                match browser_state(repo, chat_id).await {
                    Ok(status) => {
                        let running = matches!(status, BrowserStatus::Running { .. });
                        state.status.try_set(Some(status));
                        if running {
                            connect();
                        }
                    }
                    Err(e) => {
                        state.error.try_set(Some(e.to_string()));
                    }
                }
            });
        });
    }
    on_cleanup(|| {
        #[cfg(feature = "hydrate")]
        socket::close();
    });
    let start = {
        let (repo, chat_id, connect) = (repo.clone(), chat_id.clone(), connect.clone());
        move |_| {
            let (repo, chat_id, connect) = (repo.clone(), chat_id.clone(), connect.clone());
            busy.set(true);
            state.error.set(None);
            spawn_local(async move {
                match start_browser(repo, chat_id).await {
                    Ok(status) => {
                        state.status.try_set(Some(status));
                        connect();
                    }
                    Err(e) => {
                        state.error.try_set(Some(e.to_string()));
                    }
                }
                busy.try_set(false);
            });
        }
    };
    let stop = {
        let (repo, chat_id) = (repo.clone(), chat_id.clone());
        move |_| {
            let (repo, chat_id) = (repo.clone(), chat_id.clone());
            busy.set(true);
            spawn_local(async move {
                #[cfg(feature = "hydrate")]
                socket::close();
                match stop_browser(repo, chat_id).await {
                    Ok(status) => {
                        state.status.try_set(Some(status));
                        state.frame.try_set(None);
                    }
                    Err(e) => {
                        state.error.try_set(Some(e.to_string()));
                    }
                }
                busy.try_set(false);
            });
        }
    };
    let running = move || matches!(state.status.get(), Some(BrowserStatus::Running { .. }));
    let status_text = move || match state.status.get() {
        None => "Checking…".to_owned(),
        Some(BrowserStatus::Stopped) => "Not running".to_owned(),
        Some(BrowserStatus::Running { .. }) if acting() => "The agent is using it".to_owned(),
        Some(BrowserStatus::Running { .. }) if state.connected.get() => "Live".to_owned(),
        Some(BrowserStatus::Running { .. }) => "Connecting…".to_owned(),
        Some(BrowserStatus::Crashed { .. }) => "Stopped unexpectedly".to_owned(),
    };
    let pid = move || match state.status.get() {
        Some(BrowserStatus::Running { pid, .. }) => pid.to_string(),
        _ => String::new(),
    };
    let close = on_close.clone();
    view! {
        <section
            aria-label="Browser"
            data-testid="browser-panel"
            data-pid=pid
            data-frames=move || state.frames.get().to_string()
            class="fixed inset-0 z-30 flex flex-col bg-black text-sm text-neutral-300 lg:left-auto lg:w-[min(36rem,45vw)] lg:border-l lg:border-neutral-800"
        >
            <div class="flex items-center gap-2 border-b border-neutral-900 pl-3">
                <h2 class="text-neutral-100">"Browser"</h2>
                <span role="status" data-testid="browser-status" class="min-w-0 flex-1 truncate text-xs text-neutral-500">
                    {status_text}
                </span>
                <Show when=running>
                    <button type="button" class="min-h-11 px-2 text-xs text-neutral-400 underline" disabled=move || busy.get() on:click=stop.clone()>
                        "Stop"
                    </button>
                </Show>
                <button type="button" class=TOOL aria-label="Close the browser" on:click=move |_| close()>
                    "✕"
                </button>
            </div>
            <Toolbar state running />
            {move || state.error.get().map(|e| view! {
                <p role="alert" class="flex items-center gap-2 px-3 py-1 text-red-400">
                    <span class="min-w-0 flex-1 break-words">{e}</span>
                    <button type="button" class="min-h-11 min-w-11" aria-label="Dismiss" on:click=move |_| state.error.set(None)>"✕"</button>
                </p>
            })}
            {move || match state.status.get() {
                Some(BrowserStatus::Running { .. }) => view! { <Screen state acting=Signal::derive(acting) /> }.into_any(),
                Some(BrowserStatus::Crashed { message }) => view! {
                    <div class="p-3">
                        <p role="alert" class="text-amber-300">{format!("The browser stopped: {message}.")}</p>
                        <button type="button" class="mt-2 min-h-11 border border-neutral-500 px-3 text-neutral-100" disabled=move || busy.get() on:click=start.clone()>
                            "Restart the browser"
                        </button>
                    </div>
                }.into_any(),
                Some(BrowserStatus::Stopped) => view! {
                    <div class="p-3">
                        <p>"A Chromium for this chat: the agent's browser tools act on it, and you watch and use it here."</p>
                        <button type="button" class="mt-2 min-h-11 border border-neutral-500 px-3 text-neutral-100" disabled=move || busy.get() on:click=start.clone()>
                            {move || if busy.get() { "Starting…" } else { "Start the browser" }}
                        </button>
                    </div>
                }.into_any(),
                None => ().into_any(),
            }}
        </section>
    }
}

/// Back, forward, reload and the URL bar.
#[component]
fn Toolbar(
    state: PanelState,
    running: impl Fn() -> bool + Send + Sync + Copy + 'static,
) -> impl IntoView {
    let typed = RwSignal::new(None::<String>);
    let shown = move || typed.get().unwrap_or_else(|| state.url.get());
    let go = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(url) = typed.get_untracked() {
            send(ClientMessage::Navigate { url });
        }
        typed.set(None);
    };
    view! {
        <form class="flex items-center gap-1 border-b border-neutral-900 px-1" on:submit=go>
            <button type="button" class=TOOL aria-label="Back" disabled=move || !running() on:click=|_| send(ClientMessage::Back)>"←"</button>
            <button type="button" class=TOOL aria-label="Forward" disabled=move || !running() on:click=|_| send(ClientMessage::Forward)>"→"</button>
            <button type="button" class=TOOL aria-label="Reload" disabled=move || !running() on:click=|_| send(ClientMessage::Reload)>"⟳"</button>
            <input
                type="text"
                inputmode="url"
                enterkeyhint="go"
                autocapitalize="off"
                autocomplete="off"
                spellcheck="false"
                aria-label="Address"
                data-testid="browser-url"
                placeholder="Address"
                class="min-h-11 min-w-0 flex-1 border border-neutral-800 bg-neutral-950 px-2 text-base text-neutral-100"
                disabled=move || !running()
                prop:value=shown
                on:input=move |ev| typed.set(Some(event_target_value(&ev)))
                on:blur=move |_| typed.set(None)
            />
        </form>
    }
}

/// The live frame, and what the user does on it.
#[component]
fn Screen(state: PanelState, acting: Signal<bool>) -> impl IntoView {
    let keyboard = NodeRef::<leptos::html::Input>::new();
    let ring = move || {
        if acting.get() {
            "relative min-h-0 flex-1 overflow-hidden outline outline-4 -outline-offset-4 outline-amber-400"
        } else {
            "relative min-h-0 flex-1 overflow-hidden"
        }
    };
    #[cfg(feature = "hydrate")]
    let handlers = input::Handlers::new(state);
    #[cfg(feature = "hydrate")]
    let (on_click, on_wheel, on_touch_start, on_touch_move, on_key, on_field_key, on_text, on_load) = (
        handlers.click(),
        handlers.wheel(),
        handlers.touch_start(),
        handlers.touch_move(),
        handlers.key(),
        handlers.key(),
        handlers.text(),
        handlers.loaded(),
    );
    #[cfg(not(feature = "hydrate"))]
    let (on_click, on_wheel, on_touch_start, on_touch_move, on_key, on_field_key, on_text, on_load) = (
        |_: leptos::ev::MouseEvent| {},
        |_: leptos::ev::WheelEvent| {},
        |_: leptos::ev::TouchEvent| {},
        |_: leptos::ev::TouchEvent| {},
        |_: leptos::ev::KeyboardEvent| {},
        |_: leptos::ev::KeyboardEvent| {},
        |_: leptos::ev::Event| {},
        |_: leptos::ev::Event| {},
    );
    view! {
        <div class=ring data-testid="browser-screen" data-agent=move || acting.get().to_string() id="browser-screen">
            {move || state.frame.get().is_none().then(|| view! {
                <p class="p-3 text-neutral-500">"Waiting for the first frame…"</p>
            })}
            <img
                data-testid="browser-frame"
                alt=move || format!("The shared browser: {}", state.title.get())
                class="block h-auto w-full touch-none select-none"
                tabindex="0"
                draggable="false"
                src=move || state.frame.get().unwrap_or_default()
                hidden=move || state.frame.get().is_none()
                on:click=on_click
                on:wheel=on_wheel
                on:touchstart=on_touch_start
                on:touchmove=on_touch_move
                on:keydown=on_key
                on:load=on_load
            />
            <input
                node_ref=keyboard
                type="text"
                aria-label="Type into the page"
                data-testid="browser-keyboard"
                autocapitalize="off"
                autocomplete="off"
                class="absolute bottom-0 left-0 h-px w-px opacity-0"
                on:input=on_text
                on:keydown=on_field_key
            />
            <button
                type="button"
                class="absolute right-2 bottom-2 min-h-11 min-w-11 rounded-full border border-neutral-600 bg-black/80 text-lg"
                aria-label="Keyboard: type into the page"
                on:click=move |_| {
                    if let Some(field) = keyboard.get() {
                        let _ = field.focus();
                    }
                }
            >
                "⌨"
            </button>
        </div>
    }
}
