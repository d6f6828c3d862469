//! Elements under the user's hands: sizes and touch points in an event's
//! element, the text typed into a field, and the window's size changes.
//!
//! ## On the server
//! No event ever arrives, so nothing here is called there; the stand-ins
//! find no element and no text.

/// The size (CSS pixels, at least 1) of the element whose listener `ev` runs.
pub fn listener_size(ev: &leptos::ev::Event) -> Option<(f64, f64)> {
    browser::listener_size(ev)
}

/// The first touch of `ev`, in the pixels of the element whose listener runs.
pub fn touch_offset(ev: &leptos::ev::TouchEvent) -> Option<(f64, f64)> {
    browser::touch_offset(ev)
}

/// Whether `ev` happened in an `<input>`.
pub fn in_input(ev: &leptos::ev::Event) -> bool {
    browser::in_input(ev)
}

/// Takes the text out of the `<input>` that `ev` happened in (it is left
/// empty).
pub fn take_input_text(ev: &leptos::ev::Event) -> Option<String> {
    browser::take_input_text(ev)
}

/// The client size of the element with `id`, and the screen's pixel ratio.
pub fn size_of(id: &str) -> Option<(i32, i32, f64)> {
    browser::size_of(id)
}

/// Calls `resized` whenever the window is resized, until the caller's
/// owner is cleaned up.
pub fn on_resize(resized: impl Fn() + 'static) {
    browser::on_resize(resized);
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;

    fn listener_element(ev: &web_sys::Event) -> Option<web_sys::Element> {
        ev.current_target()?.dyn_into().ok()
    }

    pub fn listener_size(ev: &leptos::ev::Event) -> Option<(f64, f64)> {
        let element = listener_element(ev)?;
        Some((
            f64::from(element.client_width().max(1)),
            f64::from(element.client_height().max(1)),
        ))
    }

    pub fn touch_offset(ev: &leptos::ev::TouchEvent) -> Option<(f64, f64)> {
        let touch = ev.touches().get(0)?;
        let rect = listener_element(ev)?.get_bounding_client_rect();
        Some((
            f64::from(touch.client_x()) - rect.left(),
            f64::from(touch.client_y()) - rect.top(),
        ))
    }

    pub fn in_input(ev: &leptos::ev::Event) -> bool {
        ev.target()
            .is_some_and(|t| t.has_type::<web_sys::HtmlInputElement>())
    }

    pub fn take_input_text(ev: &leptos::ev::Event) -> Option<String> {
        let field = ev.target()?.dyn_into::<web_sys::HtmlInputElement>().ok()?;
        let text = field.value();
        field.set_value("");
        Some(text)
    }

    pub fn size_of(id: &str) -> Option<(i32, i32, f64)> {
        let element = document().get_element_by_id(id)?;
        Some((
            element.client_width(),
            element.client_height(),
            window().device_pixel_ratio(),
        ))
    }

    pub fn on_resize(resized: impl Fn() + 'static) {
        let listener = window_event_listener(leptos::ev::resize, move |_| resized());
        on_cleanup(move || listener.remove());
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    pub fn listener_size(_ev: &leptos::ev::Event) -> Option<(f64, f64)> {
        None
    }

    pub fn touch_offset(_ev: &leptos::ev::TouchEvent) -> Option<(f64, f64)> {
        None
    }

    pub fn in_input(_ev: &leptos::ev::Event) -> bool {
        false
    }

    pub fn take_input_text(_ev: &leptos::ev::Event) -> Option<String> {
        None
    }

    pub fn size_of(_id: &str) -> Option<(i32, i32, f64)> {
        None
    }

    pub fn on_resize(_resized: impl Fn() + 'static) {}
}
