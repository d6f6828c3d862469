//! What a prompt can be sent with: the models of opencode's configured
//! providers (`GET /config/providers`) and its primary agents, the modes
//! (`GET /agent`).

use serde::{Deserialize, Serialize};

/// The pickers' contents for one chat's directory.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Choices {
    pub models: Vec<ModelChoice>,
    /// `provider/model` opencode uses when none is given.
    pub default_model: Option<String>,
    pub agents: Vec<AgentChoice>,
    /// The agent opencode uses when none is given (`build`).
    pub default_agent: Option<String>,
}

/// One model of one provider.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelChoice {
    /// `provider/model`, the picker's value.
    pub id: String,
    pub name: String,
    pub provider: String,
    /// Whether it takes image attachments.
    pub images: bool,
    /// Its context window in tokens (`limit.context`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_window: Option<u64>,
}

/// A primary agent: a mode the user can send a prompt in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentChoice {
    pub name: String,
    pub description: Option<String>,
}

impl Choices {
    pub fn model(&self, id: &str) -> Option<&ModelChoice> {
        self.models.iter().find(|m| m.id == id)
    }

    pub fn agent(&self, name: &str) -> Option<&AgentChoice> {
        self.agents.iter().find(|a| a.name == name)
    }
}

/// `provider/model` split at its first slash (model ids may hold slashes).
pub fn split_model_id(id: &str) -> Option<(&str, &str)> {
    id.split_once('/')
        .filter(|(provider, model)| !provider.is_empty() && !model.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_ids_split_at_the_first_slash() {
        assert_eq!(
            split_model_id("openrouter/anthropic/claude"),
            Some(("openrouter", "anthropic/claude"))
        );
        assert_eq!(split_model_id("nomodel"), None);
        assert_eq!(split_model_id("/x"), None);
        assert_eq!(split_model_id("x/"), None);
    }
}
