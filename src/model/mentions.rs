//! What the composer can mention: opencode's slash commands (`/name args`,
//! run by opencode as a command) and the worktree's files (`@path`, sent as
//! a file part with the prompt). Shared by the server (which checks and
//! sends them) and the browser (which offers them as you type).

use serde::{Deserialize, Serialize};

/// The longest search the pickers send, in bytes.
pub const MAX_QUERY_BYTES: usize = 200;
/// The most files one prompt may mention.
pub const MAX_FILES: usize = 20;
/// The longest file path accepted, in bytes.
pub const MAX_PATH_BYTES: usize = 1024;
/// How many files a search lists at most.
pub const FILE_RESULTS: u32 = 20;

/// One of opencode's commands for a chat's directory: its own, the
/// project's (`.opencode/command/*.md`), an MCP server's or a skill.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlashCommand {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// `command`, `mcp` or `skill`, as opencode says.
    #[serde(default)]
    pub source: Option<String>,
}

/// `/name rest` at the very start of a prompt: the command's name and its
/// arguments (trimmed). `None` when the text is no command call.
pub fn command_call(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix('/')?;
    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let name = &rest[..end];
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'));
    valid.then(|| (name, rest[end..].trim()))
}

/// What is being typed at the caret, if it asks for a picker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mention {
    /// `/query` at the start of the prompt (the command's name so far).
    Command { query: String },
    /// `@query` where `@` starts a word; `start` is the `@`'s byte offset.
    File { start: usize, query: String },
}

/// The mention the caret (a byte offset into `text`) is in: a `/` at the
/// very start with no space yet, or an `@` after a space or line start with
/// no space since.
pub fn mention_at(text: &str, caret: usize) -> Option<Mention> {
    let before = text.get(..caret)?;
    if let Some(query) = before.strip_prefix('/')
        && !query.contains(char::is_whitespace)
    {
        return Some(Mention::Command {
            query: query.to_owned(),
        });
    }
    let word_start = before.rfind(char::is_whitespace).map_or(0, |i| {
        i + before[i..].chars().next().map_or(1, char::len_utf8)
    });
    let word = &before[word_start..];
    let query = word.strip_prefix('@')?;
    (!query.contains('@')).then(|| Mention::File {
        start: word_start,
        query: query.to_owned(),
    })
}

/// `text` with the mention the caret is in replaced by `with` (and a
/// space); returns the new text and the caret after the insertion.
pub fn replace_mention(text: &str, caret: usize, mention: &Mention, with: &str) -> (String, usize) {
    let start = match mention {
        Mention::Command { .. } => 0,
        Mention::File { start, .. } => *start,
    };
    let caret = caret.min(text.len());
    let tail = text.get(caret..).unwrap_or_default();
    let head = text.get(..start).unwrap_or_default();
    let inserted = format!("{with} ");
    let new_caret = head.len() + inserted.len();
    (format!("{head}{inserted}{}", tail.trim_start()), new_caret)
}

/// The commands whose name contains `query` (case-insensitive), those
/// starting with it first.
pub fn filter_commands<'a>(commands: &'a [SlashCommand], query: &str) -> Vec<&'a SlashCommand> {
    let query = query.to_lowercase();
    let mut found: Vec<&SlashCommand> = commands
        .iter()
        .filter(|c| c.name.to_lowercase().contains(&query))
        .collect();
    found.sort_by_key(|c| !c.name.to_lowercase().starts_with(&query));
    found
}

/// The files of `files` (mentioned with the picker) still named as `@path`
/// in the prompt's text, without repeats: what goes with the prompt. A
/// mention ends the text, or is followed by a space or by punctuation that
/// ends a word (`@a.rs, and`, `(@a.rs)`, `@a.rs.`), not by more of a
/// longer path (`@a.rs.bak`).
pub fn mentioned_files(text: &str, files: &[String]) -> Vec<String> {
    let mut kept: Vec<String> = Vec::new();
    for path in files {
        let named = text
            .match_indices(&format!("@{path}"))
            .any(|(i, m)| ends_word(&text[i + m.len()..]));
        if named && !kept.contains(path) {
            kept.push(path.clone());
        }
    }
    kept
}

