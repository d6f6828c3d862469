//! A remote opencode without a password: every user of that machine can
//! drive it, so pocketcode uses it only after the user says so, with a
//! second tap ("Use anyway").

use leptos::prelude::*;

use super::RemotesChanged;
use crate::api::UseOpenConnection;
use crate::app::chat_list::ChatList;
use crate::app::confirm::ConfirmButton;

#[component]
pub fn UseOpenRemote(connection: String, host: String) -> impl IntoView {
    let changed = expect_context::<RemotesChanged>();
    let chat_list = expect_context::<ChatList>();
    let accept = ServerAction::<UseOpenConnection>::new();
    Effect::new(move |_| {
        if accept.value().with(Option::is_some) {
            untrack(|| {
                changed.notify();
                chat_list.refresh();
            });
        }
    });
    let error = move || {
        accept
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
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
                    disabled=accept.pending()
                    on_confirm=move || {
                        accept.dispatch(UseOpenConnection { name: connection.clone() });
                    }
                />
            </div>
            {move || error().map(|text| view! { <p role="alert" class="mt-1 text-sm text-red-400">{text}</p> })}
        </div>
    }
}
