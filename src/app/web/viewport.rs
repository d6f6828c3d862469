//! The visual viewport: the part of the page the user sees. An on-screen
//! keyboard on iOS (and a pinch zoom anywhere) shrinks it, or scrolls it,
//! without changing the window's size or the fixed elements laid out in
//! it, so a full-screen sheet ends up partly under the keyboard. Pinning
//! the sheet to the visual viewport keeps all of it in sight.
//!
//! ## On the server
//! Nothing is pinned and nothing is called.

/// Keeps the fixed element with `id` on the visual viewport (its left, top,
/// width and height, in the layout's CSS pixels) from now until the
/// caller's owner is cleaned up, and calls `moved` after each change.
pub fn pin_to_visual_viewport(id: &str, moved: impl Fn() + 'static) {
    browser::pin(id, moved);
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::{Cell, RefCell};
    use std::collections::HashMap;

    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    thread_local! {
        static PINNED: RefCell<HashMap<u64, Closure<dyn Fn()>>> = RefCell::new(HashMap::new());
        static NEXT: Cell<u64> = const { Cell::new(0) };
    }

    const EVENTS: [&str; 2] = ["resize", "scroll"];

    pub fn pin(id: &str, moved: impl Fn() + 'static) {
        let Some(viewport) = window().visual_viewport() else {
            return;
        };
        let id = id.to_owned();
        let follow = Closure::<dyn Fn()>::new(move || {
            place(&id);
            moved();
        });
        for event in EVENTS {
            let _ =
                viewport.add_event_listener_with_callback(event, follow.as_ref().unchecked_ref());
        }
        // Once now: the keyboard may be up already.
        let _ = follow
            .as_ref()
            .unchecked_ref::<js_sys::Function>()
            .call0(&viewport);
        let key = NEXT.replace(NEXT.get() + 1);
        PINNED.with_borrow_mut(|pinned| pinned.insert(key, follow));
        on_cleanup(move || unpin(key));
    }

    fn place(id: &str) {
        let (Some(viewport), Some(element)) = (
            window().visual_viewport(),
            document()
                .get_element_by_id(id)
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()),
        ) else {
            return;
        };
        let style = element.style();
        for (property, value) in [
            ("left", viewport.offset_left()),
            ("top", viewport.offset_top()),
            ("width", viewport.width()),
            ("height", viewport.height()),
        ] {
            let _ = style.set_property(property, &format!("{value}px"));
        }
        let _ = style.set_property("right", "auto");
        let _ = style.set_property("bottom", "auto");
    }

    fn unpin(key: u64) {
        let Some(follow) = PINNED.with_borrow_mut(|pinned| pinned.remove(&key)) else {
            return;
        };
        if let Some(viewport) = window().visual_viewport() {
            for event in EVENTS {
                let _ = viewport
                    .remove_event_listener_with_callback(event, follow.as_ref().unchecked_ref());
            }
        }
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    pub fn pin(_id: &str, _moved: impl Fn() + 'static) {}
}
