//! The Browser panel: the chat's shared Chromium, live. A sheet over the
//! chat on phones, a side panel on wide screens. Frames come over the
//! panel's WebSocket; taps, drags, the wheel, typing (the phone keyboard
//! through a hidden field), the URL bar and back/forward/reload go back.
//! While one of the agent's browser tools runs, the frame is outlined.

mod input;
mod socket;

use leptos::prelude::*;

use crate::api::{AppError, browser_state, start_browser, stop_browser};
use crate::app::erase::Erase;
use crate::app::web::socket::Socket;
use crate::model::browser::{BrowserStatus, ClientMessage};

/// Whether the agent is acting on the browser now (set by the transcript).
#[derive(Clone, Copy)]
pub struct AgentBrowsing(pub RwSignal<bool>);

/// What the panel shows; the socket's handlers write it.
#[derive(Clone, Copy)]
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
    pub socket: StoredValue<Option<Socket>>,
}

impl PanelState {
    fn new() -> Self {
        Self {
            status: RwSignal::new(None),
            connected: RwSignal::new(false),
            url: RwSignal::new(String::new()),
            title: RwSignal::new(String::new()),
            error: RwSignal::new(None),
            frame: RwSignal::new(None),
            frames: RwSignal::new(0),
            page_size: RwSignal::new((0.0, 0.0)),
            pending_ack: StoredValue::new(None),
            socket: StoredValue::new(None),
        }
    }

    /// Sends a message on the open socket (dropped when none is open).
    pub fn send(self, message: ClientMessage) {
        if let (Some(socket), Ok(text)) = (
            self.socket.try_get_value().flatten(),
            serde_json::to_string(&message),
        ) {
            socket.send(&text);
        }
    }

    fn running(self) -> bool {
        matches!(self.status.get(), Some(BrowserStatus::Running { .. }))
    }
}

/// What the panel asks the server about the chat's browser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Control {
    /// Its state, on opening: a running browser is joined at once.
    Check,
    Start,
    Stop,
}

type Controlled = (Control, Result<BrowserStatus, AppError>);

/// The panel's one action on the server, and what its answers do.
fn use_control(
    key: StoredValue<(String, String)>,
    state: PanelState,
) -> Action<Control, Controlled> {
    let control = Action::new(move |control: &Control| {
        let control = *control;
        let (repo, chat_id) = key.get_value();
        async move {
            let result = match control {
                Control::Check => browser_state(repo, chat_id).await,
                Control::Start => start_browser(repo, chat_id).await,
                Control::Stop => stop_browser(repo, chat_id).await,
            };
            (control, result)
        }
    });
    Effect::new(move |_| {
        control.dispatch(Control::Check);
    });
    Effect::new(move |_| match control.value().get() {
        Some((control, Ok(status))) => {
            let connect = match control {
                Control::Check => matches!(status, BrowserStatus::Running { .. }),
                Control::Start => true,
                Control::Stop => false,
            };
            state.status.set(Some(status));
            if control == Control::Stop {
                state.frame.set(None);
            }
            if connect {
                key.with_value(|(repo, chat_id)| socket::connect(repo, chat_id, state));
            }
        }
        Some((_, Err(e))) => state.error.set(Some(e.to_string())),
        None => {}
    });
    control
}

#[component]
pub fn BrowserPanel(
    repo: String,
    chat_id: String,
    on_close: impl Fn() + Send + Sync + Clone + 'static,
) -> impl IntoView {
    let state = PanelState::new();
    let agent = use_context::<AgentBrowsing>().map(|a| a.0);
    let acting = Signal::derive(move || agent.is_some_and(|a| a.get()));
    let control = use_control(StoredValue::new((repo, chat_id)), state);
    on_cleanup(move || socket::close(state));
    view! {
        <section
            aria-label="Browser"
            data-testid="browser-panel"
            data-pid=move || match state.status.get() {
                Some(BrowserStatus::Running { pid, .. }) => pid.to_string(),
                _ => String::new(),
            }
            data-frames=move || state.frames.get().to_string()
            class="fixed inset-0 z-30 flex flex-col bg-black text-sm text-neutral-300 lg:left-auto lg:w-[min(36rem,45vw)] lg:border-l lg:border-neutral-800"
        >
            <PanelHeader state acting control on_close />
            <Toolbar state running=move || state.running() />
            {move || state.error.get().map(|e| view! {
                <p role="alert" class="flex items-center gap-2 px-3 py-1 text-red-400">
                    <span class="min-w-0 flex-1 break-words">{e}</span>
                    <button type="button" class="min-h-11 min-w-11" aria-label="Dismiss" on:click=move |_| state.error.set(None)>"✕"</button>
                </p>
            })}
            <PanelBody state acting control />
        </section>
    }
}

