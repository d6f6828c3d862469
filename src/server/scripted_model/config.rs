//! The opencode configuration that makes the scripted model its only model.

use serde_json::{Value, json};

use super::{LITE_MODEL_ID, MODEL_ID};

/// opencode's provider id for the scripted model.
pub const PROVIDER_ID: &str = "scripted";

/// The scripted models' context window (`limit.context`), which the chat
/// header's gauge measures against. Large enough that a long test chat
/// never makes opencode compact it.
pub const CONTEXT_WINDOW: u64 = 128_000;

/// `OPENCODE_CONFIG_CONTENT` for an opencode that talks to the scripted
/// model at `base_url` (its `/v1`, or the gateway's route to it) with
/// `api_key`, and shares to `share_url`. Only this provider is enabled, so
/// the UI never offers a model that would need a key; `bash` asks first, so
/// permission prompts can be exercised. Two models, one that takes images
/// and one text-only, so the model picker has a choice to make.
pub fn opencode_config(base_url: &str, api_key: &str, share_url: &str) -> Value {
    json!({
        "$schema": "https://opencode.ai/config.json",
        "provider": {
            PROVIDER_ID: {
                "npm": "@ai-sdk/openai-compatible",
                "name": "Scripted",
                "options": { "baseURL": base_url, "apiKey": api_key },
                "models": {
                    MODEL_ID: {
                        "name": "Scripted model (no API key set)",
                        "tool_call": true,
                        "attachment": true,
                        "modalities": { "input": ["text", "image"], "output": ["text"] },
                        "limit": { "context": CONTEXT_WINDOW, "output": 4096 },
                    },
                    LITE_MODEL_ID: {
                        "name": "Scripted lite model (text only)",
                        "tool_call": true,
                        "limit": { "context": CONTEXT_WINDOW, "output": 4096 },
                    }
                }
            }
        },
        "model": format!("{PROVIDER_ID}/{MODEL_ID}"),
        "small_model": format!("{PROVIDER_ID}/{MODEL_ID}"),
        "enabled_providers": [PROVIDER_ID],
        "autoupdate": false,
        "permission": { "bash": "ask" },
        // Sharing goes to the stand-in share service served next to the model.
        "enterprise": { "url": share_url },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registers_the_scripted_provider_as_the_only_model() {
        let config = opencode_config("http://127.0.0.1:2/scripted", "tok", "http://127.0.0.1:1");
        let options = &config["provider"]["scripted"]["options"];
        assert_eq!(options["baseURL"], "http://127.0.0.1:2/scripted");
        assert_eq!(options["apiKey"], "tok");
        assert_eq!(config["model"], "scripted/scripted-model");
        assert_eq!(config["small_model"], "scripted/scripted-model");
        assert_eq!(config["enabled_providers"], json!(["scripted"]));
        assert_eq!(config["enterprise"]["url"], "http://127.0.0.1:1");
        assert_eq!(config["permission"]["bash"], "ask");
        let name = config["provider"]["scripted"]["models"]["scripted-model"]["name"].as_str();
        assert!(name.is_some_and(|n| n.contains("Scripted")));
    }
}
