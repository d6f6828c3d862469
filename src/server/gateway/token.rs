//! The gateway's per-start token: what opencode holds instead of a key.
//! The agent can read it (it is in opencode's config), but it only opens
//! the loopback gateway of this run of pocketcode, which adds the real key;
//! no provider accepts it.

use axum::http::{HeaderMap, HeaderName};
use subtle::ConstantTimeEq as _;

/// Every header a provider SDK may carry its key in. All are read to check
/// the token and all are dropped before the request leaves: the gateway
/// sets the provider's own header itself.
pub const CREDENTIAL_HEADERS: &[&str] = &["authorization", "x-api-key", "x-goog-api-key"];

#[derive(Clone)]
pub struct GatewayToken(String);

impl std::fmt::Debug for GatewayToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GatewayToken(…)")
    }
}

impl GatewayToken {
    /// A fresh random token; recognisable in an environment dump, so nobody
    /// mistakes it for a provider key.
    pub fn random() -> Self {
        let bytes: [u8; 24] = rand::random();
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Self(format!("pocketcode-gateway-{hex}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `headers` carry this token, and nothing else, as a
    /// credential: in at least one of [`CREDENTIAL_HEADERS`] (as a Bearer
    /// token in `Authorization`), with every credential header present
    /// holding it.
    pub fn admits(&self, headers: &HeaderMap) -> bool {
        let mut presented = CREDENTIAL_HEADERS
            .iter()
            .flat_map(|name| {
                let bearer = *name == "authorization";
                headers
                    .get_all(HeaderName::from_static(name))
                    .into_iter()
                    .map(move |value| (bearer, value.as_bytes()))
            })
            .peekable();
        if presented.peek().is_none() {
            return false;
        }
        presented.all(|(bearer, value)| {
            let given = if bearer {
                strip_bearer(value)
            } else {
                Some(value)
            };
            given.is_some_and(|given| bool::from(given.ct_eq(self.0.as_bytes())))
        })
    }
}

/// The credentials after `Bearer ` (any case), if that is how it starts.
fn strip_bearer(value: &[u8]) -> Option<&[u8]> {
    let (scheme, rest) = value.split_at_checked(7)?;
    scheme.eq_ignore_ascii_case(b"bearer ").then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().expect("header value"));
        }
        map
    }

    #[test]
    fn the_token_is_admitted_in_any_providers_header() {
        let token = GatewayToken::random();
        let t = token.as_str();
        for ok in [
            headers(&[("authorization", &format!("Bearer {t}"))]),
            headers(&[("authorization", &format!("bearer {t}"))]),
            headers(&[("x-api-key", t)]),
            headers(&[("x-goog-api-key", t), ("content-type", "application/json")]),
        ] {
            assert!(token.admits(&ok), "{ok:?}");
        }
    }

    #[test]
    fn anything_else_is_refused() {
        let token = GatewayToken::random();
        let t = token.as_str();
        for bad in [
            headers(&[]),
            headers(&[("authorization", t)]),
            headers(&[("authorization", "Bearer sk-other")]),
            headers(&[("authorization", &format!("Basic {t}"))]),
            headers(&[("x-api-key", &format!("{t}x"))]),
            headers(&[("x-api-key", t), ("authorization", "Bearer sk-other")]),
            headers(&[("x-goog-api-key", t), ("x-goog-api-key", "other")]),
            headers(&[("cookie", t)]),
        ] {
            assert!(!token.admits(&bad), "{bad:?}");
        }
        assert_ne!(GatewayToken::random().as_str(), t);
        assert!(!format!("{token:?}").contains(t));
    }
}
