//! `use_opencode_events`: opencode's live events for one directory, in the
//! browser.
//!
//! The browser opens `GET /event?directory=…`, which pocketcode's proxy
//! forwards to opencode with its credentials. `EventSource` reconnects by
//! itself; opencode does not replay what was missed, so `on_open` fires on
//! every (re)connection and callers reload their data there.
//!
//! On the server this does nothing: SSR renders the loaded data only.
//! The connection closes when the calling component's owner is cleaned up.

use crate::opencode::Event;

/// Calls `on_event` for every event of `directory`, `on_open` on each
/// (re)connection.
pub fn use_opencode_events(
    directory: &str,
    on_event: impl Fn(Event) + 'static,
    on_open: impl Fn() + 'static,
) {
    #[cfg(feature = "hydrate")]
    browser::connect(directory, on_event, on_open);
    #[cfg(not(feature = "hydrate"))]
    let _ = (directory, on_event, on_open);
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::{Cell, RefCell};
    use std::collections::HashMap;

    use leptos::prelude::on_cleanup;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use web_sys::{EventSource, MessageEvent};

    use crate::opencode::{Event, event_stream_url};

    /// An open stream and the callbacks it calls (they must outlive it).
    struct Connection {
        source: EventSource,
        _on_message: Closure<dyn FnMut(MessageEvent)>,
        _on_open: Closure<dyn FnMut(web_sys::Event)>,
    }

    thread_local! {
        // JS handles are not `Send`, while cleanups must be: the cleanup
        // keeps only this key.
        static CONNECTIONS: RefCell<HashMap<u64, Connection>> = RefCell::new(HashMap::new());
        static NEXT_KEY: Cell<u64> = const { Cell::new(0) };
    }

    pub fn connect(
        directory: &str,
        on_event: impl Fn(Event) + 'static,
        on_open: impl Fn() + 'static,
    ) {
        let source = match EventSource::new(&event_stream_url(directory)) {
            Ok(source) => source,
            Err(error) => {
                leptos::logging::warn!("cannot open opencode's event stream: {error:?}");
                return;
            }
        };
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
            if let Some(event) = message
                .data()
                .as_string()
                .and_then(|data| Event::parse(&data))
            {
                on_event(event);
            }
        });
        let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| on_open());
        source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));

        let key = NEXT_KEY.with(|next| next.replace(next.get() + 1));
        let connection = Connection {
            source,
            _on_message: on_message,
            _on_open: on_open,
        };
        CONNECTIONS.with(|all| all.borrow_mut().insert(key, connection));
        on_cleanup(move || {
            if let Some(connection) = CONNECTIONS.with(|all| all.borrow_mut().remove(&key)) {
                connection.source.set_onmessage(None);
                connection.source.set_onopen(None);
                connection.source.close();
            }
        });
    }
}
