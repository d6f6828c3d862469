//! `[scenario:echo]`: the scripted model describes the request it got, so a
//! test can check what pocketcode and opencode passed on (the model picked,
//! the agent's mode, the images attached).

use base64::Engine;

use super::completion::{ChatRequest, Content};

/// What opencode's plan agent adds to the user's turn.
const PLAN_REMINDER: &str = "Plan Mode";

/// One line: `Request: model=ID; mode=build|plan; images=N (mime bytes, …).`
pub fn describe(request: &ChatRequest) -> String {
    let turn = request.last_user().map(|i| &request.messages[i]);
    let text = turn.map(|m| m.text()).unwrap_or_default();
    let mode = if text.contains(PLAN_REMINDER) {
        "plan"
    } else {
        "build"
    };
    let images: Vec<String> = match turn.and_then(|m| m.content.as_ref()) {
        Some(Content::Parts(parts)) => parts
            .iter()
            .filter_map(|p| p.image_url.as_ref())
            .map(|image| describe_image(&image.url))
            .collect(),
        _ => Vec::new(),
    };
    let listed = if images.is_empty() {
        String::new()
    } else {
        format!(" ({})", images.join(", "))
    };
    format!(
        "Request: model={}; mode={mode}; images={}{listed}.",
        request.model,
        images.len()
    )
}

/// `image/png 69 bytes` for a data URL; `remote image` for anything else.
fn describe_image(url: &str) -> String {
    let Some((header, data)) = url
        .strip_prefix("data:")
        .and_then(|rest| rest.split_once(','))
    else {
        return "remote image".to_owned();
    };
    let mime = header.trim_end_matches(";base64");
    match base64::engine::general_purpose::STANDARD.decode(data) {
        Ok(bytes) => format!("{mime} {} bytes", bytes.len()),
        Err(_) => format!("{mime} undecodable"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(json: serde_json::Value) -> ChatRequest {
        serde_json::from_value(json).expect("request")
    }

    #[test]
    fn names_the_model_the_mode_and_each_image() {
        let plan = request(serde_json::json!({
            "model": "scripted-model",
            "messages": [
                { "role": "system", "content": "You are opencode" },
                { "role": "user", "content": [
                    { "type": "text", "text": "look [scenario:echo]" },
                    { "type": "image_url", "image_url": { "url": "data:image/png;base64,AAECAw==" } },
                    { "type": "text", "text": "<system-reminder># Plan Mode - System Reminder" }
                ] }
            ]
        }));
        assert_eq!(
            describe(&plan),
            "Request: model=scripted-model; mode=plan; images=1 (image/png 4 bytes)."
        );
        let build = request(serde_json::json!({
            "model": "scripted-model-lite",
            "messages": [{ "role": "user", "content": "[scenario:echo]" }]
        }));
        assert_eq!(
            describe(&build),
            "Request: model=scripted-model-lite; mode=build; images=0."
        );
    }
}
