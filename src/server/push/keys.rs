//! The VAPID key pair (P-256): made once, stored owner-only in the data dir,
//! so subscriptions survive restarts (a new key would orphan them all).

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jwt_simple::prelude::{ECDSAP256PublicKeyLike, ES256KeyPair};
use serde::{Deserialize, Serialize};

use super::PushError;

#[derive(Clone, Serialize, Deserialize)]
pub struct VapidKeys {
    /// The raw 32-byte private scalar, base64url.
    private_key: String,
    /// The uncompressed public point (65 bytes), base64url: the browser's
    /// `applicationServerKey`.
    pub public_key: String,
}

impl std::fmt::Debug for VapidKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VapidKeys")
            .field("public_key", &self.public_key)
            .finish_non_exhaustive()
    }
}

impl VapidKeys {
    pub fn generate() -> Self {
        let pair = ES256KeyPair::generate();
        Self {
            private_key: URL_SAFE_NO_PAD.encode(pair.to_bytes()),
            public_key: URL_SAFE_NO_PAD
                .encode(pair.public_key().public_key().to_bytes_uncompressed()),
        }
    }

    pub fn load_or_create(path: &Path) -> Result<Self, PushError> {
        match std::fs::read(path) {
            Ok(bytes) => {
                let keys: Self =
                    serde_json::from_slice(&bytes).map_err(|e| corrupt(path, e.to_string()))?;
                keys.check().map_err(|reason| corrupt(path, reason))?;
                Ok(keys)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let keys = Self::generate();
                let json = serde_json::to_vec_pretty(&keys).unwrap_or_default();
                crate::server::auth::generation::write_atomically(path, &json)
                    .map_err(|e| PushError::io(path, e))?;
                Ok(keys)
            }
            Err(e) => Err(PushError::io(path, e)),
        }
    }

    /// The private key as `web-push` takes it.
    pub fn private_base64(&self) -> &str {
        &self.private_key
    }

    /// The stored public key must be the private key's.
    fn check(&self) -> Result<(), String> {
        let raw = URL_SAFE_NO_PAD
            .decode(&self.private_key)
            .map_err(|e| format!("private key: {e}"))?;
        let pair = ES256KeyPair::from_bytes(&raw).map_err(|e| format!("private key: {e}"))?;
        let public = URL_SAFE_NO_PAD.encode(pair.public_key().public_key().to_bytes_uncompressed());
        if public == self.public_key {
            Ok(())
        } else {
            Err("the public key does not match the private key".into())
        }
    }
}

fn corrupt(path: &Path, reason: String) -> PushError {
    PushError::Corrupt {
        path: path.display().to_string(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_once_then_loaded_and_checked() {
        let dir = std::env::temp_dir().join(format!("pocketcode-vapid-{}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("vapid.json");
        let made = VapidKeys::load_or_create(&path).expect("made");
        assert_eq!(
            URL_SAFE_NO_PAD.decode(&made.public_key).expect("b64").len(),
            65
        );
        let loaded = VapidKeys::load_or_create(&path).expect("loaded");
        assert_eq!(loaded.public_key, made.public_key);

        let mut other = VapidKeys::generate();
        other.public_key = made.public_key.clone();
        std::fs::write(&path, serde_json::to_vec(&other).expect("json")).expect("write");
        let err = VapidKeys::load_or_create(&path).expect_err("mismatch");
        assert!(err.to_string().contains("does not match"), "{err}");
        std::fs::write(&path, b"{").expect("write");
        assert!(matches!(
            VapidKeys::load_or_create(&path),
            Err(PushError::Corrupt { .. })
        ));
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }
}
