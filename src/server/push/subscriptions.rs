//! The browsers that asked for notifications: their push endpoints and
//! keys, one JSON file in the data dir, written atomically on every change.

use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use super::PushError;
use super::endpoint::EndpointPolicy;

/// A browser's `PushSubscription.toJSON()` (the fields push needs).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    pub endpoint: String,
    pub keys: SubscriptionKeys,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionKeys {
    /// The browser's P-256 public key (65 bytes, uncompressed), base64url.
    pub p256dh: String,
    /// The 16-byte auth secret, base64url.
    pub auth: String,
}

impl Subscription {
    /// Checks what a browser sent before it is stored: an endpoint
    /// `policy` allows (a public https host), keys of the right sizes.
    pub fn validate(&self, policy: &EndpointPolicy) -> Result<(), PushError> {
        let bad = |reason: &str| Err(PushError::InvalidSubscription(reason.to_owned()));
        if self.endpoint.len() > 2048 || self.endpoint.chars().any(char::is_whitespace) {
            return bad("the endpoint is not a URL");
        }
        let Ok(url) = reqwest::Url::parse(&self.endpoint) else {
            return bad("the endpoint is not a URL");
        };
        policy.check(&url)?;
        if !url.username().is_empty() || url.password().is_some() {
            return bad("the endpoint must not carry credentials");
        }
        let key = URL_SAFE_NO_PAD.decode(self.keys.p256dh.trim_end_matches('='));
        if !matches!(key.as_deref(), Ok([4, rest @ ..]) if rest.len() == 64) {
            return bad("keys.p256dh must be an uncompressed P-256 key (65 bytes, base64url)");
        }
        let auth = URL_SAFE_NO_PAD.decode(self.keys.auth.trim_end_matches('='));
        if auth.map(|a| a.len()) != Ok(16) {
            return bad("keys.auth must be 16 bytes, base64url");
        }
        Ok(())
    }
}

/// At most this many browsers (a personal app: phones, laptops, a tablet).
pub const MAX_SUBSCRIPTIONS: usize = 32;

#[derive(Debug)]
pub struct Subscriptions {
    path: PathBuf,
    pub policy: EndpointPolicy,
    list: Mutex<Vec<Subscription>>,
}

impl Subscriptions {
    pub fn open(path: PathBuf, policy: EndpointPolicy) -> Result<Self, PushError> {
        let list = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| PushError::Corrupt {
                path: path.display().to_string(),
                reason: e.to_string(),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(PushError::io(&path, e)),
        };
        Ok(Self {
            path,
            policy,
            list: Mutex::new(list),
        })
    }

    pub fn list(&self) -> Vec<Subscription> {
        self.lock().clone()
    }

    /// Adds (or refreshes the keys of) a subscription; the oldest goes when
    /// there are too many.
    pub fn add(&self, subscription: Subscription) -> Result<(), PushError> {
        subscription.validate(&self.policy)?;
        self.change(|list| {
            list.retain(|s| s.endpoint != subscription.endpoint);
            list.push(subscription);
            if list.len() > MAX_SUBSCRIPTIONS {
                list.remove(0);
            }
        })
    }

    /// Removes the subscription with `endpoint`; whether there was one.
    pub fn remove(&self, endpoint: &str) -> Result<bool, PushError> {
        let mut removed = false;
        self.change(|list| {
            let before = list.len();
            list.retain(|s| s.endpoint != endpoint);
            removed = list.len() != before;
        })?;
        Ok(removed)
    }

    fn change(&self, edit: impl FnOnce(&mut Vec<Subscription>)) -> Result<(), PushError> {
        let mut list = self.lock();
        let mut next = list.clone();
        edit(&mut next);
        let json = serde_json::to_vec_pretty(&next).unwrap_or_default();
        crate::server::auth::generation::write_atomically(&self.path, &json)
            .map_err(|e| PushError::io(&self.path, e))?;
        *list = next;
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Subscription>> {
        self.list.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subscription(endpoint: &str) -> Subscription {
        let mut key = vec![4u8];
        key.extend([7u8; 64]);
        Subscription {
            endpoint: endpoint.to_owned(),
            keys: SubscriptionKeys {
                p256dh: URL_SAFE_NO_PAD.encode(key),
                auth: URL_SAFE_NO_PAD.encode([1u8; 16]),
            },
        }
    }

    #[test]
    fn only_well_formed_subscriptions_are_taken() {
        assert!(
            subscription("https://push.example.com/send/abc")
                .validate(&EndpointPolicy::default())
                .is_ok()
        );
        let tests = EndpointPolicy {
            allow_loopback: true,
        };
        assert!(
            subscription("http://127.0.0.1:9000/push/1")
                .validate(&tests)
                .is_ok()
        );
        assert!(
            subscription("http://127.0.0.1:9000/push/1")
                .validate(&EndpointPolicy::default())
                .is_err()
        );
        for endpoint in [
            "http://push.example.com/x",
            "ftp://push.example.com/x",
            "not a url",
            "https://user:pw@push.example.com/x",
        ] {
            assert!(
                subscription(endpoint).validate(&tests).is_err(),
                "{endpoint}"
            );
        }
        let mut short = subscription("https://push.example.com/x");
        short.keys.auth = URL_SAFE_NO_PAD.encode([1u8; 8]);
        assert!(short.validate(&tests).is_err());
        let mut compressed = subscription("https://push.example.com/x");
        compressed.keys.p256dh = URL_SAFE_NO_PAD.encode([2u8; 33]);
        assert!(compressed.validate(&tests).is_err());
    }

    #[test]
    fn kept_on_disk_one_per_endpoint() {
        let dir = std::env::temp_dir().join(format!("pocketcode-subs-{}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("subscriptions.json");
        let subs = Subscriptions::open(path.clone(), EndpointPolicy::default()).expect("open");
        subs.add(subscription("https://a.example/1")).expect("add");
        subs.add(subscription("https://a.example/1"))
            .expect("again");
        subs.add(subscription("https://b.example/2")).expect("add");
        assert!(subs.add(subscription("http://evil.example/")).is_err());
        assert_eq!(
            Subscriptions::open(path.clone(), EndpointPolicy::default())
                .expect("reopen")
                .list()
                .len(),
            2
        );
        assert!(subs.remove("https://a.example/1").expect("remove"));
        assert!(!subs.remove("https://a.example/1").expect("remove again"));
        assert_eq!(
            Subscriptions::open(path, EndpointPolicy::default())
                .expect("reopen")
                .list()
                .len(),
            1
        );
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }
}
