//! The tab's `EventSource` and what makes it reconnect.
//!
//! JS handles are not `Send` while Leptos' cleanups and contexts must be, so
//! the connection and the subscribed chats live in thread-locals (the
//! browser runs this on one thread) and cleanups keep only plain keys.
//!
//! Every reconnect is ours: on an error the source is closed and a new one
//! is opened after a backoff, with `?last_event_id=` from the last item seen.
//! The handlers are created once and shared by every source; events
//! of a source that was already replaced are ignored.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{EventSource, MessageEvent};

use super::UseLiveEventsOptions;
use super::position::StreamPosition;
use super::subscribers::{Chat, ChatSubscribers};
use crate::model::live::{OpencodeRestart, StreamItem};

thread_local! {
    static TAB: RefCell<Option<TabStream>> = const { RefCell::new(None) };
    static CHATS: RefCell<ChatSubscribers> = RefCell::new(ChatSubscribers::default());
}

/// The tab's connection state.
struct TabStream {
    options: UseLiveEventsOptions,
    connected: RwSignal<bool>,
    restarted: RwSignal<Option<OpencodeRestart>>,
    position: StreamPosition,
    source: Option<Source>,
    /// Whether any source of this tab has opened: a chat that subscribes
    /// later loaded its transcript while events went to nobody.
    ever_opened: bool,
    failures: u32,
    retry: Option<TimeoutHandle>,
    /// `performance.now()` when the stream last showed signs of life.
    last_heard: f64,
    handlers: Handlers,
    watchdog: Option<IntervalHandle>,
    online: Option<WindowListenerHandle>,
    offline: Option<WindowListenerHandle>,
}

struct Source {
    source: EventSource,
    /// Opened with a last id: the server replays or says resync.
    resumed: bool,
}

struct Handlers {
    open: Closure<dyn FnMut(web_sys::Event)>,
    message: Closure<dyn FnMut(MessageEvent)>,
    error: Closure<dyn FnMut(web_sys::Event)>,
    visibility: Closure<dyn FnMut(web_sys::Event)>,
}

pub fn open(
    options: UseLiveEventsOptions,
    connected: RwSignal<bool>,
    restarted: RwSignal<Option<OpencodeRestart>>,
) {
    if TAB.with_borrow(Option::is_some) {
        leptos::logging::warn!("use_live_events called twice: the tab keeps its first stream");
        return;
    }
    let handlers = Handlers {
        open: Closure::new(on_open),
        message: Closure::new(on_message),
        error: Closure::new(on_error),
        visibility: Closure::new(|_| {
            if !document().hidden() {
                reconnect_now();
            }
        }),
    };
    let _ = document().add_event_listener_with_callback(
        "visibilitychange",
        handlers.visibility.as_ref().unchecked_ref(),
    );
    let online = window_event_listener_untyped("online", |_| reconnect_now());
    let offline = window_event_listener_untyped("offline", |_| go_offline());
    let watchdog = set_interval_with_handle(check_silence, options.silence_timeout / 5).ok();
    TAB.set(Some(TabStream {
        options,
        connected,
        restarted,
        position: StreamPosition::default(),
        source: None,
        ever_opened: false,
        failures: 0,
        retry: None,
        last_heard: now(),
        handlers,
        watchdog,
        online: Some(online),
        offline: Some(offline),
    }));
    connect();
    on_cleanup(close);
}

pub fn subscribe(chat: Chat) {
    let on_resync = Rc::clone(&chat.on_resync);
    let key = CHATS.with_borrow_mut(|chats| chats.add(chat));
    on_cleanup(move || CHATS.with_borrow_mut(|chats| chats.remove(key)));
    // Before the first open, that open makes every chat refetch.
    if TAB.with_borrow(|tab| tab.as_ref().is_some_and(|tab| tab.ever_opened)) {
        on_resync();
    }
}

/// Replaces the current source (if any) with a new one from the position.
fn connect() {
    let connected = TAB.with_borrow_mut(|tab| {
        let tab = tab.as_mut()?;
        if let Some(retry) = tab.retry.take() {
            retry.clear();
        }
        tab.drop_source();
        tab.last_heard = now();
        let url = tab.position.url();
        match EventSource::new(&url) {
            Ok(source) => {
                source.set_onopen(Some(tab.handlers.open.as_ref().unchecked_ref()));
                source.set_onmessage(Some(tab.handlers.message.as_ref().unchecked_ref()));
                source.set_onerror(Some(tab.handlers.error.as_ref().unchecked_ref()));
                tab.source = Some(Source {
                    source,
                    resumed: tab.position.last_id().is_some(),
                });
            }
            Err(error) => leptos::logging::warn!("cannot open {url}: {error:?}"),
        }
        Some(tab.connected)
    });
    if let Some(connected) = connected {
        connected.set(false);
    }
}

/// Reconnects at once: the page came back, or so did the network.
fn reconnect_now() {
    TAB.with_borrow_mut(|tab| {
        if let Some(tab) = tab {
            tab.failures = 0;
        }
    });
    connect();
}

