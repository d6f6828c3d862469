//! What the browser remembers between visits (localStorage): the last chat
//! opened, so a reload or a new visit lands back in it; each chat's draft;
//! and the model and mode picked in each chat.

use serde::{Deserialize, Serialize};

use super::web::storage;

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
    crate::model::json::from_text(&storage::get(LAST_CHAT)?).ok()
}

pub fn remember_chat(repo: &str, chat_id: &str) {
    let last = LastChat {
        repo: repo.to_owned(),
        chat_id: chat_id.to_owned(),
    };
    if let Ok(json) = serde_json::to_string(&last) {
        storage::set(LAST_CHAT, &json);
    }
}

/// Where the draft of a chat's prompt box is kept.
fn draft_key(repo: &str, chat_id: &str) -> String {
    format!("pocketcode.draft.{repo}/{chat_id}")
}

/// The unsent text of a chat's prompt box, as last typed in any tab.
pub fn draft(repo: &str, chat_id: &str) -> Option<String> {
    storage::get(&draft_key(repo, chat_id)).filter(|d| !d.is_empty())
}

/// Keeps the draft (an empty one is forgotten).
pub fn save_draft(repo: &str, chat_id: &str, text: &str) {
    let key = draft_key(repo, chat_id);
    if text.is_empty() {
        storage::remove(&key);
    } else {
        storage::set(&key, text);
    }
}

/// Calls `changed` when another tab changes this chat's draft (the last
/// write wins); stops when the caller's owner is cleaned up.
pub fn on_draft_change(repo: &str, chat_id: &str, changed: impl Fn(String) + 'static) {
    storage::on_change(draft_key(repo, chat_id), changed);
}

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
    crate::model::json::from_text(&storage::get(&pick_key(repo, chat_id))?).ok()
}

pub fn save_pick(repo: &str, chat_id: &str, pick: &Pick) {
    if let Ok(json) = serde_json::to_string(pick) {
        storage::set(&pick_key(repo, chat_id), &json);
    }
}
