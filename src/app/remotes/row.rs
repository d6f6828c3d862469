//! One remote: where it points, its state (the failed step and what to
//! do), Connect / Disconnect, Copy diagnostics and Delete; once connected,
//! a new chat in a directory on it.

use leptos::prelude::*;

use super::RemotesChanged;
use super::form::{Editing, FORM_ID};
use super::open_remote::UseOpenRemote;
use super::remote_chat::NewRemoteChat;
use crate::api::{AppError, DeleteConnection, connect, connection_diagnostics, disconnect};
use crate::app::chat_list::ChatList;
use crate::app::confirm::ConfirmButton;
use crate::app::erase::Erase;
use crate::app::web::clipboard::copy_text;
use crate::app::web::page::scroll_into_view;
use crate::model::remotes::{OPEN_REMOTE, Profile, Remote, RemoteState};

fn describe(state: &RemoteState) -> String {
    match state {
        RemoteState::Disconnected => "Not connected".into(),
        RemoteState::Connecting => "Connecting (ssh)…".into(),
        RemoteState::Discovering => "Looking for opencode…".into(),
        RemoteState::Bootstrapping => "Starting opencode on the remote…".into(),
        RemoteState::Connected { version, .. } => format!("Connected: opencode {version}"),
        RemoteState::Failed { kind, .. } => format!("Failed ({kind})"),
    }
}

/// `user@host:port`, as much of it as the profile sets.
fn target(profile: &Profile) -> String {
    let user = profile.user.as_deref().map(|u| format!("{u}@"));
    let port = profile.port.map(|p| format!(":{p}"));
    format!(
        "{}{}{}",
        user.unwrap_or_default(),
        profile.host,
        port.unwrap_or_default()
    )
}

#[component]
pub fn RemoteRow(remote: Remote) -> impl IntoView {
    let Remote { profile, state } = remote;
    let name = profile.name.clone();
    let connected = matches!(state, RemoteState::Connected { .. });
    let failure = match &state {
        RemoteState::Failed { message, .. } => Some(
            view! { <p role="alert" class="mt-1 text-sm break-words text-red-400">{message.clone()}</p> },
        ),
        _ => None,
    };
    let open = matches!(&state, RemoteState::Failed { kind, .. } if kind == OPEN_REMOTE)
        .then(|| view! { <UseOpenRemote connection=name.clone() host=profile.host.clone() /> });
    let note = RwSignal::new(None::<Result<String, String>>);
    let report = RwSignal::new(None::<String>);
    view! {
        <li class="py-3" aria-label=format!("Connection {name}") data-state=format!("{state:?}")>
            <div class="flex flex-wrap items-baseline gap-x-3">
                <span class="text-neutral-100">{name.clone()}</span>
                <span class="min-w-0 truncate text-sm text-neutral-400">{target(&profile)}</span>
            </div>
            <p class="mt-1 text-sm text-neutral-300" data-testid="connection-state">{describe(&state)}</p>
            {failure}
            {open}
            <RowButtons profile moving=super::moving(&state) connected note report />
            {connected.then(|| view! { <NewRemoteChat connection=name.clone() /> })}
            {move || note.get().map(|n| match n {
                Ok(text) => view! { <p role="status" class="mt-1 text-sm text-neutral-400">{text}</p> }.erase(),
                Err(text) => view! { <p role="alert" class="mt-1 text-sm text-red-400">{text}</p> }.erase(),
            })}
            {move || report.get().map(|text| view! {
                <pre aria-label="Diagnostics" class="mt-2 max-h-64 overflow-auto border border-neutral-800 p-2 text-xs whitespace-pre-wrap text-neutral-400">{text}</pre>
            })}
        </li>
    }
}

