//! What the agent asks the user and waits for: permission to run a tool,
//! or an answer to a question.

use serde::{Deserialize, Serialize};

/// A tool call waiting for the user's permission (`GET /permission`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionRequest {
    /// `per_…`
    pub id: String,
    #[serde(rename = "sessionID")]
    pub session_id: String,
    /// The tool or kind of action, e.g. `bash`.
    pub permission: String,
    /// What exactly, e.g. the command line.
    #[serde(default)]
    pub patterns: Vec<String>,
    /// What "always" would allow from now on.
    #[serde(default)]
    pub always: Vec<String>,
}

/// How the user answers a permission request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PermissionReply {
    Once,
    Always,
    Reject,
}

impl PermissionReply {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "once" => Some(Self::Once),
            "always" => Some(Self::Always),
            "reject" => Some(Self::Reject),
            _ => None,
        }
    }
}

/// Questions the agent asked at once (`GET /question`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionRequest {
    /// `que_…`
    pub id: String,
    #[serde(rename = "sessionID")]
    pub session_id: String,
    pub questions: Vec<QuestionInfo>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionInfo {
    pub question: String,
    #[serde(default)]
    pub header: String,
    #[serde(default)]
    pub options: Vec<QuestionOption>,
    /// Several options may be chosen.
    #[serde(default)]
    pub multiple: bool,
    /// A typed answer is allowed.
    #[serde(default)]
    pub custom: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionOption {
    pub label: String,
    #[serde(default)]
    pub description: String,
}

/// Everything a chat waits on the user for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingAsks {
    pub permissions: Vec<PermissionRequest>,
    pub questions: Vec<QuestionRequest>,
}

impl PendingAsks {
    pub fn is_empty(&self) -> bool {
        self.permissions.is_empty() && self.questions.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_opencodes_pending_requests() {
        let permission: PermissionRequest = serde_json::from_str(
            r#"{"id":"per_1","sessionID":"ses_1","permission":"bash","patterns":["echo hi"],
            "metadata":{},"always":["echo *"],"tool":{"messageID":"msg_1","callID":"c1"}}"#,
        )
        .expect("permission");
        assert_eq!(permission.patterns, ["echo hi"]);
        let question: QuestionRequest = serde_json::from_str(
            r#"{"id":"que_1","sessionID":"ses_1","questions":[{"question":"Tea or coffee?",
            "header":"Drink","options":[{"label":"Tea","description":""},{"label":"Coffee","description":"strong"}]}]}"#,
        )
        .expect("question");
        assert_eq!(question.questions[0].options[1].label, "Coffee");
        assert!(!question.questions[0].multiple);
        assert_eq!(
            PermissionReply::parse("always"),
            Some(PermissionReply::Always)
        );
        assert_eq!(PermissionReply::parse("yes"), None);
        assert_eq!(
            serde_json::to_string(&PermissionReply::Once).unwrap(),
            "\"once\""
        );
    }
}