/// Whether `rest` (what follows a mention) leaves the mention whole:
/// nothing, a space, or word-ending punctuation and then nothing or a space.
fn ends_word(rest: &str) -> bool {
    let trimmed = rest.trim_start_matches([',', ';', ':', '!', '?', '.', ')', ']', '"', '\'']);
    trimmed.chars().next().is_none_or(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_call_is_a_slash_and_a_name_at_the_start() {
        assert_eq!(command_call("/greet the team"), Some(("greet", "the team")));
        assert_eq!(command_call("/init"), Some(("init", "")));
        assert_eq!(command_call("/review\n  main "), Some(("review", "main")));
        assert_eq!(command_call("say /greet"), None);
        assert_eq!(command_call("/ greet"), None);
        assert_eq!(command_call("/usr/bin is a path"), None);
    }

    #[test]
    fn the_caret_decides_the_picker() {
        let command = |q: &str| Some(Mention::Command { query: q.into() });
        assert_eq!(mention_at("/gr", 3), command("gr"));
        assert_eq!(mention_at("/", 1), command(""));
        assert_eq!(mention_at("/greet x", 8), None);
        let file = |start, q: &str| {
            Some(Mention::File {
                start,
                query: q.into(),
            })
        };
        assert_eq!(mention_at("look at @src/li", 15), file(8, "src/li"));
        assert_eq!(mention_at("@", 1), file(0, ""));
        assert_eq!(mention_at("é @x", 5), file(3, "x"));
        assert_eq!(mention_at("mail a@b.c", 10), None);
        assert_eq!(mention_at("look at @src and more", 21), None);
        // A caret inside a character is no caret.
        assert_eq!(mention_at("é", 1), None);
    }

    #[test]
    fn choosing_replaces_the_mention_and_puts_the_caret_after_it() {
        let mention = mention_at("see @wid please", 8).expect("a file mention");
        let (text, caret) = replace_mention("see @wid please", 8, &mention, "@src/widget.rs");
        assert_eq!(text, "see @src/widget.rs please");
        assert_eq!(&text[..caret], "see @src/widget.rs ");
        let mention = mention_at("/gr", 3).expect("a command");
        assert_eq!(replace_mention("/gr", 3, &mention, "/greet").0, "/greet ");
    }

    #[test]
    fn commands_are_filtered_by_name_prefix_first() {
        let command = |name: &str| SlashCommand {
            name: name.into(),
            description: None,
            source: None,
        };
        let all = [
            command("review"),
            command("greet"),
            command("init-greeting"),
        ];
        let names = |q| -> Vec<&str> {
            filter_commands(&all, q)
                .iter()
                .map(|c| c.name.as_str())
                .collect()
        };
        assert_eq!(names("GRE"), ["greet", "init-greeting"]);
        assert_eq!(names(""), ["review", "greet", "init-greeting"]);
        assert!(names("zzz").is_empty());
    }

    #[test]
    fn only_files_still_named_in_the_text_go_with_it() {
        let files = [
            "src/a.rs".to_owned(),
            "b.md".to_owned(),
            "src/a.rs".to_owned(),
        ];
        assert_eq!(
            mentioned_files("read @src/a.rs and @b.md.bak", &files),
            ["src/a.rs"]
        );
        assert_eq!(mentioned_files("@b.md", &files), ["b.md"]);
        assert_eq!(
            mentioned_files("see @b.md, (@src/a.rs). Done", &files),
            ["src/a.rs", "b.md"]
        );
        assert!(mentioned_files("@b.md.bak? @src/a.rs.orig", &files).is_empty());
        assert!(mentioned_files("nothing", &files).is_empty());
    }
}
