//! Turning push notifications on and off for this browser: asks the
//! browser's permission, subscribes its push manager with the server's
//! VAPID key and hands the subscription to the server (which sends a first
//! push at once). Off unsubscribes both sides.

use leptos::prelude::*;

/// Where this browser stands.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum State {
    /// Not known yet (the server renders this, and the browser until it checked).
    Unknown,
    Off,
    On,
    Working,
    /// The browser can't (no service worker or push support).
    Unsupported,
}

#[component]
pub fn NotificationsToggle() -> impl IntoView {
    let state = RwSignal::new(State::Unknown);
    let message = RwSignal::new(None::<String>);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            state.set(browser::current().await);
        });
    });
    let toggle = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let turn_on = state.get_untracked() != State::On;
            state.set(State::Working);
            message.set(None);
            leptos::task::spawn_local(async move {
                let result = if turn_on {
                    browser::turn_on().await
                } else {
                    browser::turn_off().await
                };
                match result {
                    Ok(now) => state.set(now),
                    Err(error) => {
                        message.set(Some(error));
                        state.set(browser::current().await);
                    }
                }
            });
        }
    };
    let label = move || match state.get() {
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
                disabled=move || matches!(state.get(), State::Working | State::Unsupported)
                aria-pressed=move || (state.get() == State::On).to_string()
                on:click=toggle
            >
                {label}
            </button>
            {move || {
                message.get().map(|m| view! { <p role="alert" class="px-3 pb-2 text-xs text-red-400">{m}</p> })
            }}
        </li>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use base64::Engine as _;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{
        PushManager, PushSubscription, PushSubscriptionOptionsInit, ServiceWorkerRegistration,
    };

    use super::State;

    fn describe(error: JsValue) -> String {
        error
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| error.as_string())
            .unwrap_or_else(|| format!("{error:?}"))
    }

    async fn push_manager() -> Result<PushManager, String> {
        let window = web_sys::window().ok_or("no window")?;
        let navigator = window.navigator();
        if !js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false)
            || !js_sys::Reflect::has(&window, &"PushManager".into()).unwrap_or(false)
        {
            return Err("unsupported".into());
        }
        let ready = navigator.service_worker().ready().map_err(describe)?;
        let registration: ServiceWorkerRegistration = JsFuture::from(ready)
            .await
            .map_err(describe)?
            .unchecked_into();
        registration.push_manager().map_err(describe)
    }

    async fn subscription(manager: &PushManager) -> Option<PushSubscription> {
        let found = JsFuture::from(manager.get_subscription().ok()?)
            .await
            .ok()?;
        found.dyn_into::<PushSubscription>().ok()
    }

    pub async fn current() -> State {
        match push_manager().await {
            Err(_) => State::Unsupported,
            Ok(manager) => match subscription(&manager).await {
                Some(_) => State::On,
                None => State::Off,
            },
        }
    }

    pub async fn turn_on() -> Result<State, String> {
        let permission = web_sys::Notification::request_permission().map_err(describe)?;
        let answer = JsFuture::from(permission).await.map_err(describe)?;
        if answer.as_string().as_deref() != Some("granted") {
            return Err("This browser blocks notifications from pocketcode: allow them in the site settings, then try again.".into());
        }
        let manager = push_manager().await?;
        let key = crate::api::push_key().await.map_err(|e| e.to_string())?;
        let key = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(key)
            .map_err(|e| e.to_string())?;
        let options = PushSubscriptionOptionsInit::new();
        options.set_user_visible_only(true);
        options.set_application_server_key(&js_sys::Uint8Array::from(key.as_slice()));
        let subscribing = manager.subscribe_with_options(&options).map_err(describe)?;
        let subscription: PushSubscription = JsFuture::from(subscribing)
            .await
            .map_err(|e| format!("The browser's push service refused: {}", describe(e)))?
            .unchecked_into();
        let json = js_sys::JSON::stringify(&subscription)
            .map(String::from)
            .map_err(describe)?;
        if let Err(error) = crate::api::push_subscribe(json).await {
            let _ = subscription.unsubscribe().map(JsFuture::from);
            return Err(error.to_string());
        }
        Ok(State::On)
    }

    pub async fn turn_off() -> Result<State, String> {
        let manager = push_manager().await?;
        if let Some(subscription) = subscription(&manager).await {
            let endpoint = subscription.endpoint();
            if let Ok(unsubscribing) = subscription.unsubscribe() {
                let _ = JsFuture::from(unsubscribing).await;
            }
            crate::api::push_unsubscribe(endpoint)
                .await
                .map_err(|e| e.to_string())?;
        }
        Ok(State::Off)
    }
}
