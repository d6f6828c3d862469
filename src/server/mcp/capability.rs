//! Each chat's capability: an unguessable token in the URL of one of the
//! chat's agent tools (its `push_branch` tool, its browser tools).
//! pocketcode knows the chat from the token alone, so no tool takes a chat
//! argument an agent could bend: whoever holds chat A's token acts on chat
//! A, nothing else. Each tool server issues its own tokens. Tokens live
//! in pocketcode's memory only (a restart issues new ones as the tools are
//! given again) and die with their chat.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use crate::server::git::WorktreeName;

/// 32 random bytes, as 64 lowercase hex digits.
const TOKEN_LEN: usize = 64;

#[derive(Default)]
pub struct Capabilities {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    chats: HashMap<String, WorktreeName>,
    tokens: HashMap<String, String>,
}

impl Capabilities {
    /// Chat `chat`'s token, issued on first use.
    pub fn token_for(&self, chat: &WorktreeName) -> String {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let key = chat.as_string();
        if let Some(token) = inner.tokens.get(&key) {
            return token.clone();
        }
        let bytes: [u8; 32] = rand::random();
        let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        inner.tokens.insert(key, token.clone());
        inner.chats.insert(token.clone(), chat.clone());
        token
    }

    /// The chat `token` was issued to; `None` for a forged, malformed or
    /// revoked token.
    pub fn chat_of(&self, token: &str) -> Option<WorktreeName> {
        if token.len() != TOKEN_LEN || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.chats.get(token).cloned()
    }

    /// Chat `chat` is gone: its token stops working.
    pub fn revoke(&self, chat: &WorktreeName) -> bool {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        match inner.tokens.remove(&chat.as_string()) {
            Some(token) => inner.chats.remove(&token).is_some(),
            None => false,
        }
    }

    /// Every chat that holds a token.
    pub fn chats(&self) -> Vec<WorktreeName> {
        let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.chats.values().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chat(text: &str) -> WorktreeName {
        WorktreeName::parse(text).expect("worktree name")
    }

    #[test]
    fn a_token_names_its_own_chat_only() {
        let capabilities = Capabilities::default();
        let a = chat("octo__app__a1b2c3d4");
        let b = chat("octo__app__e5f6a7b8");
        let token_a = capabilities.token_for(&a);
        let token_b = capabilities.token_for(&b);
        assert_eq!(token_a.len(), TOKEN_LEN);
        assert_ne!(token_a, token_b);
        assert_eq!(capabilities.token_for(&a), token_a, "stable per chat");
        assert_eq!(capabilities.chat_of(&token_a), Some(a));
        assert_eq!(capabilities.chat_of(&token_b), Some(b));
    }

    #[test]
    fn forged_and_revoked_tokens_name_no_chat() {
        let capabilities = Capabilities::default();
        let a = chat("octo__app__a1b2c3d4");
        let token = capabilities.token_for(&a);
        let mut forged = token.clone();
        forged.replace_range(0..1, if token.starts_with('0') { "1" } else { "0" });
        for bad in [
            forged.as_str(),
            "",
            "octo__app__a1b2c3d4",
            &token[..TOKEN_LEN - 1],
            &format!("{token}0"),
            &token
                .to_uppercase()
                .replace(|c: char| c.is_ascii_digit(), "G"),
        ] {
            assert_eq!(capabilities.chat_of(bad), None, "{bad}");
        }
        assert!(capabilities.revoke(&a));
        assert_eq!(capabilities.chat_of(&token), None);
        assert!(!capabilities.revoke(&a));
        assert_ne!(
            capabilities.token_for(&a),
            token,
            "a new token after a revoke"
        );
    }
}
