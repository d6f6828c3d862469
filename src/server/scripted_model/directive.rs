//! The `[scenario:NAME key=value …]` directive a test (or a curious user)
//! puts in a prompt to choose what the scripted model answers.
//!
//! Values are bare words or double-quoted strings; quoted strings know the
//! escapes `\n`, `\t`, `\"` and `\\`, so file contents can span lines.

use std::collections::BTreeMap;
use std::time::Duration;

/// Where a directive starts; the last one in a message wins.
const OPENER: &str = "[scenario:";

/// What the scripted model should do for one user turn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scenario {
    /// A short reply quoting the prompt, streamed word by word.
    Plain { pause: Duration },
    /// A long reply streamed one chunk at a time, for abort and streaming tests.
    Slow { chunks: u32, pause: Duration },
    /// Write `content` to `path` (relative to the session's directory) with
    /// opencode's `write` tool, then summarise.
    Write { path: String, content: String },
    /// Run `command` with the `bash` tool, which opencode's config makes ask
    /// for permission, then summarise.
    Permission { command: String },
    /// Ask the user with the `question` tool, then quote the answer.
    Question {
        question: String,
        options: Vec<String>,
    },
    /// Fail the request with an OpenAI-style error body.
    Error { status: u16, message: String },
    /// Answer exactly `text` (quoted, with `\n` escapes), e.g. markdown.
    Verbatim { text: String },
    /// Set the session's todo list with the `todowrite` tool: the first item
    /// done, the second in progress, the rest pending.
    Todo { items: Vec<String> },
    /// Call the tool `name` (any tool the agent offers, e.g. an MCP
    /// server's) with `arguments` (JSON text), then summarise its output.
    Tool { name: String, arguments: String },
    /// Describe the request itself: the model asked for, the agent's mode
    /// and the images attached, so tests see what reached the model.
    Echo,
}

/// A directive that is present but cannot be followed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DirectiveError {
    #[error("the directive is not closed with `]`")]
    Unclosed,
    #[error(
        "unknown scenario `{0}` (known: plain, slow, write, permission, question, error, echo, todo, tool, verbatim)"
    )]
    UnknownScenario(String),
    #[error("scenario `{scenario}` has no option `{key}`")]
    UnknownKey { scenario: String, key: String },
    #[error("`{key}` must be a number, not `{value}`")]
    NotANumber { key: String, value: String },
    #[error("`{0}` is missing its `=value`")]
    MissingValue(String),
    #[error("a quoted value is not closed with `\"`")]
    UnclosedQuote,
    #[error("status {0} is not an HTTP error status (400-599)")]
    BadStatus(u16),
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario::Plain {
            pause: Duration::from_millis(30),
        }
    }
}

/// The scenario a message asks for: `Ok(None)` when it has no directive.
pub fn parse(text: &str) -> Result<Option<Scenario>, DirectiveError> {
    let Some(start) = text.rfind(OPENER) else {
        return Ok(None);
    };
    let body = &text[start + OPENER.len()..];
    let inner = body.get(..closing_bracket(body)?).unwrap_or_default();
    let (name, rest) = inner
        .trim()
        .split_once(char::is_whitespace)
        .unwrap_or((inner.trim(), ""));
    let mut options = Options {
        scenario: name.to_owned(),
        values: parse_options(rest)?,
    };
    let scenario = match name {
        "plain" => Scenario::Plain {
            pause: options.millis("ms", 30)?,
        },
        "slow" => Scenario::Slow {
            chunks: options.number("chunks", 100)?.max(1),
            pause: options.millis("ms", 300)?,
        },
        "write" => Scenario::Write {
            path: options.text("path", "notes/hello.txt"),
            content: options.text("content", "Hello from the scripted model.\n"),
        },
        "permission" => Scenario::Permission {
            command: options.text("command", "echo scripted > perm.txt"),
        },
        "question" => Scenario::Question {
            question: options.text("question", "Which colour should I use?"),
            options: options.list("options", "Red,Blue"),
        },
        "error" => {
            let status = options.number("status", 400)?;
            let status = u16::try_from(status).unwrap_or(u16::MAX);
            if !(400..=599).contains(&status) {
                return Err(DirectiveError::BadStatus(status));
            }
            Scenario::Error {
                status,
                message: options.text("message", "Scripted upstream error (scenario:error)"),
            }
        }
        "echo" => Scenario::Echo,
        "verbatim" => Scenario::Verbatim {
            text: options.text("text", "Verbatim."),
        },
        "tool" => Scenario::Tool {
            name: options.text("name", "playwright_browser_snapshot"),
            arguments: options.text("args", "{}"),
        },
        "todo" => Scenario::Todo {
            items: options.list("items", "Read the code,Make the change,Run the tests"),
        },
        other => return Err(DirectiveError::UnknownScenario(other.to_owned())),
    };
    options.reject_leftovers()?;
    Ok(Some(scenario))
}

