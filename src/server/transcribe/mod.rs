//! Voice transcription: a recording from the composer's mic, forwarded to
//! the OpenAI-compatible speech-to-text service named by `--transcribe-url`
//! (`POST <url>/v1/audio/transcriptions`, a multipart form with `file` and
//! `model`), and the text it heard. The browser's own speech recognition
//! needs none of this; this is its fallback where the browser has none
//! (Debian's Chromium, Firefox).
//!
//! The service's key is pocketcode's secret like the others: only ever
//! sent to that URL, never logged, never in the agent's environment
//! (children get an allow-list, `sandbox::env`).

mod audio;
mod config;
mod error;
mod route;

use std::time::Duration;

use serde::Deserialize;

pub use audio::Audio;
pub use config::{DEFAULT_MAX_MB, TranscribeConfig, TranscribeKey};
pub use error::TranscribeError;
pub use route::transcribe;

/// How long the service may take to hear a recording (a few minutes of
/// speech takes it seconds; a stalled service must not hold the mic).
const SERVICE_TIMEOUT: Duration = Duration::from_secs(120);
/// How much of a refusal's body is read for its message.
const MAX_REFUSAL_CHARS: usize = 500;

/// The configured service; there is none without `--transcribe-url`.
#[derive(Clone, Debug)]
pub struct Transcriber {
    http: reqwest::Client,
    /// `<url>/v1/audio/transcriptions`.
    endpoint: String,
    key: Option<TranscribeKey>,
    model: String,
    max_mb: u64,
}

impl Transcriber {
    /// The service `config` names, or `None` without `--transcribe-url`.
    pub fn from_config(config: &TranscribeConfig, http: reqwest::Client) -> Option<Self> {
        let url = config.transcribe_url.as_deref()?;
        Some(Self {
            http,
            endpoint: endpoint(url),
            key: config
                .transcribe_key
                .clone()
                .and_then(TranscribeKey::non_empty),
            model: config.transcribe_model.clone(),
            max_mb: config.transcribe_max_mb,
        })
    }

    /// The largest recording forwarded, in MB.
    pub fn max_mb(&self) -> u64 {
        self.max_mb
    }

    /// What the service heard in `audio`.
    pub async fn transcribe(&self, audio: Audio) -> Result<String, TranscribeError> {
        let size = audio.bytes.len();
        let file = reqwest::multipart::Part::stream_with_length(audio.bytes, size as u64)
            .file_name(audio.file_name)
            .mime_str(&audio.content_type)
            .map_err(|_| {
                TranscribeError::NotAudio(format!("{} is not a content type", audio.content_type))
            })?;
        let form = reqwest::multipart::Form::new()
            .text("model", self.model.clone())
            .text("response_format", "json")
            .part("file", file);
        let mut request = self
            .http
            .post(&self.endpoint)
            .timeout(SERVICE_TIMEOUT)
            .multipart(form);
        if let Some(key) = &self.key {
            request = request.bearer_auth(key.expose());
        }
        let unreachable = |e: reqwest::Error| TranscribeError::Unreachable {
            url: self.endpoint.clone(),
            reason: e.without_url().to_string(),
        };
        let response = request.send().await.map_err(unreachable)?;
        let status = response.status();
        if !status.is_success() {
            let body = response.text().await.unwrap_or_default();
            return Err(TranscribeError::Refused {
                status: status.as_u16(),
                message: refusal_message(&body),
            });
        }
        let body = response.text().await.map_err(unreachable)?;
        #[derive(Deserialize)]
        struct Heard {
            text: String,
        }
        let heard: Heard =
            serde_json::from_str(&body).map_err(|_| TranscribeError::NoText(first_chars(&body)))?;
        tracing::debug!(
            bytes = size,
            chars = heard.text.len(),
            "transcribed a recording"
        );
        Ok(heard.text.trim().to_owned())
    }
}

/// `<url>/v1/audio/transcriptions`, also for a URL given with its `/v1`
/// or with the whole path.
fn endpoint(url: &str) -> String {
    let url = url.trim_end_matches('/');
    if url.ends_with("/audio/transcriptions") {
        url.to_owned()
    } else if url.ends_with("/v1") {
        format!("{url}/audio/transcriptions")
    } else {
        format!("{url}/v1/audio/transcriptions")
    }
}

/// OpenAI's `{"error": {"message": …}}`, else the body's start.
fn refusal_message(body: &str) -> String {
    let parsed: Option<serde_json::Value> = serde_json::from_str(body).ok();
    let message = parsed.as_ref().and_then(|v| {
        v["error"]["message"]
            .as_str()
            .or_else(|| v["error"].as_str())
            .or_else(|| v["message"].as_str())
    });
    match message {
        Some(message) => first_chars(message),
        None if body.trim().is_empty() => "no message".into(),
        None => first_chars(body),
    }
}

fn first_chars(text: &str) -> String {
    text.trim().chars().take(MAX_REFUSAL_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_endpoint_is_the_openai_path_under_the_url() {
        for url in [
            "https://api.openai.com",
            "https://api.openai.com/",
            "https://api.openai.com/v1",
            "https://api.openai.com/v1/audio/transcriptions",
        ] {
            assert_eq!(
                endpoint(url),
                "https://api.openai.com/v1/audio/transcriptions",
                "{url}"
            );
        }
        assert_eq!(
            endpoint("http://127.0.0.1:9/groq/openai"),
            "http://127.0.0.1:9/groq/openai/v1/audio/transcriptions"
        );
    }

    #[test]
    fn a_refusal_says_the_services_own_message() {
        assert_eq!(
            refusal_message(r#"{"error":{"message":"Incorrect API key"}}"#),
            "Incorrect API key"
        );
        assert_eq!(refusal_message("Bad gateway"), "Bad gateway");
        assert_eq!(refusal_message(""), "no message");
        assert_eq!(refusal_message(&"x".repeat(2000)).len(), MAX_REFUSAL_CHARS);
    }
}
