//! The page and the tab around it: whether the tab is seen, scrolling an
//! element into view, and swipes across the window.
//!
//! ## On the server
//! The tab counts as visible; listeners and scrolling do nothing.

/// Whether the tab is shown (not hidden behind another tab or app).
pub fn tab_visible() -> bool {
    browser::tab_visible()
}

/// Calls `changed` whenever the tab is shown or hidden, until the caller's
/// owner is cleaned up.
pub fn on_visibility_change(changed: impl Fn() + 'static) {
    browser::on_visibility_change(changed);
}

/// Scrolls the element with `id`, if there is one, into view.
pub fn scroll_into_view(id: &str) {
    browser::scroll_into_view(id);
}

/// A one-finger swipe across the window: where it started and how far it
/// went, in CSS pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Swipe {
    pub start_x: f64,
    pub dx: f64,
    pub dy: f64,
}

/// Calls `swiped` at the end of every one-finger swipe on the window, until
/// the caller's owner is cleaned up.
pub fn on_swipe(swiped: impl Fn(Swipe) + Clone + 'static) {
    browser::on_swipe(swiped);
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;

    use super::Swipe;

    pub fn tab_visible() -> bool {
        !document().hidden()
    }

    pub fn on_visibility_change(changed: impl Fn() + 'static) {
        let listener = window_event_listener(leptos::ev::visibilitychange, move |_| changed());
        on_cleanup(move || listener.remove());
    }

    pub fn scroll_into_view(id: &str) {
        if let Some(element) = document().get_element_by_id(id) {
            element.scroll_into_view();
        }
    }

    pub fn on_swipe(swiped: impl Fn(Swipe) + Clone + 'static) {
        let start = StoredValue::new(None::<(f64, f64)>);
        let down = window_event_listener(leptos::ev::touchstart, move |event| {
            let touches = event.touches();
            let first = (touches.length() == 1).then(|| touches.get(0)).flatten();
            start.set_value(first.map(|t| (f64::from(t.client_x()), f64::from(t.client_y()))));
        });
        let up = window_event_listener(leptos::ev::touchend, move |event| {
            let Some((x, y)) = start.get_value() else {
                return;
            };
            start.set_value(None);
            let Some(touch) = event.changed_touches().get(0) else {
                return;
            };
            swiped(Swipe {
                start_x: x,
                dx: f64::from(touch.client_x()) - x,
                dy: f64::from(touch.client_y()) - y,
            });
        });
        on_cleanup(move || {
            down.remove();
            up.remove();
        });
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    use super::Swipe;

    pub fn tab_visible() -> bool {
        true
    }

    pub fn on_visibility_change(_changed: impl Fn() + 'static) {}

    pub fn scroll_into_view(_id: &str) {}

    pub fn on_swipe(_swiped: impl Fn(Swipe) + Clone + 'static) {}
}
