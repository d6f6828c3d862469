//! The models and modes a prompt can be sent with, as opencode is
//! configured for a directory (a project may bring its own `opencode.json`).

use std::collections::BTreeMap;
use std::path::Path;

use reqwest::Method;
use serde::Deserialize;

use super::{OpencodeClient, OpencodeClientError, json, send};
use crate::opencode::{AgentChoice, Choices, ModelChoice};

#[derive(Deserialize)]
struct Providers {
    #[serde(default)]
    providers: Vec<Provider>,
    /// Each provider's preferred model.
    #[serde(default)]
    default: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct Provider {
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    models: BTreeMap<String, Model>,
}

#[derive(Deserialize)]
struct Model {
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    capabilities: Capabilities,
    #[serde(default)]
    limit: Limit,
}

/// A model's limits; 0 (or absent) means opencode does not know them.
#[derive(Default, Deserialize)]
struct Limit {
    #[serde(default)]
    context: f64,
}

#[derive(Default, Deserialize)]
struct Capabilities {
    #[serde(default)]
    input: Inputs,
}

#[derive(Default, Deserialize)]
struct Inputs {
    #[serde(default)]
    image: bool,
}

#[derive(Deserialize)]
struct Agent {
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    hidden: bool,
}

/// The slice of `GET /config` that says which model is the default.
#[derive(Deserialize)]
struct Config {
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    default_agent: Option<String>,
}

impl OpencodeClient {
    /// Models and primary agents for prompts in `dir`.
    pub async fn choices(&self, dir: &Path) -> Result<Choices, OpencodeClientError> {
        let (providers, agents, config) = tokio::try_join!(
            async {
                json::<Providers>(send(self.request(Method::GET, dir, "/config/providers")).await?)
                    .await
            },
            async {
                json::<Vec<Agent>>(send(self.request(Method::GET, dir, "/agent")).await?).await
            },
            async { json::<Config>(send(self.request(Method::GET, dir, "/config")).await?).await },
        )?;
        Ok(assemble(providers, agents, config))
    }
}

#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "a finite, positive number of tokens; `as` saturates"
)]
fn window(context: f64) -> Option<u64> {
    (context.is_finite() && context >= 1.0).then(|| context.round() as u64)
}

fn assemble(providers: Providers, agents: Vec<Agent>, config: Config) -> Choices {
    let mut models: Vec<ModelChoice> = providers
        .providers
        .iter()
        .flat_map(|provider| {
            provider.models.values().map(|model| ModelChoice {
                id: format!("{}/{}", provider.id, model.id),
                name: if model.name.is_empty() {
                    model.id.clone()
                } else {
                    model.name.clone()
                },
                provider: if provider.name.is_empty() {
                    provider.id.clone()
                } else {
                    provider.name.clone()
                },
                images: model.capabilities.input.image,
                context_window: window(model.limit.context),
            })
        })
        .collect();
    models.sort_by(|a, b| (&a.provider, &a.name).cmp(&(&b.provider, &b.name)));
    let default_model = config
        .model
        .filter(|id| models.iter().any(|m| &m.id == id))
        .or_else(|| {
            let first = providers.providers.first()?;
            let model = providers.default.get(&first.id)?;
            Some(format!("{}/{model}", first.id))
        })
        .or_else(|| models.first().map(|m| m.id.clone()));
    let agents: Vec<AgentChoice> = agents
        .into_iter()
        .filter(|a| !a.hidden && matches!(a.mode.as_str(), "primary" | "all"))
        .map(|a| AgentChoice {
            name: a.name,
            description: a.description.filter(|d| !d.is_empty()),
        })
        .collect();
    let default_agent = config
        .default_agent
        .filter(|name| agents.iter().any(|a| &a.name == name))
        .or_else(|| {
            agents
                .iter()
                .find(|a| a.name == "build")
                .map(|a| a.name.clone())
        })
        .or_else(|| agents.first().map(|a| a.name.clone()));
    Choices {
        models,
        default_model,
        agents,
        default_agent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_models_and_primary_agents_with_the_configured_defaults() {
        let providers: Providers = serde_json::from_str(
            r#"{"providers":[{"id":"scripted","name":"Scripted","models":{
                "b":{"id":"b","name":"Bee","capabilities":{"input":{"text":true,"image":false}},
                    "limit":{"context":0,"output":0}},
                "a":{"id":"a","name":"Ant","capabilities":{"input":{"text":true,"image":true}},
                    "limit":{"context":8000,"output":4096}}}}],
                "default":{"scripted":"b"}}"#,
        )
        .expect("providers");
        let agents: Vec<Agent> = serde_json::from_str(
            r#"[{"name":"build","mode":"primary","description":"Default"},
                {"name":"explore","mode":"subagent"},
                {"name":"title","mode":"primary","hidden":true},
                {"name":"plan","mode":"primary"}]"#,
        )
        .expect("agents");
        let config: Config = serde_json::from_str(r#"{"model":"scripted/a"}"#).expect("config");
        let choices = assemble(providers, agents, config);
        let ids: Vec<_> = choices.models.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["scripted/a", "scripted/b"]);
        assert!(choices.models[0].images && !choices.models[1].images);
        // A window of 0 is opencode's "unknown".
        assert_eq!(choices.models[0].context_window, Some(8000));
        assert_eq!(choices.models[1].context_window, None);
        assert_eq!(choices.default_model.as_deref(), Some("scripted/a"));
        let names: Vec<_> = choices.agents.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["build", "plan"]);
        assert_eq!(choices.default_agent.as_deref(), Some("build"));
    }
}
