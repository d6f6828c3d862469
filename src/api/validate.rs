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

/// The longest chat title accepted, in characters.
pub const MAX_TITLE_CHARS: usize = 200;

/// An id opencode made, `<prefix>_` then letters and digits.
fn opencode_id<'a>(id: &'a str, prefix: &str, what: &str) -> Result<&'a str, AppError> {
    let valid = id.len() <= 64
        && id
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix('_'))
            .is_some_and(|rest| {
                !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric())
            });
    if valid {
        Ok(id)
    } else {
        Err(AppError::BadRequest(format!(
            "not a {what} id: {:?}",
            truncate(id, 70)
        )))
    }
}

/// A message's id: `msg_…`.
pub fn message_id(id: &str) -> Result<&str, AppError> {
    opencode_id(id, "msg", "message")
}

/// A permission request's id: `per_…`.
pub fn permission_id(id: &str) -> Result<&str, AppError> {
    opencode_id(id, "per", "permission request")
}

/// A question request's id: `que_…`.
pub fn question_id(id: &str) -> Result<&str, AppError> {
    opencode_id(id, "que", "question")
}

/// A chat title: not blank, one line, not huge; trimmed.
pub fn title(text: &str) -> Result<&str, AppError> {
    let text = text.trim();
    if text.is_empty() {
        Err(AppError::BadRequest("the title is empty".into()))
    } else if text.chars().count() > MAX_TITLE_CHARS {
        Err(AppError::BadRequest(format!(
            "the title is too long (at most {MAX_TITLE_CHARS} characters)"
        )))
    } else if text.chars().any(char::is_control) {
        Err(AppError::BadRequest(
            "the title must be one line of text".into(),
        ))
    } else {
        Ok(text)
    }
}

/// Most questions one answer may hold, and choices per question.
pub const MAX_ANSWERS: usize = 20;
/// The longest answer (a typed one) accepted, in bytes.
pub const MAX_ANSWER_BYTES: usize = 10_000;

/// The answers to a question request: not too many, not too long.
pub fn answers(answers: &[Vec<String>]) -> Result<(), AppError> {
    let too_big = answers.len() > MAX_ANSWERS
        || answers
            .iter()
            .any(|a| a.len() > MAX_ANSWERS || a.iter().any(|s| s.len() > MAX_ANSWER_BYTES));
    if too_big {
        Err(AppError::BadRequest(format!(
            "too many or too long answers (at most {MAX_ANSWERS} of {MAX_ANSWER_BYTES} bytes)"
        )))
    } else {
        Ok(())
    }
}

/// The longest remote directory path accepted, in bytes.
const MAX_REMOTE_PATH: usize = 4096;

/// A directory on a remote machine: absolute, one line, no `..`; trimmed,
/// trailing slashes dropped (but `/` stays `/`).
pub fn remote_directory(path: &str) -> Result<&str, AppError> {
    let path = path.trim();
    let bad = |why: &str| Err(AppError::BadRequest(format!("directory {path:?}: {why}")));
    if !path.starts_with('/') {
        return bad("give an absolute path (starting with /)");
    }
    if path.len() > MAX_REMOTE_PATH {
        return bad("the path is too long");
    }
    if path.chars().any(char::is_control) {
        return bad("the path must be one line");
    }
    if path.split('/').any(|part| part == "..") {
        return bad("the path may not contain '..'");
    }
    let trimmed = path.trim_end_matches('/');
    Ok(if trimmed.is_empty() { "/" } else { trimmed })
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
    fn remote_directories_are_absolute_lines_without_dot_dot() {
        assert_eq!(remote_directory(" /home/me/p/ "), Ok("/home/me/p"));
        assert_eq!(remote_directory("/"), Ok("/"));
        for bad in ["home/me", "~/p", "/home/../etc", "/a\nb", ""] {
            assert!(remote_directory(bad).is_err(), "{bad:?}");
        }
    }

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
    fn request_ids_and_titles_are_checked() {
        assert!(permission_id("per_abc123").is_ok());
        assert!(question_id("que_abc123").is_ok());
        for bad in ["", "per_", "que_abc", "per_a/b", "per_../x", "per"] {
            assert!(permission_id(bad).is_err(), "{bad:?}");
        }
        assert!(question_id("per_abc").is_err());
        assert_eq!(title("  Fix the login  ").ok(), Some("Fix the login"));
        assert!(title(" ").is_err());
        assert!(title("a\nb").is_err());
        assert!(title(&"x".repeat(MAX_TITLE_CHARS + 1)).is_err());
    }

    #[test]
    fn rejects_blank_and_oversized_prompts() {
        assert!(prompt_text("hello").is_ok());
        assert!(prompt_text(" \n\t").is_err());
        assert!(prompt_text(&"x".repeat(MAX_PROMPT_BYTES + 1)).is_err());
    }
}
