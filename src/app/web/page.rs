//! The page and the tab around it: whether the tab is seen, scrolling an
//! element into view or keeping what is read in place across a redraw,
//! and swipes across the window.
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

/// Keeps what is read in the scrolled element `id` where it is on the
/// screen across the redraw about to happen. The `[data-anchor]` element
/// at the middle of `id` is noted now; after the next frame, `id` is
/// scrolled by as far as that element moved (found again by its
/// `data-anchor` if it was drawn anew). Browsers with scroll anchoring
/// (Chromium, Firefox) mostly do this on their own (then nothing moved);
/// this covers the ones without it.
pub fn keep_scroll_anchor(id: &str) {
    browser::keep_scroll_anchor(id);
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

    pub fn keep_scroll_anchor(id: &str) {
        let Some(container) = document().get_element_by_id(id) else {
            return;
        };
        let frame = container.get_bounding_client_rect();
        let middle = document().element_from_point(
            (frame.left() + frame.width() / 2.0) as f32,
            (frame.top() + frame.height() / 2.0) as f32,
        );
        let Some(anchor) = middle.and_then(|e| e.closest("[data-anchor]").ok().flatten()) else {
            return;
        };
        let Some(key) = anchor.get_attribute("data-anchor") else {
            return;
        };
        let was = anchor.get_bounding_client_rect().top() - frame.top();
        let id = id.to_owned();
        request_animation_frame(move || {
            let Some(container) = document().get_element_by_id(&id) else {
                return;
            };
            let anchor = if anchor.is_connected() {
                Some(anchor)
            } else {
                let quoted = key.replace('\\', "\\\\").replace('"', "\\\"");
                container
                    .query_selector(&format!("[data-anchor=\"{quoted}\"]"))
                    .ok()
                    .flatten()
            };
            let Some(anchor) = anchor else {
                return;
            };
            let top = container.get_bounding_client_rect().top();
            let moved = (anchor.get_bounding_client_rect().top() - top - was).round();
            // Untouched when nothing moved (a scroll under way goes on).
            if moved != 0.0 {
                container.set_scroll_top(container.scroll_top() + moved as i32);
            }
        });
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

    pub fn keep_scroll_anchor(_id: &str) {}

    pub fn on_swipe(_swiped: impl Fn(Swipe) + Clone + 'static) {}
}
