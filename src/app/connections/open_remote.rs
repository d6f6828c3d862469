//! A remote opencode without a password: every user of that machine can
//! drive it, so pocketcode uses it only after the user says so, with a
//! second tap ("Use anyway").

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::ConnectionsChanged;
use crate::api::use_open_connection;
use crate::app::confirm::ConfirmButton;
use crate::app::directory::ChatDirectory;

#[component]
pub fn UseOpenRemote(connection: String, host: String) -> impl IntoView {
    let changed = expect_context::<ConnectionsChanged>();
    let directory = expect_context::<ChatDirectory>();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let accept = move || {
        let name = connection.clone();
        busy.set(true);
        spawn_local(async move {
            if let Err(e) = use_open_connection(name).await {
                error.try_set(Some(e.to_string()));
            }
            busy.try_set(false);
            changed.notify();
            directory.refresh();
        });
    };
    view! {
        <div class="mt-2 border border-amber-800 p-2">
            <p role="alert" class="text-sm text-amber-300">
                {format!("Open to every user of {host}: its opencode has no password.")}
            </p>
            <div class="mt-2">
                <ConfirmButton
                    label="Use anyway".into()
                    confirm=format!("Tap again: every user of {host} can drive it")
                    disabled=Signal::derive(move || busy.get())
                    on_confirm=accept
                />
            </div>
            {move || error.get().map(|text| view! { <p role="alert" class="mt-1 text-sm text-red-400">{text}</p> })}
        </div>
    }
}
