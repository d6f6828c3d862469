//! Starting a chat: in a given repo (repo picker, resources page), or with
//! `+` in the repo of the chat on screen, else the last one used.

use leptos::prelude::*;

use crate::app::call::Call;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate};

use super::chat_list::{ChatList, chat_href};
use super::storage::last_chat;
use crate::api::NewChat;

/// An action that starts a chat and, once it exists, opens it.
pub fn use_start_chat() -> Call<NewChat> {
    let action = Call::<NewChat>::new();
    let navigate = use_navigate();
    let chat_list = expect_context::<ChatList>();
    Effect::new(move |_| {
        if let Some(Ok(chat)) = action.value().get() {
            chat_list.refresh();
            navigate(
                &chat_href(&chat.worktree.repo, &chat.worktree.chat_id),
                NavigateOptions::default(),
            );
        }
    });
    action
}

/// "New chat" in repo `repo` (a row of the repo picker), started by
/// `start`, which the rows of one list share.
#[component]
pub fn StartChatIn(repo: String, start: Call<NewChat>) -> impl IntoView {
    view! {
        <button
            type="button"
            class="min-h-11 shrink-0 border border-neutral-500 px-3 text-neutral-100 disabled:text-neutral-600"
            disabled=move || start.pending().get()
            on:click=move |_| {
                start.dispatch(NewChat { repo: repo.clone() });
            }
        >
            "New chat"
        </button>
    }
}

/// The repo of the chat page at `path` (`/chat/owner/name/<chat>`).
pub fn repo_of_path(path: &str) -> Option<String> {
    let mut parts = path.strip_prefix("/chat/")?.split('/');
    let (owner, name, chat) = (parts.next()?, parts.next()?, parts.next()?);
    (!owner.is_empty() && !name.is_empty() && !chat.is_empty()).then(|| format!("{owner}/{name}"))
}

/// `+`: a new chat in the current (or last) repo; the repo picker when
/// there is none yet.
#[component]
pub fn NewChatButton() -> impl IntoView {
    let start = use_start_chat();
    let location = use_location();
    let navigate = use_navigate();
    let on_click = move |_| {
        let repo = repo_of_path(&location.pathname.get_untracked())
            .or_else(|| last_chat().map(|last| last.repo));
        match repo {
            Some(repo) => {
                start.dispatch(NewChat { repo });
            }
            None => navigate("/repos", NavigateOptions::default()),
        }
    };
    let error = move || start.value().get().and_then(Result::err);
    view! {
        <button
            type="button"
            class="min-h-11 min-w-11 text-xl text-neutral-100 disabled:text-neutral-600"
            aria-label="New chat"
            title="New chat"
            disabled=move || start.pending().get()
            on:click=on_click
        >
            {move || if start.pending().get() { "…" } else { "+" }}
        </button>
        {move || {
            error()
                .map(|error| {
                    view! {
                        <p
                            role="alert"
                            class="absolute top-full right-0 left-0 border-b border-red-900 bg-black px-3 py-2 text-red-400"
                        >
                            {format!("Could not start a chat: {error}")}
                        </p>
                    }
                })
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::repo_of_path;

    #[test]
    fn the_repo_comes_from_a_chat_path_only() {
        assert_eq!(
            repo_of_path("/chat/acme/web/abc123").as_deref(),
            Some("acme/web")
        );
        assert_eq!(repo_of_path("/chat/acme/web"), None);
        assert_eq!(repo_of_path("/resources"), None);
        assert_eq!(repo_of_path("/chat//web/abc"), None);
    }
}
