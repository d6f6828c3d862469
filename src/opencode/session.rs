//! A session (one conversation with the agent) as opencode lists it.

use serde::{Deserialize, Serialize};

/// An opencode session. Only the fields the UI uses; the rest is ignored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// `ses_…`
    pub id: String,
    #[serde(default)]
    pub title: String,
    /// The directory the session is bound to: its tools run there.
    #[serde(default)]
    pub directory: String,
    #[serde(default)]
    pub time: SessionTime,
    /// Set while the session is shared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<SessionShare>,
    /// Set while the session is undone from a message on (opencode's
    /// revert): the message and everything after it are set aside until
    /// redone, or dropped by the next prompt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revert: Option<SessionRevert>,
}

/// Where a session is undone from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRevert {
    #[serde(rename = "messageID")]
    pub message_id: String,
}

/// A shared session's public link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionShare {
    pub url: String,
}

/// Milliseconds since the Unix epoch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionTime {
    #[serde(default)]
    pub created: u64,
    #[serde(default)]
    pub updated: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_an_observed_session_and_ignores_extra_fields() {
        let json = r#"{"id":"ses_dfe506d49ffeYAi2UtxHA7fOpU","slug":"crisp-engine",
            "projectID":"global","directory":"/tmp/ws","path":"tmp/ws","cost":0,
            "tokens":{"input":0,"output":0,"reasoning":0,"cache":{"read":0,"write":0}},
            "title":"New session","version":"1.18.33",
            "time":{"created":1795324613302,"updated":1795324613309}}"#;
        let session: Session = serde_json::from_str(json).expect("session");
        assert_eq!(session.id, "ses_dfe506d49ffeYAi2UtxHA7fOpU");
        assert_eq!(session.directory, "/tmp/ws");
        assert_eq!(session.time.updated, 1_795_324_613_309);
    }
}