/// The text of a message with its directives cut out, for quoting back.
pub fn strip(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find(OPENER) {
        out.push_str(&rest[..start]);
        let after = &rest[start + OPENER.len()..];
        match closing_bracket(after) {
            Ok(end) => rest = after.get(end + 1..).unwrap_or_default(),
            Err(_) => {
                rest = "";
                break;
            }
        }
    }
    out.push_str(rest);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The byte offset of the `]` that ends a directive, skipping quoted values.
fn closing_bracket(body: &str) -> Result<usize, DirectiveError> {
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ']' if !quoted => return Ok(i),
            _ => {}
        }
    }
    Err(DirectiveError::Unclosed)
}

fn parse_options(rest: &str) -> Result<BTreeMap<String, String>, DirectiveError> {
    let mut values = BTreeMap::new();
    let mut chars = rest.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let key: String =
            std::iter::from_fn(|| chars.next_if(|c| *c != '=' && !c.is_whitespace())).collect();
        if key.is_empty() {
            return Ok(values);
        }
        if chars.next_if_eq(&'=').is_none() {
            return Err(DirectiveError::MissingValue(key));
        }
        let value = if chars.next_if_eq(&'"').is_some() {
            quoted_value(&mut chars)?
        } else {
            std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace())).collect()
        };
        values.insert(key, value);
    }
}

fn quoted_value(chars: &mut impl Iterator<Item = char>) -> Result<String, DirectiveError> {
    let mut value = String::new();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Ok(value),
            '\\' => match chars.next() {
                Some('n') => value.push('\n'),
                Some('t') => value.push('\t'),
                Some(other) => value.push(other),
                None => break,
            },
            c => value.push(c),
        }
    }
    Err(DirectiveError::UnclosedQuote)
}

/// A directive's `key=value` pairs, consumed as the scenario reads them so
/// that misspelt keys are reported instead of silently ignored.
struct Options {
    scenario: String,
    values: BTreeMap<String, String>,
}

impl Options {
    fn text(&mut self, key: &str, default: &str) -> String {
        self.values
            .remove(key)
            .unwrap_or_else(|| default.to_owned())
    }

    /// A comma-separated list, items trimmed, empty ones dropped.
    fn list(&mut self, key: &str, default: &str) -> Vec<String> {
        self.text(key, default)
            .split(',')
            .map(|o| o.trim().to_owned())
            .filter(|o| !o.is_empty())
            .collect()
    }

    fn number(&mut self, key: &str, default: u32) -> Result<u32, DirectiveError> {
        match self.values.remove(key) {
            None => Ok(default),
            Some(value) => value.parse().map_err(|_| DirectiveError::NotANumber {
                key: key.to_owned(),
                value,
            }),
        }
    }

