//! One connection: where it points, its state (the failed step and what to
//! do), Connect / Disconnect, Copy diagnostics and Delete; once connected,
//! a new chat in a directory on it.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::ConnectionsChanged;
use super::form::Editing;
use super::open_remote::UseOpenRemote;
use super::remote_chat::NewRemoteChat;
use crate::api::{connect, connection_diagnostics, delete_connection, disconnect};
use crate::app::confirm::ConfirmButton;
use crate::app::directory::ChatDirectory;
use crate::app::web::clipboard::copy_text;
use crate::app::web::page::scroll_into_view;
use crate::remotes::{Connection, ConnectionState, OPEN_REMOTE};

fn describe(state: &ConnectionState) -> String {
    match state {
        ConnectionState::Disconnected => "Not connected".into(),
        ConnectionState::Connecting => "Connecting (ssh)…".into(),
        ConnectionState::Discovering => "Looking for opencode…".into(),
        ConnectionState::Bootstrapping => "Starting opencode on the remote…".into(),
        ConnectionState::Connected { version, .. } => format!("Connected: opencode {version}"),
        ConnectionState::Failed { kind, .. } => format!("Failed ({kind})"),
    }
}

#[component]
pub fn ConnectionRow(connection: Connection) -> impl IntoView {
    let Connection { profile, state } = connection;
    let changed = expect_context::<ConnectionsChanged>();
    let Editing(editing) = expect_context::<Editing>();
    let edit = {
        let profile = profile.clone();
        move |_| {
            editing.set(Some(profile.clone()));
            scroll_into_view("connection-form");
        }
    };
    let directory = expect_context::<ChatDirectory>();
    let busy = RwSignal::new(false);
    let note = RwSignal::new(None::<Result<String, String>>);
    let report = RwSignal::new(None::<String>);
    let name = profile.name.clone();
    let target = format!(
        "{}{}{}",
        profile
            .user
            .as_deref()
            .map(|u| format!("{u}@"))
            .unwrap_or_default(),
        profile.host,
        profile.port.map(|p| format!(":{p}")).unwrap_or_default()
    );
    let connected = matches!(state, ConnectionState::Connected { .. });
    let moving = super::moving(&state);
    let toggle = {
        let name = name.clone();
        move |_| {
            let name = name.clone();
            busy.set(true);
            spawn_local(async move {
                let result = if connected {
                    disconnect(name).await
                } else {
                    connect(name).await
                };
                if let Err(e) = result {
                    note.try_set(Some(Err(e.to_string())));
                }
                busy.try_set(false);
                changed.notify();
                // The remote's chats join (or leave) the sidebar.
                directory.refresh();
            });
        }
    };
    let copy = {
        let name = name.clone();
        move |_| {
            let name = name.clone();
            spawn_local(async move {
                match connection_diagnostics(name).await {
                    Ok(text) => {
                        let copied = copy_text(&text).await;
                        report.try_set(Some(text));
                        note.try_set(Some(copied.map(|()| "Diagnostics copied.".to_owned())));
                    }
                    Err(e) => {
                        note.try_set(Some(Err(e.to_string())));
                    }
                }
            });
        }
    };
    let delete = {
        let name = name.clone();
        move || {
            let name = name.clone();
            spawn_local(async move {
                match delete_connection(name).await {
                    Ok(()) => changed.notify(),
                    Err(e) => {
                        note.try_set(Some(Err(e.to_string())));
                    }
                }
            });
        }
    };
    let failure = match &state {
        ConnectionState::Failed { message, .. } => Some(
            view! { <p role="alert" class="mt-1 text-sm break-words text-red-400">{message.clone()}</p> },
        ),
        _ => None,
    };
    let open = matches!(&state, ConnectionState::Failed { kind, .. } if kind == OPEN_REMOTE)
        .then(|| view! { <UseOpenRemote connection=name.clone() host=profile.host.clone() /> });
    view! {
        <li class="py-3" aria-label=format!("Connection {name}") data-state=format!("{state:?}")>
            <div class="flex flex-wrap items-baseline gap-x-3">
                <span class="text-neutral-100">{name.clone()}</span>
                <span class="min-w-0 truncate text-sm text-neutral-400">{target}</span>
            </div>
            <p class="mt-1 text-sm text-neutral-300" data-testid="connection-state">{describe(&state)}</p>
            {failure}
            {open}
            <div class="mt-2 flex flex-wrap gap-2">
                <button
                    type="button"
                    class="min-h-11 border border-neutral-500 px-3 text-neutral-100 disabled:text-neutral-600"
                    disabled=move || busy.get() || moving
                    on:click=toggle
                >
                    {move || match (busy.get() || moving, connected) {
                        (true, _) => "Working…",
                        (false, true) => "Disconnect",
                        (false, false) => "Connect",
                    }}
                </button>
                <button type="button" class="min-h-11 border border-neutral-700 px-3" on:click=copy>
                    "Copy diagnostics"
                </button>
                <button type="button" class="min-h-11 border border-neutral-700 px-3" on:click=edit>
                    "Edit"
                </button>
                <ConfirmButton
                    label="Delete".into()
                    confirm="Tap again to delete".into()
                    disabled=Signal::derive(move || busy.get())
                    on_confirm=delete
                />
            </div>
            {connected.then(|| view! { <NewRemoteChat connection=name.clone() /> })}
            {move || note.get().map(|n| match n {
                Ok(text) => view! { <p role="status" class="mt-1 text-sm text-neutral-400">{text}</p> }.into_any(),
                Err(text) => view! { <p role="alert" class="mt-1 text-sm text-red-400">{text}</p> }.into_any(),
            })}
            {move || report.get().map(|text| view! {
                <pre aria-label="Diagnostics" class="mt-2 max-h-64 overflow-auto border border-neutral-800 p-2 text-xs whitespace-pre-wrap text-neutral-400">{text}</pre>
            })}
        </li>
    }
}
