//! Messages: a user prompt or an assistant turn, with their parts.

use serde::{Deserialize, Serialize};

use super::Part;

/// Who wrote a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Assistant,
    #[serde(other)]
    Other,
}

/// A message's header (`info` in opencode's answers and events).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MessageInfo {
    /// `msg_…`; opencode's ids sort in creation order.
    pub id: String,
    #[serde(rename = "sessionID")]
    pub session_id: String,
    pub role: Role,
    #[serde(default)]
    pub time: MessageTime,
    /// Why an assistant turn failed (aborted, provider error, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<MessageError>,
    #[serde(rename = "modelID", default, skip_serializing_if = "Option::is_none")]
    pub model_id: Option<String>,
    /// An assistant turn's provider (with `model_id`).
    #[serde(
        rename = "providerID",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub provider_id: Option<String>,
    /// The model a user prompt was sent to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<ModelRef>,
    /// The agent (mode) the message was written in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// An assistant turn's tokens, as its provider reported them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokens: Option<super::Tokens>,
    /// An assistant turn's cost in US dollars (0 for a model without prices).
    #[serde(
        default,
        deserialize_with = "super::tokens::lenient_cost",
        skip_serializing_if = "Option::is_none"
    )]
    pub cost: Option<f64>,
}

/// `{"providerID": …, "modelID": …}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelRef {
    #[serde(rename = "providerID")]
    pub provider_id: String,
    #[serde(rename = "modelID")]
    pub model_id: String,
}

impl MessageInfo {
    /// `provider/model` this message was written with or for.
    pub fn model_choice(&self) -> Option<String> {
        match (&self.model, &self.provider_id, &self.model_id) {
            (Some(m), _, _) => Some(format!("{}/{}", m.provider_id, m.model_id)),
            (None, Some(provider), Some(model)) => Some(format!("{provider}/{model}")),
            _ => None,
        }
    }
}

/// Milliseconds since the Unix epoch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageTime {
    #[serde(default)]
    pub created: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed: Option<u64>,
}

/// opencode's error objects: `{"name": "APIError", "data": {"message": …}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MessageError {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub data: MessageErrorData,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MessageErrorData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl MessageError {
    /// A one-line description for the UI.
    pub fn describe(&self) -> String {
        match &self.data.message {
            Some(message) if !message.is_empty() => format!("{}: {message}", self.name),
            _ => self.name.clone(),
        }
    }
}

/// One entry of `GET /session/:id/message`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MessageWithParts {
    pub info: MessageInfo,
    #[serde(default)]
    pub parts: Vec<Part>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_an_aborted_assistant_message() {
        let json = r#"{"id":"msg_1","sessionID":"ses_1","role":"assistant",
            "time":{"created":5,"completed":9},"modelID":"scripted-model",
            "path":{"cwd":"/w","root":"/"},"cost":0.5,
            "error":{"name":"MessageAbortedError","data":{"message":"Aborted"}}}"#;
        let info: MessageInfo = serde_json::from_str(json).expect("info");
        assert_eq!(info.role, Role::Assistant);
        assert_eq!(info.time.completed, Some(9));
        assert_eq!(info.cost, Some(0.5));
        let error = info.error.expect("error");
        assert_eq!(error.describe(), "MessageAbortedError: Aborted");
    }

    #[test]
    fn an_unknown_role_is_not_an_error() {
        let json = r#"{"id":"msg_1","sessionID":"ses_1","role":"system"}"#;
        let info: MessageInfo = serde_json::from_str(json).expect("info");
        assert_eq!(info.role, Role::Other);
    }
}