fn on_open(event: web_sys::Event) {
    let opened = TAB.with_borrow_mut(|tab| {
        let tab = tab.as_mut().filter(|tab| tab.is_current(&event))?;
        tab.failures = 0;
        tab.last_heard = now();
        tab.ever_opened = true;
        let fresh = tab.source.as_ref().is_some_and(|s| !s.resumed);
        Some((tab.connected, fresh))
    });
    let Some((connected, fresh)) = opened else {
        return;
    };
    connected.set(true);
    if fresh {
        CHATS.with(|chats| ChatSubscribers::resync(chats, None));
    }
}

fn on_message(message: MessageEvent) {
    let Some(data) = message.data().as_string() else {
        return;
    };
    let item = StreamItem::parse(&data);
    let id = message.last_event_id();
    let wanted = TAB.with_borrow_mut(|tab| {
        let tab = tab.as_mut().filter(|tab| tab.is_current(&message))?;
        tab.last_heard = now();
        let wanted = match &item {
            Some(StreamItem::Event { .. } | StreamItem::Restarted(_)) if !id.is_empty() => {
                tab.position.advance(&id)
            }
            // A refetch is harmless even when the position did not move.
            Some(StreamItem::Resync { .. }) if !id.is_empty() => {
                tab.position.advance(&id);
                true
            }
            _ => item.is_some(),
        };
        wanted.then_some(tab.restarted)
    });
    let (Some(restarted), Some(item)) = (wanted, item) else {
        return;
    };
    // Signals are set outside the borrow: their effects may use the tab.
    if let StreamItem::Restarted(restart) = &item {
        restarted.set(Some(restart.clone()));
    }
    CHATS.with(|chats| ChatSubscribers::deliver(chats, item));
}

fn on_error(event: web_sys::Event) {
    let failed = TAB.with_borrow_mut(|tab| {
        let tab = tab.as_mut().filter(|tab| tab.is_current(&event))?;
        // The browser's own retry would not carry our position in the URL
        // and ignores our backoff: close, and retry ourselves.
        tab.drop_source();
        let delay = tab.options.backoff(tab.failures, jitter());
        tab.failures = tab.failures.saturating_add(1);
        tab.retry = set_timeout_with_handle(connect, delay).ok();
        Some(tab.connected)
    });
    if let Some(connected) = failed {
        connected.set(false);
        super::login_check::check_still_logged_in();
    }
}

/// The browser says the network is gone: the connection is dead or about
/// to be (a phone's socket may hang instead of failing), and retries would
/// fail. Close it; `online` (or, should that never come, the silence
/// watchdog) opens a new one from the last id.
fn go_offline() {
    let connected = TAB.with_borrow_mut(|tab| {
        let tab = tab.as_mut()?;
        if let Some(retry) = tab.retry.take() {
            retry.clear();
        }
        tab.drop_source();
        Some(tab.connected)
    });
    if let Some(connected) = connected {
        connected.set(false);
    }
}

/// A connection can die without an error (a phone's radio went away, a
/// proxy holds the socket): heartbeats stop, and then we reconnect.
fn check_silence() {
    let silent = TAB.with_borrow(|tab| {
        tab.as_ref().is_some_and(|tab| {
            tab.retry.is_none()
                && now() - tab.last_heard > tab.options.silence_timeout.as_secs_f64() * 1000.0
        })
    });
    if silent {
        reconnect_now();
    }
}

fn close() {
    let Some(mut tab) = TAB.take() else {
        return;
    };
    tab.drop_source();
    if let Some(retry) = tab.retry.take() {
        retry.clear();
    }
    if let Some(watchdog) = tab.watchdog.take() {
        watchdog.clear();
    }
    for listener in [tab.online.take(), tab.offline.take()]
        .into_iter()
        .flatten()
    {
        listener.remove();
    }
    let _ = document().remove_event_listener_with_callback(
        "visibilitychange",
        tab.handlers.visibility.as_ref().unchecked_ref(),
    );
    let _ = tab.connected.try_set(false);
}

impl TabStream {
    fn is_current(&self, event: &web_sys::Event) -> bool {
        match (&self.source, event.target()) {
            (Some(current), Some(target)) => {
                let current: &web_sys::EventTarget = current.source.as_ref();
                *current == target
            }
            _ => false,
        }
    }

    fn drop_source(&mut self) {
        if let Some(old) = self.source.take() {
            old.source.set_onopen(None);
            old.source.set_onmessage(None);
            old.source.set_onerror(None);
            old.source.close();
        }
    }
}

fn now() -> f64 {
    window().performance().map_or(0.0, |p| p.now())
}

/// A number in `[0, 1)` from the browser's random source (0.5 without one).
fn jitter() -> f64 {
    let mut bytes = [0_u8; 2];
    match window()
        .crypto()
        .and_then(|c| c.get_random_values_with_u8_array(&mut bytes))
    {
        Ok(_) => f64::from(u16::from_le_bytes(bytes)) / 65_536.0,
        Err(_) => 0.5,
    }
}
