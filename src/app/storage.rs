//! What the browser remembers between visits (localStorage): the last chat
//! opened, so a reload or a new visit lands back in it.

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
