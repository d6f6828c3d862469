//! Turning push notifications on and off for this browser: asks the
//! browser's permission, subscribes its push manager with the server's
//! VAPID key and hands the subscription to the server (which sends a first
//! push at once). Off unsubscribes both sides.

use leptos::prelude::*;

use crate::app::web::push::{self, PushSupport};

/// Where this browser stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Not known yet (the server renders this, and the browser until it checked).
    Unknown,
    Off,
    On,
    Working,
    /// The browser can't (no service worker or push support).
    Unsupported,
}

impl From<PushSupport> for State {
    fn from(support: PushSupport) -> Self {
        match support {
            PushSupport::Subscribed => Self::On,
            PushSupport::NotSubscribed => Self::Off,
            PushSupport::Unsupported => Self::Unsupported,
        }
    }
}

/// Subscribes this browser and hands the subscription to the server; a
/// subscription the server refused is ended again.
async fn turn_on() -> Result<(), String> {
    push::ask_permission().await?;
    let key = crate::api::push_key().await.map_err(|e| e.to_string())?;
    let subscription = push::subscribe(&key).await?;
    if let Err(error) = crate::api::push_subscribe(subscription).await {
        let _ = push::unsubscribe().await;
        return Err(error.to_string());
    }
    Ok(())
}

async fn turn_off() -> Result<(), String> {
    if let Some(endpoint) = push::unsubscribe().await? {
        crate::api::push_unsubscribe(endpoint)
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Checks (`None`) or turns on or off (`Some`): where the browser stands
/// afterwards, and what went wrong.
async fn push_step(turn: Option<bool>) -> (State, Option<String>) {
    let result = match turn {
        None => Ok(()),
        Some(true) => turn_on().await,
        Some(false) => turn_off().await,
    };
    (push::current().await.into(), result.err())
}

#[component]
pub fn NotificationsToggle() -> impl IntoView {
    let step = Action::new_local(|turn: &Option<bool>| push_step(*turn));
    // Effects run in the browser only: the check after hydration.
    Effect::new(move |_| {
        step.dispatch_local(None);
    });
    let working = move || step.input().with(|turn| matches!(turn, Some(Some(_))));
    let state = move || {
        if working() {
            State::Working
        } else {
            step.value()
                .with(|done| done.as_ref().map_or(State::Unknown, |(state, _)| *state))
        }
    };
    let message = move || {
        (!working())
            .then(|| {
                step.value()
                    .with(|done| done.as_ref().and_then(|(_, m)| m.clone()))
            })
            .flatten()
    };
    let toggle = move |_| {
        let on = step
            .value()
            .with_untracked(|done| matches!(done, Some((State::On, _))));
        step.dispatch_local(Some(!on));
    };
    let label = move || match state() {
        State::On => "Notifications: on (turn off)",
        State::Working => "Notifications: …",
        State::Unsupported => "Notifications: not supported here",
        State::Off | State::Unknown => "Notifications: off (turn on)",
    };
    view! {
        <li>
            <button
                type="button"
                class="flex min-h-11 w-full items-center px-3 text-left disabled:text-neutral-500"
                disabled=move || matches!(state(), State::Working | State::Unsupported)
                aria-pressed=move || (state() == State::On).to_string()
                on:click=toggle
            >
                {label}
            </button>
            {move || {
                message().map(|m| view! { <p role="alert" class="px-3 pb-2 text-xs text-red-400">{m}</p> })
            }}
        </li>
    }
}
