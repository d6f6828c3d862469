//! The panel's WebSocket: frames and page news in, the user's input out.
//! Frames are shown through object URLs, each given back once the next
//! one replaces it.

use leptos::prelude::*;

use super::PanelState;
use super::input::send_viewport;
use crate::app::web::files::{object_url, revoke_url};
use crate::app::web::socket::{Socket, SocketHandlers};
use crate::model::browser::{BrowserStatus, SOCKET_PATH, ServerMessage, split_frame};

/// Opens the socket of chat `chat_id`'s browser (closing any other).
pub fn connect(repo: &str, chat_id: &str, state: PanelState) {
    close(state);
    let handlers = SocketHandlers {
        on_open: Box::new(move || {
            state.connected.set(true);
            send_viewport(state);
        }),
        on_close: Box::new(move || state.connected.set(false)),
        on_text: Box::new(move |text| on_text(&text, state)),
        on_binary: Box::new(move |bytes| on_frame(&bytes, state)),
    };
    let query = [("repo", repo), ("chat", chat_id)];
    match Socket::open(SOCKET_PATH, &query, handlers) {
        Some(socket) => state.socket.set_value(Some(socket)),
        None => state
            .error
            .set(Some("The browser's connection could not be opened.".into())),
    }
}

pub fn close(state: PanelState) {
    if let Some(socket) = state.socket.try_update_value(Option::take).flatten() {
        socket.close();
        if let Some(url) = state.frame.try_get_untracked().flatten() {
            revoke_url(&url);
        }
    }
}

fn on_frame(bytes: &[u8], state: PanelState) {
    let Some((header, jpeg)) = split_frame(bytes) else {
        return;
    };
    if let Some(url) = object_url(jpeg, "image/jpeg") {
        let old = state.frame.get_untracked();
        state.frame.set(Some(url));
        if let Some(old) = old {
            revoke_url(&old);
        }
    }
    state.page_size.set((header.page_width, header.page_height));
    state.pending_ack.set_value(Some(header.seq));
    state.frames.update(|n| *n += 1);
}

fn on_text(text: &str, state: PanelState) {
    match crate::model::json::from_text::<ServerMessage>(text) {
        Ok(ServerMessage::Status { status }) => {
            let over = !matches!(status, BrowserStatus::Running { .. });
            state.status.set(Some(status));
            if over {
                close(state);
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
