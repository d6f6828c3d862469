//! The clock and timers: the time now, a callback every so often, and one
//! before the next paint.
//!
//! ## On the server
//! The time is the system's; timers and frames never fire.

use std::time::Duration;

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> u64 {
    browser::now_ms()
}

/// Calls `tick` every `period` until the caller's owner is cleaned up.
pub fn every(period: Duration, tick: impl Fn() + 'static) {
    browser::every(period, tick);
}

/// Calls `paint` once, before the browser's next repaint.
pub fn before_next_paint(paint: impl FnOnce() + 'static) {
    browser::before_next_paint(paint);
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::time::Duration;

    use leptos::prelude::{on_cleanup, request_animation_frame, set_interval_with_handle};

    pub fn now_ms() -> u64 {
        js_sys::Date::now() as u64
    }

    pub fn every(period: Duration, tick: impl Fn() + 'static) {
        if let Ok(handle) = set_interval_with_handle(tick, period) {
            on_cleanup(move || handle.clear());
        }
    }

    pub fn before_next_paint(paint: impl FnOnce() + 'static) {
        request_animation_frame(paint);
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    pub fn now_ms() -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64)
    }

    pub fn every(_period: Duration, _tick: impl Fn() + 'static) {}

    pub fn before_next_paint(_paint: impl FnOnce() + 'static) {}
}
