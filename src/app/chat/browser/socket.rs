//! The panel's WebSocket in the browser. JS handles are not `Send`, so the
//! open socket and its handlers live in a thread-local (one panel at a
//! time); the component keeps signals only.

use std::cell::RefCell;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{BinaryType, Blob, BlobPropertyBag, MessageEvent, Url, WebSocket};

use super::PanelState;
use crate::browser::{BrowserStatus, ClientMessage, SOCKET_PATH, ServerMessage, split_frame};

thread_local! {
    static OPEN: RefCell<Option<Open>> = const { RefCell::new(None) };
}

struct Open {
    socket: WebSocket,
    _message: Closure<dyn FnMut(MessageEvent)>,
    _open: Closure<dyn FnMut(web_sys::Event)>,
    _close: Closure<dyn FnMut(web_sys::Event)>,
    /// The frame shown now (its object URL is revoked when replaced).
    shown: Option<String>,
}

/// Opens the socket of chat `chat_id`'s browser (closing any other).
pub fn connect(repo: &str, chat_id: &str, state: PanelState) {
    close();
    let query = format!(
        "repo={}&chat={}",
        js_sys::encode_uri_component(repo),
        js_sys::encode_uri_component(chat_id)
    );
    let location = window().location();
    let scheme = if location.protocol().ok().as_deref() == Some("https:") {
        "wss"
    } else {
        "ws"
    };
    let host = location.host().unwrap_or_default();
    let Ok(socket) = WebSocket::new(&format!("{scheme}://{host}{SOCKET_PATH}?{query}")) else {
        state
            .error
            .set(Some("The browser's connection could not be opened.".into()));
        return;
    };
    socket.set_binary_type(BinaryType::Arraybuffer);
    let message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        on_message(&event, state);
    });
    let open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
        state.connected.set(true);
        super::send_viewport();
    });
    let closed = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
        state.connected.set(false);
    });
    socket.set_onmessage(Some(message.as_ref().unchecked_ref()));
    socket.set_onopen(Some(open.as_ref().unchecked_ref()));
    socket.set_onclose(Some(closed.as_ref().unchecked_ref()));
    OPEN.set(Some(Open {
        socket,
        _message: message,
        _open: open,
        _close: closed,
        shown: None,
    }));
}

pub fn close() {
    if let Some(open) = OPEN.take() {
        open.socket.set_onclose(None);
        let _ = open.socket.close();
        if let Some(url) = open.shown {
            let _ = Url::revoke_object_url(&url);
        }
    }
}

pub fn send(message: &ClientMessage) {
    let Ok(text) = serde_json::to_string(message) else {
        return;
    };
    OPEN.with_borrow(|open| {
        if let Some(open) = open
            .as_ref()
            .filter(|o| o.socket.ready_state() == WebSocket::OPEN)
        {
            let _ = open.socket.send_with_str(&text);
        }
    });
}

fn on_message(event: &MessageEvent, state: PanelState) {
    let data = event.data();
    if let Some(buffer) = data.dyn_ref::<js_sys::ArrayBuffer>() {
        let bytes = js_sys::Uint8Array::new(buffer).to_vec();
        if let Some((header, jpeg)) = split_frame(&bytes) {
            show_frame(jpeg, state);
            state.page_size.set((header.page_width, header.page_height));
            state.pending_ack.set_value(Some(header.seq));
            state.frames.update(|n| *n += 1);
        }
        return;
    }
    let Some(text) = data.as_string() else {
        return;
    };
    match serde_json::from_str::<ServerMessage>(&text) {
        Ok(ServerMessage::Status { status }) => {
            let over = !matches!(status, BrowserStatus::Running { .. });
            state.status.set(Some(status));
            if over {
                close();
            }
        }
        Ok(ServerMessage::Page { url, title }) => {
            state.url.set(url);
            state.title.set(title);
        }
        Ok(ServerMessage::Error { message }) => state.error.set(Some(message)),
        Err(_) => {}
    }
}

/// Shows `jpeg` in the panel's image; the image's load acks it.
fn show_frame(jpeg: &[u8], state: PanelState) {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(jpeg));
    let options = BlobPropertyBag::new();
    options.set_type("image/jpeg");
    let Ok(blob) = Blob::new_with_u8_array_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = Url::create_object_url_with_blob(&blob) else {
        return;
    };
    state.frame.set(Some(url.clone()));
    OPEN.with_borrow_mut(|open| {
        if let Some(open) = open.as_mut()
            && let Some(old) = open.shown.replace(url)
        {
            let _ = Url::revoke_object_url(&old);
        }
    });
}
