//! The chat's header: its repo and branch, whether the repo's own opencode
//! config runs here (one tap flips it), a badge when work is not committed
//! or not pushed, a link to the same session in
//! opencode's own web UI, the context gauge, and the ⋯ menu; for a
//! remote's chat, the connection and the directory on the remote instead.
//!
//! Everything right of the branch is one later part (`header-tools`): its
//! code, with the shipping state's and the gauge's, comes after hydration.

use leptos::prelude::*;

use super::gauge::{ContextGauge, GaugeChat};
use super::menu::ChatMenu;
use super::shipping::{PullChip, ShippingChat, UnshippedBadge, provide_chat_shipping};
use crate::app::erase::Erase;
use crate::app::later::LaterPart;
use crate::app::lazy::Loaded;
use crate::app::trust::TrustSwitch;
use crate::model::chats::ChatSummary;
use crate::model::deferred::Deferred;
use crate::model::usage::ChatUsage;

/// Where opencode's web UI shows a session: `/{directory}/session/{id}`,
/// the directory base64url-encoded without padding as that UI encodes it.
/// pocketcode's proxy passes the path on to opencode.
pub fn opencode_web_path(directory: &str, session_id: &str) -> String {
    use base64::Engine;
    let dir = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(directory);
    format!("/{dir}/session/{session_id}")
}

/// The context gauge of a chat with a session, showing `usage` (added up
/// when the chat was opened) until it changes.
fn gauge(chat: &ChatSummary, usage: Option<ChatUsage>) -> Option<impl IntoView + use<>> {
    let session_id = chat.session_id.clone()?;
    let repo = chat.worktree.repo.clone();
    let directory = crate::model::remotes::event_directory(&repo, &chat.worktree.path);
    let chat = GaugeChat {
        repo,
        chat_id: chat.worktree.chat_id.clone(),
        session_id,
        directory,
    };
    Some(view! { <ContextGauge chat usage /> })
}

/// The header's controls right of the branch, in the WASM chunk `later`
/// (see `app::later`): the header shows the server's until the chunk has
/// come after hydration. `heard` says whether an event of the chat came
/// since the page opened: the usage it opened with is then out of date, and so are the
/// server's values of the shipping state (see `ChatHeader`).
#[leptos::wasm_split::wasm_split(later, wasm_split_path = ::leptos::wasm_split, fallible)]
fn header_tools(
    chat: ChatSummary,
    usage: Deferred<Option<ChatUsage>>,
    heard: ReadSignal<bool>,
) -> Loaded {
    let usage = match usage.read() {
        Ok(usage) if !heard.get_untracked() => usage,
        Ok(_) => None,
        Err(error) => {
            leptos::logging::warn!("the chat's usage could not be read, loading it again: {error}");
            None
        }
    };
    Ok(view! { <HeaderTools chat usage /> }.erase())
}

/// The badge when work is not shipped, the pull request's chip, the trust
/// switch, the link to opencode's web UI, the context gauge and the ⋯
/// menu; for a remote's chat, the gauge and the menu.
#[component]
fn HeaderTools(chat: ChatSummary, usage: Option<ChatUsage>) -> impl IntoView {
    let gauge = gauge(&chat, usage);
    if crate::model::remotes::remote_name(&chat.worktree.repo).is_some() {
        return view! {
            {gauge}
            <ChatMenu chat />
        }
        .erase();
    }
    let shipping = provide_chat_shipping(ShippingChat {
        repo: chat.worktree.repo.clone(),
        chat_id: chat.worktree.chat_id.clone(),
        session_id: chat.session_id.clone().unwrap_or_default(),
        title: match chat.title.trim() {
            "" => format!("Work of chat {}", chat.worktree.chat_id),
            title => title.to_owned(),
        },
    });
    let web = chat.session_id.as_deref().map(|id| {
        let href = opencode_web_path(&chat.worktree.path, id);
        view! {
            <a
                href=href
                target="_blank"
                rel="noopener"
                class="flex min-h-11 min-w-11 shrink-0 items-center justify-center px-1 underline decoration-neutral-700"
                title="This session in opencode's own web UI"
                aria-label="opencode ↗"
            >
                // A phone's header is narrow: the arrow alone leaves the
                // repo and branch room.
                <span class="sm:hidden">"↗"</span>
                <span class="hidden sm:inline">"opencode ↗"</span>
            </a>
        }
    });
    let (repo, trusted) = (chat.worktree.repo.clone(), chat.worktree.trusted);
    view! {
        <UnshippedBadge shipping />
        <PullChip />
        <TrustSwitch repo trusted compact=true />
        {web}
        {gauge}
        <ChatMenu chat />
    }
    .erase()
}

/// The chat's header; `heard` says whether an event of the chat came since
/// the page opened (see [`header_tools`]).
#[component]
pub fn ChatHeader(
    chat: ChatSummary,
    usage: Deferred<Option<ChatUsage>>,
    heard: ReadSignal<bool>,
) -> impl IntoView {
    // The server's values of the tools' resources are out of date once
    // the chat's events have come in: the agent may have written files, or
    // gone idle, which the changes' resource reloads on (the gauge and the
    // queue load again on their own once they hear the chat's events).
    let outdated = Signal::from(heard);
    let tools = {
        let chat = chat.clone();
        move || header_tools(chat.clone(), usage.clone(), heard)
    };
    if let Some(connection) = crate::model::remotes::remote_name(&chat.worktree.repo) {
        // opencode's web UI behind pocketcode's proxy is the local one.
        let connection = connection.to_owned();
        return view! {
            <div data-testid="chat-header" class="relative flex items-center gap-1 border-b border-neutral-900 pl-3 text-xs text-neutral-500 sm:gap-2">
                <span class="truncate text-sky-300" title="remote connection">{format!("on {connection}")}</span>
                <span class="min-w-0 flex-1 truncate" title="directory on the remote" data-testid="remote-directory">
                    {chat.worktree.path.clone()}
                </span>
                <LaterPart label="header-tools" load=tools outdated />
            </div>
        }
        .erase();
    }
    let branch = chat
        .worktree
        .branch
        .clone()
        .unwrap_or_else(|| "(detached)".into());
    // A 390 px phone holds every control of this row only with the
    // narrower gaps (the badge, trust, ↗, gauge and ⋯ are 44 px or more).
    view! {
        <div data-testid="chat-header" class="relative flex items-center gap-1 border-b border-neutral-900 pl-3 text-xs text-neutral-500 sm:gap-2">
            <span class="truncate" title="repo">{chat.worktree.repo.clone()}</span>
            <span class="min-w-0 flex-1 truncate" title="branch" data-testid="branch">{branch}</span>
            <LaterPart label="header-tools" load=tools outdated />
        </div>
    }
    .erase()
}

#[cfg(test)]
mod tests {
    use super::opencode_web_path;

    #[test]
    fn the_directory_is_base64url_without_padding() {
        // "/w/a" is 4 bytes: standard base64 would end in "==" and use '/'.
        assert_eq!(opencode_web_path("/w/a", "ses_1"), "/L3cvYQ/session/ses_1");
        assert_eq!(
            opencode_web_path("/x/?>?", "ses_2"),
            "/L3gvPz4_/session/ses_2"
        );
    }
}
