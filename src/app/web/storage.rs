//! The browser's `localStorage`, as strings under string keys.
//!
//! ## On the server
//! Reads find nothing; writes and listeners do nothing.

/// The value under `key`, if the browser keeps one.
pub fn get(key: &str) -> Option<String> {
    browser::get(key)
}

/// Keeps `value` under `key`; full or disabled storage only loses the
/// convenience, so failures are ignored.
pub fn set(key: &str, value: &str) {
    browser::set(key, value);
}

pub fn remove(key: &str) {
    browser::remove(key);
}

/// Calls `changed` with the new value (empty when removed) whenever another
/// tab changes `key`; stops when the caller's owner is cleaned up.
pub fn on_change(key: String, changed: impl Fn(String) + 'static) {
    browser::on_change(key, changed);
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::{on_cleanup, window_event_listener};

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }

    pub fn get(key: &str) -> Option<String> {
        storage()?.get_item(key).ok().flatten()
    }

    pub fn set(key: &str, value: &str) {
        if let Some(storage) = storage() {
            let _ = storage.set_item(key, value);
        }
    }

    pub fn remove(key: &str) {
        if let Some(storage) = storage() {
            let _ = storage.remove_item(key);
        }
    }

    pub fn on_change(key: String, changed: impl Fn(String) + 'static) {
        let handle = window_event_listener(leptos::ev::storage, move |event| {
            if event.key().as_deref() == Some(key.as_str()) {
                changed(event.new_value().unwrap_or_default());
            }
        });
        on_cleanup(move || handle.remove());
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    pub fn get(_key: &str) -> Option<String> {
        None
    }

    pub fn set(_key: &str, _value: &str) {}

    pub fn remove(_key: &str) {}

    pub fn on_change(_key: String, _changed: impl Fn(String) + 'static) {}
}
