//! A question asked aside: in a throwaway child session of a chat's own
//! (so it is no root session, never taken for the chat), with the chat's
//! model and no tools, answered synchronously, then deleted. The chat's
//! transcript never shows it.

use std::path::Path;
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use super::{OpencodeClient, OpencodeClientError, json, send};
use crate::opencode::Session;

/// How long the model may take to answer.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(120);

/// Every tool off: the answer is text only, nothing runs.
fn no_tools() -> Value {
    let mut tools = serde_json::Map::new();
    for name in [
        "*",
        "bash",
        "edit",
        "write",
        "patch",
        "read",
        "glob",
        "grep",
        "list",
        "task",
        "webfetch",
        "todowrite",
        "todoread",
        "question",
    ] {
        tools.insert(name.to_owned(), Value::Bool(false));
    }
    Value::Object(tools)
}

impl OpencodeClient {
    /// Asks `text` aside of session `parent` in `dir` with `model`
    /// (`(provider, model)`, opencode's default when `None`); answers the
    /// reply's text.
    pub async fn ask_aside(
        &self,
        dir: &Path,
        parent: &str,
        title: &str,
        text: &str,
        model: Option<(&str, &str)>,
    ) -> Result<String, OpencodeClientError> {
        let request = self
            .request(Method::POST, dir, "/session")
            .json(&json!({ "parentID": parent, "title": title }));
        let session: Session = json(send(request).await?).await?;
        let answer = self.answer(dir, &session.id, text, model).await;
        if let Err(err) = self.delete_session(dir, &session.id).await {
            tracing::warn!(session = session.id, %err, "cannot delete an aside session");
        }
        answer
    }

    async fn answer(
        &self,
        dir: &Path,
        id: &str,
        text: &str,
        model: Option<(&str, &str)>,
    ) -> Result<String, OpencodeClientError> {
        let mut body = json!({
            "parts": [{ "type": "text", "text": text }],
            "tools": no_tools(),
        });
        if let Some((provider, model)) = model {
            body["model"] = json!({ "providerID": provider, "modelID": model });
        }
        let request = self
            .request(Method::POST, dir, &format!("/session/{id}/message"))
            .timeout(ANSWER_TIMEOUT)
            .json(&body);
        let reply: Value = json(send(request).await?).await?;
        if let Some(error) = reply["info"]["error"].as_object() {
            let message = error
                .get("data")
                .and_then(|d| d["message"].as_str())
                .or_else(|| error.get("name").and_then(Value::as_str))
                .unwrap_or("the model failed");
            return Err(OpencodeClientError::Status {
                status: 502,
                message: message.to_owned(),
            });
        }
        Ok(reply_text(&reply))
    }
}

/// The text parts of a reply, in order.
fn reply_text(reply: &Value) -> String {
    reply["parts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|part| part["type"] == "text" && part["synthetic"] != true)
        .filter_map(|part| part["text"].as_str())
        .collect::<Vec<_>>()
        .join("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_replys_own_text_counts() {
        let reply = json!({"parts": [
            {"type": "step-start"},
            {"type": "reasoning", "text": "thinking"},
            {"type": "text", "text": "Fix the "},
            {"type": "text", "text": "parser"},
            {"type": "text", "text": "(injected)", "synthetic": true},
        ]});
        assert_eq!(reply_text(&reply), "Fix the parser");
        assert_eq!(no_tools()["*"], false);
    }
}
