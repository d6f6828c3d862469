//! The user's side of the shared browser: taps, drags, the wheel and
//! typing on the frame, turned into page coordinates and sent.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::{PanelState, send};
use crate::browser::ClientMessage;

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

/// Tells the server the frame area's size and the screen's pixel ratio.
pub fn send_viewport() {
    let Some(screen) = document().get_element_by_id("browser-screen") else {
        return;
    };
    let (width, height) = (screen.client_width(), screen.client_height());
    if width > 0 && height > 0 {
        send(ClientMessage::Viewport {
            width: width as u32,
            height: height as u32,
            ratio: window().device_pixel_ratio(),
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
        let resize = window_event_listener(leptos::ev::resize, |_| send_viewport());
        on_cleanup(move || resize.remove());
        Self {
            state,
            touch: StoredValue::new(None),
        }
    }

    /// Element pixels of `target` to page CSS pixels.
    fn page_point(self, target: &web_sys::Element, x: f64, y: f64) -> (f64, f64) {
        let (page_w, page_h) = self.state.page_size.get_untracked();
        let (w, h) = (
            f64::from(target.client_width().max(1)),
            f64::from(target.client_height().max(1)),
        );
        (x / w * page_w, y / h * page_h)
    }

    pub fn click(self) -> impl Fn(leptos::ev::MouseEvent) + Clone + 'static {
        move |ev| {
            let Some(target) = element(&ev) else { return };
            let (x, y) =
                self.page_point(&target, f64::from(ev.offset_x()), f64::from(ev.offset_y()));
            send(ClientMessage::Tap { x, y });
        }
    }

    pub fn wheel(self) -> impl Fn(leptos::ev::WheelEvent) + Clone + 'static {
        move |ev| {
            ev.prevent_default();
            let Some(target) = element(&ev) else { return };
            let (x, y) =
                self.page_point(&target, f64::from(ev.offset_x()), f64::from(ev.offset_y()));
            send(ClientMessage::Scroll {
                x,
                y,
                dx: ev.delta_x(),
                dy: ev.delta_y(),
            });
        }
    }

    pub fn touch_start(self) -> impl Fn(leptos::ev::TouchEvent) + Clone + 'static {
        move |ev| {
            self.touch.set_value(touch_point(&ev));
        }
    }

    /// A drag scrolls the page the way the finger moves it.
    pub fn touch_move(self) -> impl Fn(leptos::ev::TouchEvent) + Clone + 'static {
        move |ev| {
            let (Some(now), Some(before)) = (touch_point(&ev), self.touch.get_value()) else {
                return;
            };
            self.touch.set_value(Some(now));
            let Some(target) = element(&ev) else { return };
            let (x, y) = self.page_point(&target, now.0, now.1);
            let (dx, dy) = self.page_point(&target, before.0 - now.0, before.1 - now.1);
            send(ClientMessage::Scroll { x, y, dx, dy });
        }
    }

    /// Keys on the frame (a desktop keyboard) or in the hidden field.
    pub fn key(self) -> impl Fn(leptos::ev::KeyboardEvent) + Clone + 'static {
        move |ev| {
            let key = ev.key();
            if KEYS.contains(&key.as_str()) {
                ev.prevent_default();
                send(ClientMessage::Key { key });
                return;
            }
            let in_field = ev
                .target()
                .is_some_and(|t| t.has_type::<web_sys::HtmlInputElement>());
            // In the field, text arrives through `input` (phone keyboards).
            if !in_field && key.chars().count() == 1 && !ev.ctrl_key() && !ev.meta_key() {
                ev.prevent_default();
                send(ClientMessage::Text { text: key });
            }
        }
    }

    /// What the phone keyboard typed into the hidden field.
    pub fn text(self) -> impl Fn(leptos::ev::Event) + Clone + 'static {
        move |ev| {
            let Some(field) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let text = field.value();
            field.set_value("");
            if !text.is_empty() {
                send(ClientMessage::Text { text });
            }
        }
    }

    /// The image shows the frame: the next one may come.
    pub fn loaded(self) -> impl Fn(leptos::ev::Event) + Clone + 'static {
        move |_| {
            if let Some(seq) = self
                .state
                .pending_ack
                .try_update_value(Option::take)
                .flatten()
            {
                send(ClientMessage::Ack { seq });
            }
        }
    }
}

fn element(ev: &web_sys::Event) -> Option<web_sys::Element> {
    ev.current_target()?.dyn_into().ok()
}

/// The first touch, in the target element's pixels.
fn touch_point(ev: &web_sys::TouchEvent) -> Option<(f64, f64)> {
    let touch = ev.touches().get(0)?;
    let target = element(ev)?;
    let rect = target.get_bounding_client_rect();
    Some((
        f64::from(touch.client_x()) - rect.left(),
        f64::from(touch.client_y()) - rect.top(),
    ))
}
