//! Web Push: the server's VAPID key pair (made once, kept in the data dir),
//! the browsers that subscribed (kept there too), and the sender that turns
//! the event hub's alerts (a chat finished, failed or waits on the user)
//! into encrypted pushes (RFC 8291, by the `web-push` crate), dropping
//! subscriptions their push service says are gone (404/410); and the
//! supervisor's restarts of opencode.

mod endpoint;
mod keys;
mod restart;
mod sender;
mod subscriptions;

use std::path::Path;
use std::sync::Arc;

pub use endpoint::{EndpointPolicy, is_public};
pub use keys::VapidKeys;
pub use restart::notify_restarts;
pub use sender::{Payload, Sender, chat_url};
pub use subscriptions::{Subscription, SubscriptionKeys, Subscriptions};

#[derive(Debug, thiserror::Error)]
pub enum PushError {
    #[error("push data in {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not valid: {reason}; move it away to start over")]
    Corrupt { path: String, reason: String },
    #[error("invalid subscription: {0}")]
    InvalidSubscription(String),
    #[error("could not build the push: {0}")]
    Build(String),
    #[error("push service unreachable: {0}")]
    Transport(String),
    #[error("the push service answered {status}: {body}")]
    Rejected { status: u16, body: String },
}

impl PushError {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.display().to_string(),
            source,
        }
    }

    /// The subscription is gone for good (the browser unsubscribed or the
    /// push service expired it): it must be dropped.
    pub fn is_gone(&self) -> bool {
        matches!(
            self,
            Self::Rejected {
                status: 404 | 410,
                ..
            }
        )
    }
}

/// Everything push needs, shared by the server functions and the sender.
#[derive(Clone, Debug)]
pub struct Push {
    pub keys: Arc<VapidKeys>,
    pub subscriptions: Arc<Subscriptions>,
}

impl Push {
    /// Loads (or makes, the first time) `<data>/push/`; endpoints must
    /// pass `policy`.
    pub fn open(data_dir: &Path, policy: EndpointPolicy) -> Result<Self, PushError> {
        let dir = data_dir.join("push");
        std::fs::create_dir_all(&dir).map_err(|e| PushError::io(&dir, e))?;
        Ok(Self {
            keys: Arc::new(VapidKeys::load_or_create(&dir.join("vapid.json"))?),
            subscriptions: Arc::new(Subscriptions::open(dir.join("subscriptions.json"), policy)?),
        })
    }
}
