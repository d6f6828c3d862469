//! Input checks shared by the server functions and the browser.

use super::AppError;

/// The longest prompt accepted, in bytes.
pub const MAX_PROMPT_BYTES: usize = 100_000;

/// A session id as opencode makes them: `ses_` then letters and digits.
pub fn session_id(id: &str) -> Result<&str, AppError> {
    let valid = id.len() <= 64
        && id.strip_prefix("ses_").is_some_and(|rest| {
            !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric())
        });
    if valid {
        Ok(id)
    } else {
        Err(AppError::BadRequest(format!(
            "not a session id: {:?}",
            truncate(id, 70)
        )))
    }
}

/// A prompt: not blank, not huge.
pub fn prompt_text(text: &str) -> Result<&str, AppError> {
    if text.trim().is_empty() {
        Err(AppError::BadRequest("the prompt is empty".into()))
    } else if text.len() > MAX_PROMPT_BYTES {
        Err(AppError::BadRequest(format!(
            "the prompt is too long ({} bytes; at most {MAX_PROMPT_BYTES})",
            text.len()
        )))
    } else {
        Ok(text)
    }
}

fn truncate(s: &str, max_chars: usize) -> &str {
    s.char_indices()
        .nth(max_chars)
        .map_or(s, |(end, _)| &s[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_opencode_session_ids_only() {
        assert!(session_id("ses_dfe506d49ffeYAi2UtxHA7fOpU").is_ok());
        for bad in [
            "",
            "ses_",
            "msg_123",
            "ses_../x",
            "ses_a/b",
            "ses_a b",
            &format!("ses_{}", "a".repeat(61)),
        ] {
            assert!(session_id(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn rejects_blank_and_oversized_prompts() {
        assert!(prompt_text("hello").is_ok());
        assert!(prompt_text(" \n\t").is_err());
        assert!(prompt_text(&"x".repeat(MAX_PROMPT_BYTES + 1)).is_err());
    }
}