/// The title, what the browser is doing, Stop and Close.
#[component]
fn PanelHeader(
    state: PanelState,
    acting: Signal<bool>,
    control: Action<Control, Controlled>,
    on_close: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let status_text = move || match state.status.get() {
        None => "Checking…",
        Some(BrowserStatus::Stopped) => "Not running",
        Some(BrowserStatus::Running { .. }) if acting.get() => "The agent is using it",
        Some(BrowserStatus::Running { .. }) if state.connected.get() => "Live",
        Some(BrowserStatus::Running { .. }) => "Connecting…",
        Some(BrowserStatus::Crashed { .. }) => "Stopped unexpectedly",
    };
    let stop = move |_| {
        socket::close(state);
        control.dispatch(Control::Stop);
    };
    view! {
        <div class="flex items-center gap-2 border-b border-neutral-900 pl-3">
            <h2 class="text-neutral-100">"Browser"</h2>
            <span role="status" data-testid="browser-status" class="min-w-0 flex-1 truncate text-xs text-neutral-500">
                {status_text}
            </span>
            <Show when=move || state.running()>
                <button type="button" class="min-h-11 px-2 text-xs text-neutral-400 underline" disabled=move || control.pending().get() on:click=stop>
                    "Stop"
                </button>
            </Show>
            <button type="button" class=TOOL aria-label="Close the browser" on:click=move |_| on_close()>
                "✕"
            </button>
        </div>
    }
}

/// The frame while it runs; otherwise what happened and (Re)start.
#[component]
fn PanelBody(
    state: PanelState,
    acting: Signal<bool>,
    control: Action<Control, Controlled>,
) -> impl IntoView {
    let busy = control.pending();
    let start = move |_| {
        state.error.set(None);
        control.dispatch(Control::Start);
    };
    move || {
        match state.status.get() {
        Some(BrowserStatus::Running { .. }) => view! { <Screen state acting /> }.erase(),
        Some(BrowserStatus::Crashed { message }) => view! {
            <div class="p-3">
                <p role="alert" class="text-amber-300">{format!("The browser stopped: {message}.")}</p>
                <button type="button" class=START disabled=busy on:click=start>
                    "Restart the browser"
                </button>
            </div>
        }
        .erase(),
        Some(BrowserStatus::Stopped) => view! {
            <div class="p-3">
                <p>"A Chromium for this chat: the agent's browser tools act on it, and you watch and use it here."</p>
                <button type="button" class=START disabled=busy on:click=start>
                    {move || if busy.get() { "Starting…" } else { "Start the browser" }}
                </button>
            </div>
        }
        .erase(),
        None => ().erase(),
    }
    }
}

const TOOL: &str = "min-h-11 min-w-11 shrink-0 text-lg text-neutral-200 disabled:text-neutral-600";
const START: &str = "mt-2 min-h-11 border border-neutral-500 px-3 text-neutral-100";

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
            state.send(ClientMessage::Navigate { url });
        }
        typed.set(None);
    };
    view! {
        <form class="flex items-center gap-1 border-b border-neutral-900 px-1" on:submit=go>
            <button type="button" class=TOOL aria-label="Back" disabled=move || !running() on:click=move |_| state.send(ClientMessage::Back)>"←"</button>
            <button type="button" class=TOOL aria-label="Forward" disabled=move || !running() on:click=move |_| state.send(ClientMessage::Forward)>"→"</button>
            <button type="button" class=TOOL aria-label="Reload" disabled=move || !running() on:click=move |_| state.send(ClientMessage::Reload)>"⟳"</button>
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
    let handlers = input::Handlers::new(state);
    view! {
        <div class=ring data-testid=input::SCREEN_ID data-agent=move || acting.get().to_string() id=input::SCREEN_ID>
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
                on:click=handlers.click()
                on:wheel=handlers.wheel()
                on:touchstart=handlers.touch_start()
                on:touchmove=handlers.touch_move()
                on:keydown=handlers.key()
                on:load=handlers.loaded()
            />
            <input
                node_ref=keyboard
                type="text"
                aria-label="Type into the page"
                data-testid="browser-keyboard"
                autocapitalize="off"
                autocomplete="off"
                class="absolute bottom-0 left-0 h-px w-px opacity-0"
                on:input=handlers.text()
                on:keydown=handlers.key()
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
