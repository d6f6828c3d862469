//! Notifications: the server's public VAPID key (the browser subscribes
//! with it), and subscribing, unsubscribing and a test push.

use leptos::prelude::*;

use super::AppError;

#[cfg(feature = "ssr")]
fn push() -> Result<crate::server::push::Sender, AppError> {
    let state = super::context::state()?;
    match state.push.as_ref() {
        Ok(push) => Ok(push.clone()),
        Err(reason) => Err(AppError::Unavailable(format!(
            "Notifications are off on this server: {reason}"
        ))),
    }
}

/// The key a browser's `pushManager.subscribe` needs (base64url).
#[server(prefix = "/pocket/fn", endpoint = "push_key")]
pub async fn push_key() -> Result<String, AppError> {
    super::context::respond(async { Ok(push()?.push.keys.public_key.clone()) }).await
}

/// Stores a browser's subscription (its `PushSubscription` as JSON) and
/// sends it a first push saying notifications are on.
#[server(prefix = "/pocket/fn", endpoint = "push_subscribe")]
pub async fn push_subscribe(subscription: String) -> Result<(), AppError> {
    super::context::respond(subscribe(subscription)).await
}

#[cfg(feature = "ssr")]
async fn subscribe(subscription: String) -> Result<(), AppError> {
    use crate::server::push::{Payload, Subscription};
    if subscription.len() > 8 * 1024 {
        return Err(AppError::BadRequest(
            "The subscription is too large.".into(),
        ));
    }
    let parsed: Subscription = serde_json::from_str(&subscription).map_err(|e| {
        AppError::BadRequest(format!("The subscription is not a PushSubscription: {e}"))
    })?;
    let sender = push()?;
    // A host that resolves to a private address is refused now; one that
    // does not resolve yet is kept (every send checks again).
    let policy = sender.push.subscriptions.policy;
    if let Err(e @ crate::server::push::PushError::InvalidSubscription(_)) =
        policy.resolve(&parsed.endpoint).await
    {
        return Err(AppError::BadRequest(e.to_string()));
    }
    sender
        .push
        .subscriptions
        .add(parsed.clone())
        .map_err(|e| match e {
            crate::server::push::PushError::InvalidSubscription(_) => {
                AppError::BadRequest(e.to_string())
            }
            _ => AppError::Internal(e.to_string()),
        })?;
    let hello = Payload {
        title: "pocketcode".into(),
        body: "Notifications are on: you will hear when a chat finishes or needs you.".into(),
        url: "/".into(),
        tag: "pocketcode-hello".into(),
    };
    match sender.send_one(&parsed, &hello).await {
        Ok(()) => Ok(()),
        Err(e) if e.is_gone() => {
            let _ = sender.push.subscriptions.remove(&parsed.endpoint);
            Err(AppError::BadRequest(format!(
                "The push service says this subscription is gone ({e}): subscribe again."
            )))
        }
        Err(e) => Err(AppError::Remote(format!(
            "Subscribed, but the first push failed: {e}"
        ))),
    }
}

/// Forgets a browser's subscription; whether it was known.
#[server(prefix = "/pocket/fn", endpoint = "push_unsubscribe")]
pub async fn push_unsubscribe(endpoint: String) -> Result<bool, AppError> {
    super::context::respond(async move {
        push()?
            .push
            .subscriptions
            .remove(&endpoint)
            .map_err(|e| AppError::Internal(e.to_string()))
    })
    .await
}
