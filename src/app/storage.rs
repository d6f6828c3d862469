//! What the browser remembers between visits (localStorage): the last chat
//! opened, so a reload or a new visit lands back in it; each chat's draft;
//! and the model and mode picked in each chat.

use serde::{Deserialize, Serialize};

/// The key of the last opened chat.
const LAST_CHAT: &str = "pocketcode.last_chat";

/// The last chat opened in this browser.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastChat {
    pub repo: String,
    pub chat_id: String,
}

/// The last chat opened, if the browser remembers one (never on the server).
pub fn last_chat() -> Option<LastChat> {
    serde_json::from_str(&get(LAST_CHAT)?).ok()
}

pub fn remember_chat(repo: &str, chat_id: &str) {
    let last = LastChat {
        repo: repo.to_owned(),
        chat_id: chat_id.to_owned(),
    };
    if let Ok(json) = serde_json::to_string(&last) {
        set(LAST_CHAT, &json);
    }
}

#[cfg(feature = "hydrate")]
fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

#[cfg(feature = "hydrate")]
fn get(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

#[cfg(feature = "hydrate")]
fn set(key: &str, value: &str) {
    if let Some(storage) = storage() {
        // Full or disabled storage only loses the convenience.
        let _ = storage.set_item(key, value);
    }
}

#[cfg(not(feature = "hydrate"))]
fn get(_key: &str) -> Option<String> {
    None
}

#[cfg(not(feature = "hydrate"))]
fn set(_key: &str, _value: &str) {}

/// Where the draft of a chat's prompt box is kept.
fn draft_key(repo: &str, chat_id: &str) -> String {
    format!("pocketcode.draft.{repo}/{chat_id}")
}

/// The unsent text of a chat's prompt box, as last typed in any tab.
pub fn draft(repo: &str, chat_id: &str) -> Option<String> {
    get(&draft_key(repo, chat_id)).filter(|d| !d.is_empty())
}

/// Keeps the draft (an empty one is forgotten).
pub fn save_draft(repo: &str, chat_id: &str, text: &str) {
    let key = draft_key(repo, chat_id);
    if text.is_empty() {
        remove(&key);
    } else {
        set(&key, text);
    }
}

/// Calls `changed` when another tab changes this chat's draft (the last
/// write wins); stops when the caller's owner is cleaned up.
pub fn on_draft_change(repo: &str, chat_id: &str, changed: impl Fn(String) + 'static) {
    #[cfg(feature = "hydrate")]
    {
        let key = draft_key(repo, chat_id);
        let handle = leptos::prelude::window_event_listener(leptos::ev::storage, move |event| {
            if event.key().as_deref() == Some(key.as_str()) {
                changed(event.new_value().unwrap_or_default());
            }
        });
        leptos::prelude::on_cleanup(move || handle.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (repo, chat_id, changed);
}

#[cfg(feature = "hydrate")]
fn remove(key: &str) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(key);
    }
}

#[cfg(not(feature = "hydrate"))]
fn remove(_key: &str) {}

/// The model and mode picked in a chat.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pick {
    pub model: Option<String>,
    pub agent: Option<String>,
}

fn pick_key(repo: &str, chat_id: &str) -> String {
    format!("pocketcode.pick.{repo}/{chat_id}")
}

/// The model and mode last picked in this chat, in this browser.
pub fn pick(repo: &str, chat_id: &str) -> Option<Pick> {
    serde_json::from_str(&get(&pick_key(repo, chat_id))?).ok()
}

pub fn save_pick(repo: &str, chat_id: &str, pick: &Pick) {
    if let Ok(json) = serde_json::to_string(pick) {
        set(&pick_key(repo, chat_id), &json);
    }
}
