//! WebSockets to pocketcode's own server (`ws:` or `wss:` as the page).
//!
//! JS handles are not `Send` while signals and Leptos' cleanups must be, so
//! the open sockets live in a thread-local (the browser runs the UI on one
//! thread) and a [`Socket`] is only their key.
//!
//! ## On the server
//! No socket opens: [`Socket::open`] fails, and nothing is ever sent.

/// What a socket calls when things happen to it.
pub struct SocketHandlers {
    pub on_open: Box<dyn Fn()>,
    pub on_close: Box<dyn Fn()>,
    pub on_text: Box<dyn Fn(String)>,
    pub on_binary: Box<dyn Fn(Vec<u8>)>,
}

/// An open socket; closed by [`Socket::close`] (not on drop).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Socket(u64);

impl Socket {
    /// Opens a socket to `path` on this page's host, with `query` (pairs,
    /// encoded here).
    pub fn open(path: &str, query: &[(&str, &str)], handlers: SocketHandlers) -> Option<Self> {
        browser::open(path, query, handlers).map(Self)
    }

    /// Sends `text` if the socket is open (otherwise it is dropped).
    pub fn send(self, text: &str) {
        browser::send(self.0, text);
    }

    /// Closes the socket without calling its `on_close`.
    pub fn close(self) {
        browser::close(self.0);
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::{Cell, RefCell};
    use std::collections::HashMap;

    use leptos::prelude::window;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use web_sys::{BinaryType, MessageEvent, WebSocket};

    use super::SocketHandlers;

    thread_local! {
        static OPEN: RefCell<HashMap<u64, Open>> = RefCell::new(HashMap::new());
        static NEXT: Cell<u64> = const { Cell::new(0) };
    }

    struct Open {
        socket: WebSocket,
        _message: Closure<dyn FnMut(MessageEvent)>,
        _open: Closure<dyn FnMut(web_sys::Event)>,
        _close: Closure<dyn FnMut(web_sys::Event)>,
    }

    fn url(path: &str, query: &[(&str, &str)]) -> String {
        let location = window().location();
        let scheme = if location.protocol().ok().as_deref() == Some("https:") {
            "wss"
        } else {
            "ws"
        };
        let host = location.host().unwrap_or_default();
        let query = query
            .iter()
            .map(|(name, value)| format!("{name}={}", js_sys::encode_uri_component(value)))
            .collect::<Vec<_>>()
            .join("&");
        format!("{scheme}://{host}{path}?{query}")
    }

    pub fn open(path: &str, query: &[(&str, &str)], handlers: SocketHandlers) -> Option<u64> {
        let socket = WebSocket::new(&url(path, query)).ok()?;
        socket.set_binary_type(BinaryType::Arraybuffer);
        let SocketHandlers {
            on_open,
            on_close,
            on_text,
            on_binary,
        } = handlers;
        let message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let data = event.data();
            if let Some(buffer) = data.dyn_ref::<js_sys::ArrayBuffer>() {
                on_binary(js_sys::Uint8Array::new(buffer).to_vec());
            } else if let Some(text) = data.as_string() {
                on_text(text);
            }
        });
        let open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| on_open());
        let closed = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| on_close());
        socket.set_onmessage(Some(message.as_ref().unchecked_ref()));
        socket.set_onopen(Some(open.as_ref().unchecked_ref()));
        socket.set_onclose(Some(closed.as_ref().unchecked_ref()));
        let id = NEXT.replace(NEXT.get() + 1);
        OPEN.with_borrow_mut(|open_sockets| {
            open_sockets.insert(
                id,
                Open {
                    socket,
                    _message: message,
                    _open: open,
                    _close: closed,
                },
            )
        });
        Some(id)
    }

    pub fn send(id: u64, text: &str) {
        OPEN.with_borrow(|open| {
            if let Some(open) = open
                .get(&id)
                .filter(|o| o.socket.ready_state() == WebSocket::OPEN)
            {
                let _ = open.socket.send_with_str(text);
            }
        });
    }

    pub fn close(id: u64) {
        // Taken out first: closing may run handlers that use the map.
        let closed = OPEN.with_borrow_mut(|open| open.remove(&id));
        if let Some(open) = closed {
            open.socket.set_onclose(None);
            let _ = open.socket.close();
        }
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    use super::SocketHandlers;

    pub fn open(_path: &str, _query: &[(&str, &str)], handlers: SocketHandlers) -> Option<u64> {
        drop((
            handlers.on_open,
            handlers.on_close,
            handlers.on_text,
            handlers.on_binary,
        ));
        None
    }

    pub fn send(_id: u64, _text: &str) {}

    pub fn close(_id: u64) {}
}