/// Connect or Disconnect, Copy diagnostics, Edit and Delete.
#[component]
fn RowButtons(
    profile: Profile,
    /// On its way somewhere: the row waits.
    moving: bool,
    connected: bool,
    note: RwSignal<Option<Result<String, String>>>,
    report: RwSignal<Option<String>>,
) -> impl IntoView {
    let name = StoredValue::new(profile.name.clone());
    let toggle = use_toggle(connected, note);
    let copy = use_copy_diagnostics(note, report);
    let delete = use_delete(note);
    let busy = move || toggle.pending().get();
    let Editing(editing) = expect_context::<Editing>();
    let edit = move |_| {
        editing.set(Some(profile.clone()));
        scroll_into_view(FORM_ID);
    };
    view! {
        <div class="mt-2 flex flex-wrap gap-2">
            <button
                type="button"
                class="min-h-11 border border-neutral-500 px-3 text-neutral-100 disabled:text-neutral-600"
                disabled=move || busy() || moving
                on:click=move |_| {
                    toggle.dispatch(name.get_value());
                }
            >
                {move || match (busy() || moving, connected) {
                    (true, _) => "Working…",
                    (false, true) => "Disconnect",
                    (false, false) => "Connect",
                }}
            </button>
            <button type="button" class="min-h-11 border border-neutral-700 px-3" on:click=move |_| {
                copy.dispatch_local(name.get_value());
            }>
                "Copy diagnostics"
            </button>
            <button type="button" class="min-h-11 border border-neutral-700 px-3" on:click=edit>
                "Edit"
            </button>
            <ConfirmButton
                label="Delete".into()
                confirm="Tap again to delete".into()
                disabled=Signal::derive(busy)
                on_confirm=move || {
                    delete.dispatch(DeleteConnection { name: name.get_value() });
                }
            />
        </div>
    }
}

/// Connects a disconnected remote, or disconnects a connected one; either
/// way the list reloads and the remote's chats join (or leave) the sidebar.
fn use_toggle(
    connected: bool,
    note: RwSignal<Option<Result<String, String>>>,
) -> Action<String, Result<RemoteState, AppError>> {
    let changed = expect_context::<RemotesChanged>();
    let chat_list = expect_context::<ChatList>();
    let toggle = Action::new(move |name: &String| {
        let name = name.clone();
        async move {
            if connected {
                disconnect(name).await
            } else {
                connect(name).await
            }
        }
    });
    Effect::new(move |_| {
        let Some(result) = toggle.value().get() else {
            return;
        };
        if let Err(e) = result {
            note.set(Some(Err(e.to_string())));
        }
        untrack(|| {
            changed.notify();
            chat_list.refresh();
        });
    });
    toggle
}

/// The diagnostics and whether they reached the clipboard.
type Diagnostics = Result<(String, Result<(), String>), String>;

/// Fetches the remote's diagnostics, shows them and copies them.
fn use_copy_diagnostics(
    note: RwSignal<Option<Result<String, String>>>,
    report: RwSignal<Option<String>>,
) -> Action<String, Diagnostics> {
    let copy = Action::new_local(|name: &String| {
        let name = name.clone();
        async move {
            let text = connection_diagnostics(name)
                .await
                .map_err(|e| e.to_string())?;
            let copied = copy_text(&text).await;
            Ok((text, copied))
        }
    });
    Effect::new(move |_| match copy.value().get() {
        Some(Ok((text, copied))) => {
            report.set(Some(text));
            note.set(Some(copied.map(|()| "Diagnostics copied.".to_owned())));
        }
        Some(Err(e)) => note.set(Some(Err(e))),
        None => {}
    });
    copy
}

fn use_delete(note: RwSignal<Option<Result<String, String>>>) -> ServerAction<DeleteConnection> {
    let changed = expect_context::<RemotesChanged>();
    let delete = ServerAction::<DeleteConnection>::new();
    Effect::new(move |_| match delete.value().get() {
        Some(Ok(())) => changed.notify(),
        Some(Err(e)) => note.set(Some(Err(e.to_string()))),
        None => {}
    });
    delete
}
