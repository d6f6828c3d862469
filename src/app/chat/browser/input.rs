//! The user's side of the shared browser: taps, drags, the wheel and
//! typing on the frame, turned into page coordinates and sent.

use leptos::ev::{Event, KeyboardEvent, MouseEvent, TouchEvent, WheelEvent};
use leptos::prelude::*;

use super::PanelState;
use crate::app::web::element::{
    in_input, listener_size, on_resize, size_of, take_input_text, touch_offset,
};
use crate::model::browser::ClientMessage;

/// Keys sent as keys rather than text.
const KEYS: &[&str] = &[
    "Enter",
    "Backspace",
    "Tab",
    "Escape",
    "ArrowLeft",
    "ArrowUp",
    "ArrowRight",
    "ArrowDown",
];

/// The frame area's id, measured for the viewport.
pub const SCREEN_ID: &str = "browser-screen";

/// Tells the server the frame area's size and the screen's pixel ratio.
pub fn send_viewport(state: PanelState) {
    let Some((width, height, ratio)) = size_of(SCREEN_ID) else {
        return;
    };
    if width > 0 && height > 0 {
        state.send(ClientMessage::Viewport {
            width: width as u32,
            height: height as u32,
            ratio,
        });
    }
}

#[derive(Clone, Copy)]
pub struct Handlers {
    state: PanelState,
    /// Where the last touch was, in element pixels.
    touch: StoredValue<Option<(f64, f64)>>,
}

impl Handlers {
    pub fn new(state: PanelState) -> Self {
        on_resize(move || send_viewport(state));
        Self {
            state,
            touch: StoredValue::new(None),
        }
    }

    /// Element pixels of the listening element to page CSS pixels.
    fn page_point(self, ev: &Event, x: f64, y: f64) -> Option<(f64, f64)> {
        let (page_w, page_h) = self.state.page_size.get_untracked();
        let (w, h) = listener_size(ev)?;
        Some((x / w * page_w, y / h * page_h))
    }

    pub fn click(self) -> impl Fn(MouseEvent) + Clone + 'static {
        move |ev| {
            let (x, y) = (f64::from(ev.offset_x()), f64::from(ev.offset_y()));
            if let Some((x, y)) = self.page_point(&ev, x, y) {
                self.state.send(ClientMessage::Tap { x, y });
            }
        }
    }

    pub fn wheel(self) -> impl Fn(WheelEvent) + Clone + 'static {
        move |ev| {
            ev.prevent_default();
            let (x, y) = (f64::from(ev.offset_x()), f64::from(ev.offset_y()));
            if let Some((x, y)) = self.page_point(&ev, x, y) {
                let (dx, dy) = (ev.delta_x(), ev.delta_y());
                self.state.send(ClientMessage::Scroll { x, y, dx, dy });
            }
        }
    }

    pub fn touch_start(self) -> impl Fn(TouchEvent) + Clone + 'static {
        move |ev| self.touch.set_value(touch_offset(&ev))
    }

    /// A drag scrolls the page the way the finger moves it.
    pub fn touch_move(self) -> impl Fn(TouchEvent) + Clone + 'static {
        move |ev| {
            let (Some(now), Some(before)) = (touch_offset(&ev), self.touch.get_value()) else {
                return;
            };
            self.touch.set_value(Some(now));
            let at = self.page_point(&ev, now.0, now.1);
            let by = self.page_point(&ev, before.0 - now.0, before.1 - now.1);
            if let (Some((x, y)), Some((dx, dy))) = (at, by) {
                self.state.send(ClientMessage::Scroll { x, y, dx, dy });
            }
        }
    }

    /// Keys on the frame (a desktop keyboard) or in the hidden field.
    pub fn key(self) -> impl Fn(KeyboardEvent) + Clone + 'static {
        move |ev| {
            let key = ev.key();
            if KEYS.contains(&key.as_str()) {
                ev.prevent_default();
                self.state.send(ClientMessage::Key { key });
                return;
            }
            // In the field, text arrives through `input` (phone keyboards).
            if !in_input(&ev) && key.chars().count() == 1 && !ev.ctrl_key() && !ev.meta_key() {
                ev.prevent_default();
                self.state.send(ClientMessage::Text { text: key });
            }
        }
    }

    /// What the phone keyboard typed into the hidden field.
    pub fn text(self) -> impl Fn(Event) + Clone + 'static {
        move |ev| {
            if let Some(text) = take_input_text(&ev).filter(|t| !t.is_empty()) {
                self.state.send(ClientMessage::Text { text });
            }
        }
    }

    /// The image shows the frame: the next one may come.
    pub fn loaded(self) -> impl Fn(Event) + Clone + 'static {
        move |_| {
            if let Some(seq) = self
                .state
                .pending_ack
                .try_update_value(Option::take)
                .flatten()
            {
                self.state.send(ClientMessage::Ack { seq });
            }
        }
    }
}
