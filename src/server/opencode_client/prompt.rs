//! Sending a prompt: its text, the images attached, and the model and
//! agent (mode) it is for.

use std::path::Path;

use reqwest::Method;
use serde_json::{Value, json};

use super::{OpencodeClient, OpencodeClientError, send};

/// A prompt as opencode's `prompt_async` takes it.
#[derive(Clone, Debug, Default)]
pub struct Prompt<'a> {
    pub text: &'a str,
    /// `(provider, model)`; opencode's default when `None`.
    pub model: Option<(&'a str, &'a str)>,
    /// The agent (`build`, `plan`, …); opencode's default when `None`.
    pub agent: Option<&'a str>,
    pub images: &'a [PromptImage],
    /// Worktree files mentioned with `@`: opencode reads each and gives
    /// the model its content.
    pub files: &'a [PromptFile],
}

/// An attached image, already checked, as a `data:` URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PromptImage {
    pub mime: String,
    pub filename: String,
    pub data_url: String,
}

/// A file of the session's directory, mentioned as `@path`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PromptFile {
    /// Relative to the directory, as the user saw it.
    pub path: String,
    /// Absolute, as opencode's `file://` URL wants it.
    pub absolute: String,
}

impl OpencodeClient {
    /// Queues `prompt` in session `id`; the answer streams in as events.
    pub async fn prompt(
        &self,
        dir: &Path,
        id: &str,
        prompt: &Prompt<'_>,
    ) -> Result<(), OpencodeClientError> {
        let path = format!("/session/{id}/prompt_async");
        send(self.request(Method::POST, dir, &path).json(&body(prompt))).await?;
        Ok(())
    }
}

fn body(prompt: &Prompt<'_>) -> Value {
    let mut parts = vec![json!({ "type": "text", "text": prompt.text })];
    parts.extend(prompt.images.iter().map(|image| {
        json!({
            "type": "file",
            "mime": image.mime,
            "filename": image.filename,
            "url": image.data_url,
        })
    }));
    parts.extend(file_parts(prompt.files));
    let mut body = json!({ "parts": parts });
    if let Some((provider, model)) = prompt.model {
        body["model"] = json!({ "providerID": provider, "modelID": model });
    }
    if let Some(agent) = prompt.agent {
        body["agent"] = json!(agent);
    }
    body
}

/// Mentioned files as opencode's file parts: it reads a `file://` URL
/// itself and hands the model the file's content.
pub(super) fn file_parts(files: &[PromptFile]) -> Vec<Value> {
    files
        .iter()
        .map(|file| {
            json!({
                "type": "file",
                "mime": "text/plain",
                "filename": file.path,
                "url": format!("file://{}", file.absolute),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_prompt_is_one_text_part() {
        let prompt = Prompt {
            text: "hi",
            ..Prompt::default()
        };
        assert_eq!(
            body(&prompt),
            json!({ "parts": [{ "type": "text", "text": "hi" }] })
        );
    }

    #[test]
    fn images_model_and_agent_are_passed_on() {
        let images = [PromptImage {
            mime: "image/png".into(),
            filename: "dot.png".into(),
            data_url: "data:image/png;base64,AA==".into(),
        }];
        let prompt = Prompt {
            text: "look",
            model: Some(("scripted", "scripted-model")),
            agent: Some("plan"),
            images: &images,
            ..Prompt::default()
        };
        let body = body(&prompt);
        assert_eq!(body["parts"][1]["type"], "file");
        assert_eq!(body["parts"][1]["url"], "data:image/png;base64,AA==");
        assert_eq!(body["model"]["providerID"], "scripted");
        assert_eq!(body["model"]["modelID"], "scripted-model");
        assert_eq!(body["agent"], "plan");
    }

    #[test]
    fn files_are_file_parts_with_a_file_url() {
        let files = [PromptFile {
            path: "src/lib.rs".into(),
            absolute: "/w/src/lib.rs".into(),
        }];
        let prompt = Prompt {
            text: "read @src/lib.rs",
            files: &files,
            ..Prompt::default()
        };
        let body = body(&prompt);
        assert_eq!(
            body["parts"][1],
            json!({ "type": "file", "mime": "text/plain", "filename": "src/lib.rs", "url": "file:///w/src/lib.rs" })
        );
    }
}
