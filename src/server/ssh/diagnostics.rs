//! "Copy diagnostics": what a connection did, as plain text a user can
//! paste into an issue. Secrets never make it in: key material, tokens and
//! passwords are cut, and the home directory shows as `~`.

/// `text` with secrets cut and the home directory shown as `~`.
pub fn redact(text: &str, home: Option<&str>) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        if line.contains("PRIVATE KEY") || looks_like_key_body(line) {
            out.push_str("[key material removed]\n");
            continue;
        }
        let words: Vec<String> = line.split(' ').map(redact_word).collect();
        let mut line = words.join(" ");
        if let Some(home) = home.filter(|h| h.len() > 1) {
            line = line.replace(home, "~");
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// A long unbroken base64 run: the body of a PEM block.
fn looks_like_key_body(line: &str) -> bool {
    let line = line.trim();
    line.len() >= 60
        && !line.contains(' ')
        && line
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
}

fn redact_word(word: &str) -> String {
    const TOKEN_PREFIXES: &[&str] = &[
        "ghp_",
        "gho_",
        "ghs_",
        "github_pat_",
        "sk-",
        "xoxb-",
        "xoxp-",
    ];
    let bare = word.trim_matches(|c: char| matches!(c, '"' | '\'' | ',' | ';'));
    if TOKEN_PREFIXES.iter().any(|p| bare.starts_with(p)) && bare.len() > 8 {
        return "[token removed]".into();
    }
    let lower = word.to_ascii_lowercase();
    for key in [
        "password=",
        "passwd=",
        "secret=",
        "token=",
        "api_key=",
        "apikey=",
    ] {
        if let Some(at) = lower.find(key) {
            return format!("{}[removed]", &word[..at + key.len()]);
        }
    }
    word.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_and_home_paths_never_appear() {
        let text = "debug1: identity file /home/dev/.ssh/id_ed25519 type 3\n\
                    -----BEGIN OPENSSH PRIVATE KEY-----\n\
                    b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n\
                    env GITHUB_TOKEN=ghp_abcdefghijklmnop OPENCODE_SERVER_PASSWORD=hunter2\n\
                    using sk-live-123456789 now\n";
        let out = redact(text, Some("/home/dev"));
        for secret in [
            "/home/dev",
            "b3BlbnNzaC1rZXkt",
            "ghp_abcdefghijklmnop",
            "hunter2",
            "sk-live-123456789",
        ] {
            assert!(!out.contains(secret), "{secret} in {out}");
        }
        assert!(out.contains("~/.ssh/id_ed25519"));
        assert!(out.contains("OPENCODE_SERVER_PASSWORD=[removed]"));
        assert!(out.contains("[key material removed]"));
    }
}
