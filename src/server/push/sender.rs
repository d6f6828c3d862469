//! Sending: one encrypted, VAPID-signed push per subscription for every
//! alert of the event hub. Subscriptions whose push service answers 404 or
//! 410 are dropped; other failures are logged and the subscription kept.

use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use web_push::{
    ContentEncoding, SubscriptionInfo, Urgency, VapidSignatureBuilder, WebPushMessageBuilder,
};

use super::{Push, PushError, Subscription};
use crate::server::events::Alert;
use crate::server::git::WorktreeName;

/// What the service worker gets (JSON, encrypted on the wire).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payload {
    pub title: String,
    pub body: String,
    /// The page to open when the notification is tapped.
    pub url: String,
    /// Notifications with the same tag replace each other (one per chat).
    pub tag: String,
}

impl Payload {
    pub fn for_alert(alert: &Alert) -> Self {
        let url = chat_url(&alert.chat.directory).unwrap_or_else(|| "/".to_owned());
        let title = if alert.chat.title.trim().is_empty() {
            "pocketcode chat".to_owned()
        } else {
            alert.chat.title.clone()
        };
        let body = match &alert.detail {
            Some(detail) => format!("{}: {detail}", alert.kind.headline()),
            None => alert.kind.headline().to_owned(),
        };
        Self {
            title,
            body,
            tag: url.clone(),
            url,
        }
    }
}

/// `/chat/owner/name/<chat>` for a chat worktree's directory.
pub fn chat_url(directory: &str) -> Option<String> {
    let name = Path::new(directory).file_name()?.to_str()?;
    let worktree = WorktreeName::parse(name).ok()?;
    Some(format!(
        "/chat/{}/{}/{}",
        worktree.repo.owner(),
        worktree.repo.name(),
        worktree.chat
    ))
}

/// How long a push service may take to answer.
const SEND_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a push service keeps an undelivered push (a phone offline).
const TTL_SECS: u32 = 24 * 3600;

#[derive(Clone, Debug)]
pub struct Sender {
    pub push: Push,
    pub http: reqwest::Client,
    /// The VAPID `sub` claim: how a push service can reach the operator.
    pub contact: String,
}

impl Sender {
    /// Sends every alert from `alerts` to every subscription, until the hub
    /// is gone.
    pub fn spawn(
        self,
        mut alerts: tokio::sync::mpsc::UnboundedReceiver<Alert>,
    ) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            while let Some(alert) = alerts.recv().await {
                self.send_all(&Payload::for_alert(&alert)).await;
            }
        })
    }

    /// Sends `payload` to every subscription; returns how many were
    /// delivered to their push service.
    pub async fn send_all(&self, payload: &Payload) -> usize {
        let subscriptions = self.push.subscriptions.list();
        let results = futures::future::join_all(
            subscriptions
                .iter()
                .map(|subscription| self.send_one(subscription, payload)),
        )
        .await;
        let mut delivered = 0;
        for (subscription, result) in subscriptions.iter().zip(results) {
            match result {
                Ok(()) => delivered += 1,
                Err(error) if error.is_gone() => {
                    tracing::info!(endpoint = %subscription.endpoint, %error, "push subscription gone: dropped");
                    if let Err(error) = self.push.subscriptions.remove(&subscription.endpoint) {
                        tracing::warn!(%error, "could not drop a push subscription");
                    }
                }
                Err(error) => {
                    tracing::warn!(endpoint = %subscription.endpoint, %error, "push not delivered");
                }
            }
        }
        delivered
    }

    pub async fn send_one(
        &self,
        subscription: &Subscription,
        payload: &Payload,
    ) -> Result<(), PushError> {
        let build = |e: web_push::WebPushError| PushError::Build(e.to_string());
        let info = SubscriptionInfo::new(
            subscription.endpoint.as_str(),
            subscription.keys.p256dh.as_str(),
            subscription.keys.auth.as_str(),
        );
        let mut signature =
            VapidSignatureBuilder::from_base64(self.push.keys.private_base64(), &info)
                .map_err(build)?;
        signature.add_claim("sub", self.contact.as_str());
        // The push service's origin, port included (web-push leaves a
        // non-default port out, which such a service would refuse).
        let audience = reqwest::Url::parse(&subscription.endpoint)
            .map(|url| url.origin().ascii_serialization())
            .map_err(|e| PushError::InvalidSubscription(e.to_string()))?;
        signature.add_claim("aud", audience.as_str());
        let signature = signature.build().map_err(build)?;
        let content = serde_json::to_vec(payload).map_err(|e| PushError::Build(e.to_string()))?;
        let mut message = WebPushMessageBuilder::new(&info);
        message.set_payload(ContentEncoding::Aes128Gcm, &content);
        message.set_vapid_signature(signature);
        message.set_ttl(TTL_SECS);
        message.set_urgency(Urgency::High);
        let request =
            web_push::request_builder::build_request::<Vec<u8>>(message.build().map_err(build)?);

        // The endpoint is checked (and its host resolved) at every send,
        // and the connection goes to the address that passed.
        let target = self
            .push
            .subscriptions
            .policy
            .resolve(&subscription.endpoint)
            .await?;
        let http = match &target.pinned {
            Some((host, address)) => reqwest::Client::builder()
                .resolve(host, *address)
                .build()
                .map_err(|e| PushError::Transport(e.to_string()))?,
            None => self.http.clone(),
        };
        let mut outgoing = http.post(request.uri().to_string()).timeout(SEND_TIMEOUT);
        for (name, value) in request.headers() {
            outgoing = outgoing.header(name.as_str(), value.as_bytes());
        }
        let response = outgoing
            .body(request.into_body())
            .send()
            .await
            .map_err(|e| PushError::Transport(e.to_string()))?;
        let status = response.status().as_u16();
        if response.status().is_success() {
            return Ok(());
        }
        let body = response.text().await.unwrap_or_default();
        Err(PushError::Rejected {
            status,
            body: body.chars().take(200).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::live::{ChatActivity, ChatStatus};
    use crate::server::events::AlertKind;

    #[test]
    fn a_chat_alert_links_to_the_chat_and_says_what_happened() {
        let alert = Alert {
            kind: AlertKind::NeedsPermission,
            chat: ChatActivity {
                session_id: "ses_1".into(),
                directory: "/data/worktrees/local__project__k3j5h2abcd".into(),
                title: "Fix the tests".into(),
                status: ChatStatus::WaitingPermission,
                last_activity_ms: 0,
                unread: true,
            },
            detail: Some("cargo test".into()),
        };
        let payload = Payload::for_alert(&alert);
        assert_eq!(payload.title, "Fix the tests");
        assert_eq!(payload.body, "Needs your permission: cargo test");
        assert_eq!(payload.url, "/chat/local/project/k3j5h2abcd");
        assert_eq!(chat_url("/srv/workspace"), None);
    }
}
