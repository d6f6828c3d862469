//! The model providers the gateway knows: where each one's API lives, which
//! header carries its key, and which environment variable holds the key.
//! Ids are opencode's provider ids, so the same word names a provider in
//! opencode's config and in the gateway's path.

use reqwest::Url;

/// How a provider wants its key sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyHeader {
    /// `Authorization: Bearer <key>` (OpenAI and every OpenAI-compatible API).
    Bearer,
    /// `x-api-key: <key>` (Anthropic).
    XApiKey,
    /// `x-goog-api-key: <key>` (Google's Generative Language API).
    XGoogApiKey,
}

impl KeyHeader {
    pub fn name(self) -> &'static str {
        match self {
            Self::Bearer => "authorization",
            Self::XApiKey => "x-api-key",
            Self::XGoogApiKey => "x-goog-api-key",
        }
    }

    /// The header's value for `key`.
    pub fn value(self, key: &str) -> String {
        match self {
            Self::Bearer => format!("Bearer {key}"),
            Self::XApiKey | Self::XGoogApiKey => key.to_owned(),
        }
    }
}

/// A provider pocketcode recognises.
#[derive(Clone, Copy, Debug)]
pub struct KnownProvider {
    /// opencode's provider id.
    pub id: &'static str,
    /// Where the key may be set, the first one set wins.
    pub key_vars: &'static [&'static str],
    /// The API's base URL, as the provider's AI SDK package defaults to it:
    /// the SDK appends its paths (`/chat/completions`, `/messages`, …).
    pub base_url: &'static str,
    pub header: KeyHeader,
}

/// Every provider whose key pocketcode recognises (the variables are
/// [`crate::server::config::PROVIDER_KEY_VARS`]).
pub const KNOWN: &[KnownProvider] = &[
    KnownProvider {
        id: "openrouter",
        key_vars: &["OPENROUTER_API_KEY"],
        base_url: "https://openrouter.ai/api/v1",
        header: KeyHeader::Bearer,
    },
    KnownProvider {
        id: "anthropic",
        key_vars: &["ANTHROPIC_API_KEY"],
        base_url: "https://api.anthropic.com/v1",
        header: KeyHeader::XApiKey,
    },
    KnownProvider {
        id: "openai",
        key_vars: &["OPENAI_API_KEY"],
        base_url: "https://api.openai.com/v1",
        header: KeyHeader::Bearer,
    },
    KnownProvider {
        id: "google",
        key_vars: &["GOOGLE_GENERATIVE_AI_API_KEY", "GEMINI_API_KEY"],
        base_url: "https://generativelanguage.googleapis.com/v1beta",
        header: KeyHeader::XGoogApiKey,
    },
    KnownProvider {
        id: "groq",
        key_vars: &["GROQ_API_KEY"],
        base_url: "https://api.groq.com/openai/v1",
        header: KeyHeader::Bearer,
    },
    KnownProvider {
        id: "deepseek",
        key_vars: &["DEEPSEEK_API_KEY"],
        // opencode's catalog gives DeepSeek to the OpenAI-compatible SDK
        // with this base (no `/v1`: DeepSeek serves both).
        base_url: "https://api.deepseek.com",
        header: KeyHeader::Bearer,
    },
    KnownProvider {
        id: "xai",
        key_vars: &["XAI_API_KEY"],
        base_url: "https://api.x.ai/v1",
        header: KeyHeader::Bearer,
    },
    KnownProvider {
        id: "mistral",
        key_vars: &["MISTRAL_API_KEY"],
        base_url: "https://api.mistral.ai/v1",
        header: KeyHeader::Bearer,
    },
];

/// One provider behind the gateway: its real API and its real key.
#[derive(Clone)]
pub struct ProviderRoute {
    pub id: String,
    pub base_url: Url,
    pub header: KeyHeader,
    key: String,
}

impl std::fmt::Debug for ProviderRoute {
    // Never the key: routes end up in logs and panics.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderRoute")
            .field("id", &self.id)
            .field("base_url", &self.base_url.as_str())
            .field("header", &self.header)
            .finish_non_exhaustive()
    }
}

impl ProviderRoute {
    /// A route to `base_url` with `key`; `None` if the URL does not parse
    /// or the id is not one path segment.
    pub fn new(id: &str, base_url: &str, header: KeyHeader, key: String) -> Option<Self> {
        let id_ok = !id.is_empty()
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        let base_url = Url::parse(base_url.trim_end_matches('/')).ok()?;
        (id_ok && base_url.has_host()).then(|| Self {
            id: id.to_owned(),
            base_url,
            header,
            key,
        })
    }

    /// The real key, for the one place that sends it: the upstream request.
    pub(super) fn key(&self) -> &str {
        &self.key
    }

    /// A route for every known provider whose key `env` holds (blank keys
    /// count as none).
    pub fn from_env(env: impl Fn(&str) -> Option<String>) -> Vec<Self> {
        KNOWN
            .iter()
            .filter_map(|known| {
                let key = known
                    .key_vars
                    .iter()
                    .filter_map(|var| env(var))
                    .map(|key| key.trim().to_owned())
                    .find(|key| !key.is_empty())?;
                Self::new(known.id, known.base_url, known.header, key)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::config::PROVIDER_KEY_VARS;

    #[test]
    fn every_recognised_key_variable_has_a_provider_and_back() {
        let vars: Vec<&str> = KNOWN
            .iter()
            .flat_map(|k| k.key_vars.iter().copied())
            .collect();
        let mut sorted = vars.clone();
        sorted.sort_unstable();
        let mut recognised = PROVIDER_KEY_VARS.to_vec();
        recognised.sort_unstable();
        assert_eq!(sorted, recognised);
        for known in KNOWN {
            assert!(
                ProviderRoute::new(known.id, known.base_url, known.header, "k".into()).is_some(),
                "{}",
                known.id
            );
        }
    }

    #[test]
    fn routes_come_from_set_keys_only() {
        let routes = ProviderRoute::from_env(|var| match var {
            "ANTHROPIC_API_KEY" => Some("sk-ant".into()),
            "OPENAI_API_KEY" => Some("  ".into()),
            "GEMINI_API_KEY" => Some("g-key".into()),
            _ => None,
        });
        let ids: Vec<&str> = routes.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["anthropic", "google"]);
        assert_eq!(routes[0].key(), "sk-ant");
        assert_eq!(routes[0].header, KeyHeader::XApiKey);
        assert_eq!(routes[1].key(), "g-key");
        assert!(!format!("{routes:?}").contains("sk-ant"));
    }

    #[test]
    fn ids_are_one_segment_and_urls_must_parse() {
        assert!(
            ProviderRoute::new("a/b", "https://x.test", KeyHeader::Bearer, "k".into()).is_none()
        );
        assert!(ProviderRoute::new("", "https://x.test", KeyHeader::Bearer, "k".into()).is_none());
        assert!(ProviderRoute::new("x", "not a url", KeyHeader::Bearer, "k".into()).is_none());
        let route =
            ProviderRoute::new("x", "http://127.0.0.1:9/v1/", KeyHeader::Bearer, "k".into())
                .expect("valid");
        assert_eq!(route.base_url.as_str(), "http://127.0.0.1:9/v1");
    }
}
