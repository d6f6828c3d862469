//! This browser's push subscription: the permission to notify, and the
//! subscription of its service worker's push manager.
//!
//! ## On the server
//! Push is unsupported: nothing is subscribed.

/// Where this browser stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PushSupport {
    Subscribed,
    NotSubscribed,
    /// No service worker or no push manager.
    Unsupported,
}

/// Whether this browser is subscribed.
pub async fn current() -> PushSupport {
    match browser::subscribed().await {
        Some(true) => PushSupport::Subscribed,
        Some(false) => PushSupport::NotSubscribed,
        None => PushSupport::Unsupported,
    }
}

/// Asks the user's permission to notify. Call it straight from the tap:
/// some browsers only ask during a user's gesture.
pub async fn ask_permission() -> Result<(), String> {
    browser::ask_permission().await
}

/// Subscribes with the server's VAPID key (base64url, unpadded); the
/// subscription as JSON for the server.
pub async fn subscribe(key: &str) -> Result<String, String> {
    browser::subscribe(key).await
}

/// Ends this browser's subscription, if any; its endpoint, so that the
/// server forgets it too.
pub async fn unsubscribe() -> Result<Option<String>, String> {
    browser::unsubscribe().await
}

#[cfg(feature = "hydrate")]
mod browser {
    use base64::Engine as _;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{
        PushManager, PushSubscription, PushSubscriptionOptionsInit, ServiceWorkerRegistration,
    };

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

    pub async fn subscribed() -> Option<bool> {
        let manager = push_manager().await.ok()?;
        Some(subscription(&manager).await.is_some())
    }

    pub async fn ask_permission() -> Result<(), String> {
        let permission = web_sys::Notification::request_permission().map_err(describe)?;
        let answer = JsFuture::from(permission).await.map_err(describe)?;
        if answer.as_string().as_deref() != Some("granted") {
            return Err("This browser blocks notifications from pocketcode: allow them in the site settings, then try again.".into());
        }
        Ok(())
    }

    pub async fn subscribe(key: &str) -> Result<String, String> {
        let manager = push_manager().await?;
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
        js_sys::JSON::stringify(&subscription)
            .map(String::from)
            .map_err(describe)
    }

    pub async fn unsubscribe() -> Result<Option<String>, String> {
        let manager = push_manager().await?;
        let Some(subscription) = subscription(&manager).await else {
            return Ok(None);
        };
        let endpoint = subscription.endpoint();
        if let Ok(unsubscribing) = subscription.unsubscribe() {
            let _ = JsFuture::from(unsubscribing).await;
        }
        Ok(Some(endpoint))
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    pub async fn subscribed() -> Option<bool> {
        None
    }

    pub async fn ask_permission() -> Result<(), String> {
        Err("not in a browser".into())
    }

    pub async fn subscribe(_key: &str) -> Result<String, String> {
        Err("not in a browser".into())
    }

    pub async fn unsubscribe() -> Result<Option<String>, String> {
        Ok(None)
    }
}
