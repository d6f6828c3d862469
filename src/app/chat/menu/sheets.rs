//! The menu's sheets, each its own WASM chunk (see `app::lazy`): none of
//! them is needed to read a chat or type into its composer, so the chat
//! page's first load leaves them out; each is compiled the first time it
//! opens, from the bytes the start script fetched once the page was idle
//! (`app::chunk_prefetch`), or fetched then if they had not come.

use leptos::prelude::*;

use super::super::browser::BrowserPanel;
use super::super::changes::Changes;
use super::super::files::FilesPanel;
use super::super::review::ReviewPanel;
use super::super::terminal::{Shells, TerminalSheet};
use crate::app::erase::Erase;
use crate::app::lazy::Loaded;

/// Defines a sheet's chunk: `$name` (its loader, returning the sheet), in
/// the chunk `$chunk`.
macro_rules! chunk {
    ($chunk:ident, fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $body:block) => {
        #[leptos::wasm_split::wasm_split($chunk, wasm_split_path = ::leptos::wasm_split, fallible)]
        pub fn $name($($arg: $ty),*) -> Loaded $body
    };
}

chunk!(
    terminal,
    fn terminal(repo: String, session_id: String, directory: String, on_close: Callback<()>) {
        let shells = Shells::of_chat(&repo, &session_id, directory);
        Ok(view! { <TerminalSheet shells on_close=move || on_close.run(()) /> }.erase())
    }
);

chunk!(
    browser,
    fn browser(repo: String, chat_id: String, on_close: Callback<()>) {
        Ok(view! { <BrowserPanel repo chat_id on_close=move || on_close.run(()) /> }.erase())
    }
);

chunk!(
    files,
    fn files(repo: String, chat_id: String, on_close: Callback<()>) {
        Ok(view! { <FilesPanel repo chat_id on_close=move || on_close.run(()) /> }.erase())
    }
);

chunk!(
    review,
    fn review(
        repo: String,
        chat_id: String,
        session_id: String,
        directory: String,
        focus: Option<String>,
        on_close: Callback<()>,
    ) {
        let on_close = move || on_close.run(());
        Ok(view! { <ReviewPanel repo chat_id session_id directory focus on_close /> }.erase())
    }
);

chunk!(
    changes,
    fn changes(repo: String, chat_id: String, on_close: Callback<()>) {
        Ok(view! { <Changes repo chat_id on_close=move || on_close.run(()) /> }.erase())
    }
);
