//! The moments worth telling a user who is not looking: a chat finished
//! (went idle after working), failed, or waits on a permission or an
//! answer. The hub derives them from the summaries' status changes.

use serde_json::Value;

use crate::model::live::{ChatActivity, ChatStatus};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlertKind {
    Finished,
    Failed,
    NeedsPermission,
    NeedsAnswer,
}

impl AlertKind {
    /// The alert for a change of a chat's status from `before` (unknown when
    /// the chat was not seen yet) to `after`, if it is one.
    pub fn between(before: Option<ChatStatus>, after: ChatStatus) -> Option<Self> {
        if before == Some(after) {
            return None;
        }
        match after {
            ChatStatus::Idle => before
                .is_some_and(|b| matches!(b, ChatStatus::Busy | ChatStatus::Retrying))
                .then_some(Self::Finished),
            ChatStatus::Error => Some(Self::Failed),
            ChatStatus::WaitingPermission => Some(Self::NeedsPermission),
            ChatStatus::WaitingAnswer => Some(Self::NeedsAnswer),
            _ => None,
        }
    }

    /// The notification's first words.
    pub fn headline(self) -> &'static str {
        match self {
            Self::Finished => "Finished",
            Self::Failed => "Failed",
            Self::NeedsPermission => "Needs your permission",
            Self::NeedsAnswer => "Asks you a question",
        }
    }
}

/// One alert: what happened, to which chat, and a short detail from the
/// event (the error's message, the command asked for, the question).
#[derive(Clone, Debug)]
pub struct Alert {
    pub kind: AlertKind,
    pub chat: ChatActivity,
    pub detail: Option<String>,
}

/// A line from the event that says more, when it has one.
pub fn alert_detail(props: &Value) -> Option<String> {
    let candidates = [
        &props["error"]["data"]["message"],
        &props["error"]["message"],
        &props["metadata"]["command"],
        &props["patterns"][0],
        &props["title"],
        &props["questions"][0]["question"],
    ];
    candidates
        .into_iter()
        .find_map(|v| v.as_str())
        .map(|s| s.chars().take(140).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_changes_that_need_the_user_are_alerts() {
        use ChatStatus::*;
        assert_eq!(
            AlertKind::between(Some(Busy), Idle),
            Some(AlertKind::Finished)
        );
        assert_eq!(
            AlertKind::between(Some(Retrying), Idle),
            Some(AlertKind::Finished)
        );
        assert_eq!(
            AlertKind::between(None, Idle),
            None,
            "a chat first seen idle"
        );
        assert_eq!(AlertKind::between(Some(Idle), Idle), None);
        assert_eq!(AlertKind::between(Some(Idle), Busy), None);
        assert_eq!(
            AlertKind::between(Some(Busy), Error),
            Some(AlertKind::Failed)
        );
        assert_eq!(AlertKind::between(Some(Error), Error), None);
        assert_eq!(
            AlertKind::between(Some(Busy), WaitingPermission),
            Some(AlertKind::NeedsPermission)
        );
        assert_eq!(
            AlertKind::between(Some(Busy), WaitingAnswer),
            Some(AlertKind::NeedsAnswer)
        );
        // Answered: back to work, then done: one more alert, at the end.
        assert_eq!(AlertKind::between(Some(WaitingAnswer), Busy), None);
    }

    #[test]
    fn the_detail_comes_from_the_event() {
        let error =
            json!({ "error": { "name": "APIError", "data": { "message": "rate limited" } } });
        assert_eq!(alert_detail(&error).as_deref(), Some("rate limited"));
        let question = json!({ "questions": [{ "question": "Tea or coffee?" }] });
        assert_eq!(alert_detail(&question).as_deref(), Some("Tea or coffee?"));
        assert_eq!(alert_detail(&json!({})), None);
    }
}