    fn millis(&mut self, key: &str, default: u32) -> Result<Duration, DirectiveError> {
        self.number(key, default)
            .map(|ms| Duration::from_millis(ms.into()))
    }

    fn reject_leftovers(self) -> Result<(), DirectiveError> {
        match self.values.into_keys().next() {
            None => Ok(()),
            Some(key) => Err(DirectiveError::UnknownKey {
                scenario: self.scenario,
                key,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_directive_is_none() {
        assert_eq!(parse("just a question"), Ok(None));
    }

    #[test]
    fn defaults_per_scenario() {
        assert_eq!(parse("hi [scenario:plain]"), Ok(Some(Scenario::default())));
        assert_eq!(
            parse("[scenario:slow]"),
            Ok(Some(Scenario::Slow {
                chunks: 100,
                pause: Duration::from_millis(300)
            }))
        );
        assert_eq!(
            parse("[scenario:error]"),
            Ok(Some(Scenario::Error {
                status: 400,
                message: "Scripted upstream error (scenario:error)".into()
            }))
        );
    }

    #[test]
    fn options_bare_and_quoted() {
        assert_eq!(
            parse("go [scenario:slow chunks=10 ms=200] now"),
            Ok(Some(Scenario::Slow {
                chunks: 10,
                pause: Duration::from_millis(200)
            }))
        );
        assert_eq!(
            parse(r#"[scenario:write path=a/b.txt content="one ]\n\"two\""]"#),
            Ok(Some(Scenario::Write {
                path: "a/b.txt".into(),
                content: "one ]\n\"two\"".into()
            }))
        );
        assert_eq!(
            parse(r#"[scenario:question question="Pick one?" options="A, B ,C"]"#),
            Ok(Some(Scenario::Question {
                question: "Pick one?".into(),
                options: vec!["A".into(), "B".into(), "C".into()]
            }))
        );
    }

    #[test]
    fn the_last_directive_wins() {
        let parsed = parse("[scenario:slow] then [scenario:permission command=ls]");
        assert_eq!(
            parsed,
            Ok(Some(Scenario::Permission {
                command: "ls".into()
            }))
        );
    }

    #[test]
    fn mistakes_are_reported() {
        assert_eq!(parse("[scenario:slow"), Err(DirectiveError::Unclosed));
        assert_eq!(
            parse("[scenario:dance]"),
            Err(DirectiveError::UnknownScenario("dance".into()))
        );
        assert_eq!(
            parse("[scenario:slow chunk=3]"),
            Err(DirectiveError::UnknownKey {
                scenario: "slow".into(),
                key: "chunk".into()
            })
        );
        assert!(matches!(
            parse("[scenario:slow ms=fast]"),
            Err(DirectiveError::NotANumber { .. })
        ));
        assert_eq!(
            parse("[scenario:slow ms]"),
            Err(DirectiveError::MissingValue("ms".into()))
        );
        assert_eq!(
            parse("[scenario:error status=200]"),
            Err(DirectiveError::BadStatus(200))
        );
        assert_eq!(
            parse(r#"[scenario:write content="x]"#),
            Err(DirectiveError::Unclosed)
        );
    }

    #[test]
    fn strip_removes_directives() {
        assert_eq!(
            strip("Say  hi [scenario:slow ms=1] please"),
            "Say hi please"
        );
        assert_eq!(strip(r#"[scenario:write content="a ] b"] done"#), "done");
        assert_eq!(strip("broken [scenario:slow"), "broken");
    }

    #[test]
    fn verbatim_keeps_newlines_and_todo_splits_items() {
        assert_eq!(
            parse(r#"[scenario:verbatim text="a\nb"]"#),
            Ok(Some(Scenario::Verbatim {
                text: "a\nb".into()
            }))
        );
        assert_eq!(
            parse(r#"[scenario:todo items="x, y"]"#),
            Ok(Some(Scenario::Todo {
                items: vec!["x".into(), "y".into()]
            }))
        );
    }
}
