//! The session cookie's value: issue time, expiry and the logout generation,
//! signed with HMAC-SHA256.
//!
//! Format: `v1.<issued>.<expires>.<generation>.<base64url mac>`, the MAC
//! covering everything before the last dot. Verification is constant-time
//! (`Mac::verify_slice`).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

const VERSION: &str = "v1";

/// How long a login lasts.
pub const SESSION_LIFETIME_SECS: u64 = 30 * 24 * 60 * 60;

/// What a valid cookie says about its login.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionToken {
    /// Seconds since the Unix epoch.
    pub issued_at: u64,
    pub expires_at: u64,
    /// The "log out everywhere" generation it was issued in.
    pub generation: u64,
}

/// Why a cookie was not accepted (logged, never shown in detail to clients).
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("malformed session cookie")]
    Malformed,
    #[error("session cookie signature does not match")]
    BadSignature,
    #[error("session cookie expired")]
    Expired,
    #[error("session cookie is from before a log-out-everywhere")]
    Revoked,
}

/// Signs and checks tokens with one secret.
#[derive(Clone)]
pub struct TokenKey {
    key: Vec<u8>,
}

impl std::fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKey(..)")
    }
}

impl TokenKey {
    pub fn new(secret: &[u8]) -> Self {
        Self {
            key: secret.to_vec(),
        }
    }

    /// A key of its own for another kind of token (`label` names it), so
    /// no token of one kind is ever valid as another.
    pub fn derive(&self, label: &str) -> Self {
        let mut mac = self.mac();
        mac.update(label.as_bytes());
        Self::new(&mac.finalize().into_bytes())
    }

    fn mac(&self) -> HmacSha256 {
        // HMAC takes keys of any length; this cannot fail.
        HmacSha256::new_from_slice(&self.key).expect("HMAC accepts any key length")
    }

    /// A fresh token issued at `now` in `generation`.
    pub fn issue(&self, now: u64, generation: u64) -> String {
        let token = SessionToken {
            issued_at: now,
            expires_at: now.saturating_add(SESSION_LIFETIME_SECS),
            generation,
        };
        self.sign(&token)
    }

    /// The cookie value for `token`.
    pub fn sign(&self, token: &SessionToken) -> String {
        let payload = format!(
            "{VERSION}.{}.{}.{}",
            token.issued_at, token.expires_at, token.generation
        );
        let mut mac = self.mac();
        mac.update(payload.as_bytes());
        let tag = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{payload}.{tag}")
    }

    /// Checks the signature first, then expiry and generation.
    pub fn verify(
        &self,
        value: &str,
        now: u64,
        current_generation: u64,
    ) -> Result<SessionToken, TokenError> {
        if value.len() > 256 {
            return Err(TokenError::Malformed);
        }
        let (payload, tag) = value.rsplit_once('.').ok_or(TokenError::Malformed)?;
        let tag = URL_SAFE_NO_PAD
            .decode(tag)
            .map_err(|_| TokenError::Malformed)?;
        let mut mac = self.mac();
        mac.update(payload.as_bytes());
        mac.verify_slice(&tag)
            .map_err(|_| TokenError::BadSignature)?;
        let token = parse_payload(payload)?;
        if now >= token.expires_at || token.issued_at > now.saturating_add(300) {
            return Err(TokenError::Expired);
        }
        if token.generation != current_generation {
            return Err(TokenError::Revoked);
        }
        Ok(token)
    }
}

fn parse_payload(payload: &str) -> Result<SessionToken, TokenError> {
    let mut fields = payload.split('.');
    if fields.next() != Some(VERSION) {
        return Err(TokenError::Malformed);
    }
    let mut number = || -> Result<u64, TokenError> {
        fields
            .next()
            .and_then(|f| f.parse().ok())
            .ok_or(TokenError::Malformed)
    };
    let token = SessionToken {
        issued_at: number()?,
        expires_at: number()?,
        generation: number()?,
    };
    if fields.next().is_some() {
        return Err(TokenError::Malformed);
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_800_000_000;

    #[test]
    fn a_token_verifies_until_it_expires() {
        let key = TokenKey::new(b"0123456789abcdef0123456789abcdef");
        let value = key.issue(NOW, 3);
        let token = key.verify(&value, NOW + 10, 3).expect("valid");
        assert_eq!(token.issued_at, NOW);
        assert_eq!(token.expires_at, NOW + SESSION_LIFETIME_SECS);
        assert_eq!(
            key.verify(&value, NOW + SESSION_LIFETIME_SECS, 3),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn tampering_another_key_or_a_new_generation_is_refused() {
        let key = TokenKey::new(b"0123456789abcdef0123456789abcdef");
        let value = key.issue(NOW, 0);
        // Extend the expiry without re-signing.
        let forged = value.replacen(
            &format!(".{}.", NOW + SESSION_LIFETIME_SECS),
            &format!(".{}.", NOW + 10 * SESSION_LIFETIME_SECS),
            1,
        );
        assert_ne!(forged, value);
        assert_eq!(key.verify(&forged, NOW, 0), Err(TokenError::BadSignature));
        let other = TokenKey::new(b"another secret of enough length!!");
        assert_eq!(other.verify(&value, NOW, 0), Err(TokenError::BadSignature));
        assert_eq!(key.verify(&value, NOW, 1), Err(TokenError::Revoked));
        for garbage in ["", "v1", "v1.1.2.3", "v1.1.2.3.!!!", "x.y.z.w.AAAA"] {
            assert!(key.verify(garbage, NOW, 0).is_err(), "{garbage}");
        }
    }

    #[test]
    fn a_signed_token_with_a_future_issue_time_is_refused() {
        let key = TokenKey::new(b"0123456789abcdef0123456789abcdef");
        let value = key.issue(NOW + 3600, 0);
        assert_eq!(key.verify(&value, NOW, 0), Err(TokenError::Expired));
    }
}
