//! Page `/chat/{owner}/{name}/{chat}` (or `/remote/{connection}/{session}`
//! for a connected remote's chat): one chat, its transcript (loaded on the
//! server, then live) and the composer.

mod asks;
mod attach;
mod body;
mod browser;
mod changes;
mod composer;
mod files;
mod follow;
mod gauge;
mod header;
mod highlight;
mod interrupted;
mod live_transcript;
mod markdown;
mod markdown_view;
mod mentions;
mod menu;
mod message;
mod part;
mod pickers;
mod queue;
mod read_mark;
mod recent;
mod review;
mod send_buttons;
mod shipping;
mod shown;
mod terminal;
mod tool;
mod undo;
mod voice;

use crate::app::resource::json_resource;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::open_chat;
use crate::app::erase::Erase;
use crate::app::error_list::ErrorList;
use crate::model::chats::OpenedChat;
use body::ChatBody;
use header::ChatHeader;

/// Which chat a component works on: what every chat server function takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChatKey {
    /// `owner/name`.
    pub repo: String,
    pub chat_id: String,
    pub session_id: String,
    /// The chat's worktree (its session's directory).
    pub directory: String,
}

#[component]
pub fn ChatPage() -> impl IntoView {
    let params = use_params_map();
    let key = Memo::new(move |_| {
        let params = params.read();
        let chat = params.get("chat").unwrap_or_default();
        // `/remote/{connection}/{session}`: a connected remote's chat.
        if let Some(connection) = params.get("connection") {
            return (crate::model::remotes::remote_repo(&connection), chat);
        }
        let owner = params.get("owner").unwrap_or_default();
        let name = params.get("name").unwrap_or_default();
        (format!("{owner}/{name}"), chat)
    });
    let opened = json_resource(move || key.get(), |(repo, chat)| open_chat(repo, chat));
    // A chat shown before in this tab paints its kept messages while it opens.
    let recent = recent::RecentChats::provide();
    let opening = move || {
        match key.with(|(repo, chat)| recent.get(repo, chat)) {
        Some(kept) => view! {
            <crate::app::later::LaterPart label="chat-preview" load=move || recent::preview_part(kept.clone()) />
        }
        .erase(),
        None => view! { <p class="p-3 text-neutral-500">"Opening the chat…"</p> }.erase(),
    }
    };
    view! {
        <Suspense fallback=move || view! { {opening} }>
            <ErrorBoundary fallback=|errors| {
                view! {
                    <div class="p-3">
                        <ErrorList errors />
                        <p class="mt-2">
                            <a href="/" class="underline">"Back to your chats"</a>
                        </p>
                    </div>
                }
            }>
                {move || Suspend::new(async move {
                    opened.await.map(|opened| view! { <OpenChatView opened /> })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn OpenChatView(opened: OpenedChat) -> impl IntoView {
    let OpenedChat {
        chat,
        opening,
        transcript,
        asks,
        choices,
        usage,
    } = opened;
    let repo = chat.worktree.repo.clone();
    let chat_id = chat.worktree.chat_id.clone();
    crate::app::storage::remember_chat(&repo, &chat_id);
    shown::keep_shown(repo.clone(), chat_id.clone());
    // The transcript says when the agent acts on the shared browser.
    provide_context(browser::AgentBrowsing(RwSignal::new(false)));
    // Review reads a local worktree's diff: tool parts offer it there only.
    if crate::model::remotes::remote_name(&repo).is_none() {
        review::ReviewOpener::provide();
    }
    if let Some(session_id) = chat.session_id.clone() {
        read_mark::keep_read(repo.clone(), chat_id.clone(), session_id);
    }
    // Whether an event of the chat came since it opened: what the server
    // rendered is out of date then (the header's later part loads again).
    let heard = RwSignal::new(false);
    let header = view! { <ChatHeader chat=chat.clone() usage heard=heard.read_only() /> };
    let body = match opening.zip(transcript) {
        Some((opening, transcript)) => {
            // A remote's events are filed under `@<connection>:<dir>`.
            let directory = crate::model::remotes::event_directory(&repo, &opening.directory);
            let key = ChatKey {
                repo,
                chat_id,
                session_id: opening.session_id.clone(),
                directory,
            };
            view! { <ChatBody key opening transcript asks choices heard /> }.erase()
        }
        None => view! {
            <p role="alert" class="p-3 text-amber-300">
                "This chat's opencode session no longer exists. Its worktree is still on disk: delete it from Resources."
            </p>
        }
        .erase(),
    };
    view! {
        {header}
        {body}
    }
}
