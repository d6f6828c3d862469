//! Live events in the browser: one stream per tab on pocketcode's
//! `GET /pocket/events`, shared by every chat of the tab.
//!
//! [`use_live_events`] opens the stream; the app calls it once and provides
//! the returned [`LiveEvents`] as context. [`use_chat_events`] subscribes a
//! chat to its session's events; a chat never sees another chat's events.
//!
//! The hook keeps the id of the last item and reconnects with
//! `?last_event_id=` (the server replays what was missed, exactly once):
//! after an error (with backoff), when the page becomes visible again, when
//! the browser comes back online, and when nothing (heartbeats included)
//! arrived for a while. When the browser goes offline, the stream is
//! closed until it is back online. When the server cannot replay, it sends a `resync`
//! and the affected chats refetch their transcripts; so do all chats when a
//! stream starts from scratch, since what happened before it is unknown,
//! and when opencode was restarted ([`LiveEvents::restarted`] says so).
//!
//! A failing stream may mean the login is gone (it expired, or the user
//! logged out elsewhere): then the tab goes to the login page, which brings
//! it back here afterwards.
//!
//! ## On the server
//! Nothing is opened and no chat is subscribed: SSR renders the loaded data
//! only, and [`LiveEvents::connected`] stays `false`.

#[cfg(feature = "hydrate")]
mod event_source;
#[cfg(feature = "hydrate")]
mod login_check;
#[cfg(any(feature = "hydrate", test))]
mod position;
#[cfg(any(feature = "hydrate", test))]
mod subscribers;

use std::time::Duration;

use leptos::prelude::*;

use crate::model::live::OpencodeRestart;
use crate::opencode::Event;

/// The session and directory of a listener for every chat.
pub(crate) const ANY: &str = "*";

/// How the stream reconnects.
#[derive(Clone, Debug)]
pub struct UseLiveEventsOptions {
    /// Reconnect when nothing arrived for this long. The server sends a
    /// heartbeat every 10 s, so this is two and a half missed heartbeats.
    pub silence_timeout: Duration,
    /// The delay after the first error; it doubles with each failed attempt.
    pub min_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for UseLiveEventsOptions {
    fn default() -> Self {
        Self {
            silence_timeout: Duration::from_secs(25),
            min_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(15),
        }
    }
}

impl UseLiveEventsOptions {
    /// The delay before reconnecting after `failures` failed attempts in a
    /// row: exponential, capped, and spread by `jitter` (in `[0, 1)`) over
    /// its upper half so that tabs do not reconnect in lockstep.
    pub fn backoff(&self, failures: u32, jitter: f64) -> Duration {
        let exponential = self
            .min_backoff
            .saturating_mul(2_u32.saturating_pow(failures.min(16)));
        let capped = exponential.min(self.max_backoff);
        capped.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
    }
}

/// The tab's stream, as context for the components that use it.
#[derive(Clone, Copy, Debug)]
pub struct LiveEvents {
    /// Whether the stream is open right now.
    pub connected: Signal<bool>,
    /// The last opencode restart the stream told of while this tab was open.
    pub restarted: Signal<Option<OpencodeRestart>>,
}

/// Opens the tab's stream with the default options.
pub fn use_live_events() -> LiveEvents {
    use_live_events_with_options(UseLiveEventsOptions::default())
}

/// Opens the tab's stream. Call it once per tab (the app does); the stream
/// closes when the caller's owner is cleaned up.
pub fn use_live_events_with_options(options: UseLiveEventsOptions) -> LiveEvents {
    let connected = RwSignal::new(false);
    let restarted = RwSignal::new(None);
    #[cfg(feature = "hydrate")]
    event_source::open(options, connected, restarted);
    #[cfg(not(feature = "hydrate"))]
    let _ = options;
    LiveEvents {
        connected: connected.into(),
        restarted: restarted.into(),
    }
}

/// Calls `on_event` for every event of `session_id` (in `directory`) from
/// the tab's stream, and `on_resync` when the chat may have missed some and
/// must refetch. Unsubscribes when the caller's owner is cleaned up.
pub fn use_chat_events(
    session_id: &str,
    directory: &str,
    on_event: impl Fn(&Event) + 'static,
    on_resync: impl Fn() + 'static,
) {
    if use_context::<LiveEvents>().is_none() {
        leptos::logging::warn!("use_chat_events outside the app's LiveEvents: no live updates");
        return;
    }
    #[cfg(feature = "hydrate")]
    event_source::subscribe(subscribers::Chat {
        session_id: session_id.to_owned(),
        directory: directory.to_owned(),
        on_event: std::rc::Rc::new(on_event),
        on_resync: std::rc::Rc::new(on_resync),
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (session_id, directory, on_event, on_resync);
}

/// Calls `on_event` for every chat's events and `on_resync` for every
/// resync (the sidebar's view of all chats).
pub fn use_any_chat_events(on_event: impl Fn(&Event) + 'static, on_resync: impl Fn() + 'static) {
    use_chat_events(ANY, ANY, on_event, on_resync);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_and_spreads_over_its_upper_half() {
        let options = UseLiveEventsOptions::default();
        assert_eq!(options.backoff(0, 1.0), Duration::from_millis(500));
        assert_eq!(options.backoff(0, 0.0), Duration::from_millis(250));
        assert_eq!(options.backoff(3, 1.0), Duration::from_secs(4));
        assert_eq!(options.backoff(10, 1.0), Duration::from_secs(15));
        assert_eq!(options.backoff(u32::MAX, 0.0), Duration::from_millis(7_500));
    }
}
