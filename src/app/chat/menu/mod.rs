//! The chat's ⋯ menu: copy the branch name (shown inline), rename, share
//! or unshare, the changes (diff stat, tap through to the full diff), the
//! chat's files (browse, read, download, upload), a review of its diff
//! (comments sent to the agent), terminals in its worktree, and delete the
//! chat with its worktree. A remote's chat (`@<connection>`)
//! has no branch or diff here: rename, its files, share and delete its
//! session.

mod items;
mod note;
mod rename;
mod sheets;

use leptos::prelude::*;

use super::review::ReviewOpener;
use crate::app::erase::Erase;
use crate::app::lazy::LazySheet;
use crate::app::toggle::ToggleButton;
use crate::model::chats::ChatSummary;
use items::{MenuActions, MenuItems};
use note::{Note, NoteLine};
use rename::Rename;

/// The chat the menu acts on.
#[derive(Clone)]
struct MenuChat {
    repo: String,
    chat_id: String,
    session_id: String,
    branch: String,
    /// The chat's worktree (its terminals run there).
    directory: String,
    /// A remote's chat has chat features only: no branch, no diff here.
    remote: bool,
}

/// What opens below the header from the menu.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Panel {
    None,
    Rename,
    Changes,
    Browser,
    Files,
    Review,
    Terminal,
}

#[component]
pub fn ChatMenu(chat: ChatSummary) -> impl IntoView {
    let remote = crate::model::remotes::remote_name(&chat.worktree.repo).is_some();
    let chat = StoredValue::new(MenuChat {
        repo: chat.worktree.repo,
        chat_id: chat.worktree.chat_id,
        session_id: chat.session_id.unwrap_or_default(),
        branch: chat.worktree.branch.unwrap_or_default(),
        directory: chat.worktree.path,
        remote,
    });
    let open = RwSignal::new(false);
    let note = RwSignal::new(None::<Note>);
    let panel = RwSignal::new(Panel::None);
    // The file a tool part asked Review to open at (taken by the sheet).
    let focus = StoredValue::new(None::<String>);
    if let Some(opener) = use_context::<ReviewOpener>() {
        Effect::new(move |_| {
            if let Some(path) = opener.take() {
                focus.set_value(Some(path));
                open.set(false);
                panel.set(Panel::Review);
            }
        });
    }
    let actions = MenuActions::new(chat, note);
    view! {
        <ToggleButton open label="Chat menu" glyph="⋯" menu=true />
        <Show when=move || open.get()>
            <div class="absolute top-full right-0 z-20 w-72 max-w-[calc(100vw-1rem)] border border-neutral-700 bg-black py-1 shadow-lg">
                <MenuItems chat actions open panel />
                <NoteLine note />
            </div>
        </Show>
        <MenuPanel chat panel focus />
    }
}

/// The panel the menu opened, if any: Rename inline, the others as sheets
/// from their own chunks (`sheets`).
#[component]
fn MenuPanel(
    chat: StoredValue<MenuChat>,
    panel: RwSignal<Panel>,
    focus: StoredValue<Option<String>>,
) -> impl IntoView {
    let on_close = Callback::new(move |()| panel.set(Panel::None));
    move || {
        let MenuChat {
            repo,
            chat_id,
            session_id,
            directory,
            ..
        } = chat.get_value();
        // Once: the menu's own Review item opens at no file.
        let focus = focus.try_update_value(Option::take).flatten();
        match panel.get() {
            Panel::None => ().erase(),
            Panel::Rename => view! { <Rename chat panel /> }.erase(),
            Panel::Changes => {
                let load = move || sheets::changes(repo, chat_id, on_close);
                view! { <LazySheet label="Changes" load on_close /> }.erase()
            }
            Panel::Browser => {
                let load = move || sheets::browser(repo, chat_id, on_close);
                view! { <LazySheet label="Browser" load on_close /> }.erase()
            }
            Panel::Files => {
                let load = move || sheets::files(repo, chat_id, on_close);
                view! { <LazySheet label="Files" load on_close /> }.erase()
            }
            Panel::Review => {
                let load =
                    move || sheets::review(repo, chat_id, session_id, directory, focus, on_close);
                view! { <LazySheet label="Review" load on_close /> }.erase()
            }
            Panel::Terminal => {
                let load = move || sheets::terminal(repo, session_id, directory, on_close);
                view! { <LazySheet label="Terminal" load on_close /> }.erase()
            }
        }
    }
}
