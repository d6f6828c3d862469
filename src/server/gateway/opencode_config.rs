//! The part of opencode's config that sends each provider through the
//! gateway: its base URL is the gateway's route for it and its API key the
//! gateway's token. opencode's provider options win over its catalog's and
//! over the environment, and its SDKs send the key in the provider's own
//! header, which the gateway then replaces.

use serde_json::{Map, Value, json};

use super::Gateway;

/// `OPENCODE_CONFIG_CONTENT` for the real providers behind `gateway`, or
/// `None` when there are none.
pub fn opencode_config(gateway: &Gateway) -> Option<Value> {
    let providers: Map<String, Value> = gateway
        .providers()
        .map(|id| {
            let options = json!({ "baseURL": gateway.url(id), "apiKey": gateway.token() });
            (id.to_owned(), json!({ "options": options }))
        })
        .collect();
    (!providers.is_empty()).then(|| {
        json!({
            "$schema": "https://opencode.ai/config.json",
            "provider": providers,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::gateway::ProviderRoute;

    #[tokio::test]
    async fn each_provider_gets_the_gateway_url_and_the_token_never_the_key() {
        let routes = ProviderRoute::from_env(|var| {
            matches!(var, "ANTHROPIC_API_KEY" | "OPENROUTER_API_KEY").then(|| "sk-real".to_owned())
        });
        let gateway = Gateway::start(routes).await.expect("gateway");
        let config = opencode_config(&gateway).expect("providers");
        for id in ["openrouter", "anthropic"] {
            let options = &config["provider"][id]["options"];
            assert_eq!(options["baseURL"], gateway.url(id));
            assert_eq!(options["apiKey"], gateway.token());
        }
        assert!(!config.to_string().contains("sk-real"));
        gateway.stop().await;
        let empty = Gateway::start(Vec::new()).await.expect("gateway");
        assert!(opencode_config(&empty).is_none());
        empty.stop().await;
    }
}
