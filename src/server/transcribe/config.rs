//! The flags that set up voice transcription: which OpenAI-compatible
//! speech-to-text service the composer's recordings go to, with which key
//! and model, and how large a recording may be.

use std::fmt;

use clap::Args;

/// The default `--transcribe-max-mb`: OpenAI's own limit for one file.
pub const DEFAULT_MAX_MB: u64 = 25;

/// Voice transcription's settings (all off without `--transcribe-url`).
#[derive(Clone, Debug, Args)]
pub struct TranscribeConfig {
    /// An OpenAI-compatible speech-to-text service (e.g.
    /// `https://api.openai.com`): the composer's mic sends its recordings to
    /// `<url>/v1/audio/transcriptions` when the browser cannot transcribe
    /// by itself. Without it, the mic uses the browser's own speech
    /// recognition only.
    #[arg(long, env = "POCKETCODE_TRANSCRIBE_URL", value_parser = parse_url)]
    pub transcribe_url: Option<String>,

    /// The key sent to that service (`Authorization: Bearer`). Prefer the
    /// environment variable: a flag shows in the process list.
    #[arg(long, env = "POCKETCODE_TRANSCRIBE_KEY", hide_env_values = true,
        value_parser = parse_key)]
    pub transcribe_key: Option<TranscribeKey>,

    /// The speech-to-text model the service is asked for.
    #[arg(long, env = "POCKETCODE_TRANSCRIBE_MODEL", default_value = "whisper-1")]
    pub transcribe_model: String,

    /// The largest recording pocketcode forwards, in MB; past it the
    /// recording is refused with a 413.
    #[arg(long, env = "POCKETCODE_TRANSCRIBE_MAX_MB", default_value_t = DEFAULT_MAX_MB,
        value_parser = clap::value_parser!(u64).range(1..))]
    pub transcribe_max_mb: u64,
}

/// The transcription service's key. Its `Debug` hides the value, so it
/// cannot leak into logs; it is sent to the service and nowhere else.
#[derive(Clone)]
pub struct TranscribeKey(String);

impl TranscribeKey {
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `None` for a blank key (an empty variable counts as unset).
    pub fn non_empty(self) -> Option<Self> {
        (!self.0.is_empty()).then_some(self)
    }
}

impl fmt::Debug for TranscribeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TranscribeKey(***)")
    }
}

/// An `http(s)://` base URL (a trailing `/` is dropped).
fn parse_url(text: &str) -> Result<String, String> {
    let trimmed = text.trim().trim_end_matches('/');
    let url = reqwest::Url::parse(trimmed).map_err(|e| format!("`{text}` is not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!(
            "`{text}` is not an http(s) URL (e.g. https://api.openai.com)"
        ));
    }
    Ok(trimmed.to_owned())
}

/// Surrounding blanks are dropped (a key pasted with its newline).
fn parse_key(text: &str) -> Result<TranscribeKey, String> {
    Ok(TranscribeKey(text.trim().to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_must_be_http_and_lose_their_trailing_slash() {
        assert_eq!(
            parse_url("https://api.openai.com/").as_deref(),
            Ok("https://api.openai.com")
        );
        assert_eq!(
            parse_url("http://127.0.0.1:4010").as_deref(),
            Ok("http://127.0.0.1:4010")
        );
        for bad in ["ftp://host", "api.openai.com", "", "file:///tmp/x"] {
            assert!(parse_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_key_never_shows_in_debug() {
        let key = parse_key(" sk-secret ").expect("a key");
        assert_eq!(key.expose(), "sk-secret");
        assert!(!format!("{key:?}").contains("sk-secret"));
        let blank = parse_key("  ").expect("parses");
        assert!(blank.non_empty().is_none());
    }
}
