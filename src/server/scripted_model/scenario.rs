//! What the scripted model answers: chosen from the last user message's
//! directive and from where the turn stands (before or after a tool ran).

use std::path::Path;
use std::time::Duration;

use serde_json::json;

use super::completion::ChatRequest;
use super::directive::{self, Scenario};

/// The answer to one chat-completions request.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// Text sent as `chunks`, with `pause` before each chunk after the first.
    Text {
        chunks: Vec<String>,
        pause: Duration,
    },
    /// One call of one of the tools opencode offered.
    ToolCall {
        id: String,
        name: String,
        arguments: serde_json::Value,
    },
}

impl Reply {
    /// The tokens it is reported to take: one per text chunk, one for a
    /// tool call.
    pub fn completion_tokens(&self) -> u64 {
        match self {
            Self::Text { chunks, .. } => u64::try_from(chunks.len()).unwrap_or(u64::MAX),
            Self::ToolCall { .. } => 1,
        }
    }
}

/// An upstream failure the scenario asks for: sent as an HTTP error status
/// with an OpenAI-style body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub status: u16,
    pub message: String,
}

/// Decides the reply; `request_number` makes tool-call ids unique.
pub fn reply(request: &ChatRequest, request_number: u64) -> Result<Reply, Failure> {
    let user_text = request
        .last_user()
        .map(|i| request.messages[i].text())
        .unwrap_or_default();
    // Title and summary jobs carry the user's text, directive included, but
    // must never fail or call tools; opencode offers them no tools.
    if !request.has_tools() {
        return Ok(side_job(request, &user_text));
    }
    if let Some(summary) = summary_after_tool(request) {
        return Ok(summary);
    }
    let scenario = match directive::parse(&user_text) {
        Ok(scenario) => scenario.unwrap_or_default(),
        Err(err) => {
            return Ok(text(
                &format!("The scripted model could not follow the directive: {err}."),
                Duration::ZERO,
            ));
        }
    };
    let call_id = format!("call_scripted_{request_number}");
    Ok(match scenario {
        Scenario::Plain { pause } => text(&plain(&user_text), pause),
        Scenario::Slow { chunks, pause } => Reply::Text {
            chunks: (1..=chunks)
                .map(|i| format!("Slow chunk {i} of {chunks}. "))
                .collect(),
            pause,
        },
        Scenario::Write { path, content } => {
            let path = absolute(request.working_directory().as_deref(), &path);
            tool_call(
                request,
                call_id,
                "write",
                json!({ "filePath": path, "content": content }),
            )
        }
        Scenario::Permission { command } => {
            tool_call(request, call_id, "bash", json!({ "command": command }))
        }
        Scenario::Question { question, options } => tool_call(
            request,
            call_id,
            "question",
            json!({ "questions": questions(&question, &options) }),
        ),
        Scenario::Todo { items } => tool_call(
            request,
            call_id,
            "todowrite",
            json!({ "todos": todos(&items) }),
        ),
        Scenario::Tool { name, arguments } => match serde_json::from_str(&arguments) {
            Ok(arguments) => tool_call(request, call_id, &name, arguments),
            Err(err) => text(
                &format!("The scripted model could not read the tool arguments: {err}."),
                Duration::ZERO,
            ),
        },
        Scenario::Error { status, message } => return Err(Failure { status, message }),
        Scenario::Echo => text(&super::echo::describe(request), Duration::ZERO),
        Scenario::Verbatim { text: answer } => text(&answer, Duration::from_millis(5)),
    })
}

/// The `question` tool's questions: one, with an option per label.
fn questions(question: &str, options: &[String]) -> serde_json::Value {
    let options: Vec<_> = options
        .iter()
        .map(|label| json!({ "label": label, "description": format!("Answer {label}") }))
        .collect();
    json!([{ "question": question, "header": "Scripted question", "options": options }])
}

/// The `todowrite` tool's list: the first item done, the second under
/// way, the rest pending.
fn todos(items: &[String]) -> Vec<serde_json::Value> {
    items
        .iter()
        .enumerate()
        .map(|(i, content)| {
            let status = match i {
                0 => "completed",
                1 => "in_progress",
                _ => "pending",
            };
            json!({ "id": format!("todo-{}", i + 1), "content": content, "status": status, "priority": "medium" })
        })
        .collect()
}

fn side_job(request: &ChatRequest, user_text: &str) -> Reply {
    if let Some(message) = super::commit_job::message(user_text) {
        return text(&message, Duration::ZERO);
    }
    if request.system_text().contains("title generator") {
        let words: Vec<_> = directive::strip(user_text)
            .split_whitespace()
            .take(6)
            .map(str::to_owned)
            .collect();
        let title = if words.is_empty() {
            "Scripted chat".to_owned()
        } else {
            words.join(" ")
        };
        return text(&title, Duration::ZERO);
    }
    text(
        "Summary: the scripted model answered this conversation; nothing else happened.",
        Duration::ZERO,
    )
}

/// After the tool ran (or was refused), the turn ends with a summary that
/// quotes the tool's output, so tests can see what came back.
fn summary_after_tool(request: &ChatRequest) -> Option<Reply> {
    let turn = request.last_user()?;
    let result = request.messages[turn..]
        .iter()
        .rev()
        .find(|m| m.role == "tool")?;
    let output = result.text();
    let tool = result
        .tool_call_id
        .as_deref()
        .and_then(|id| request.tool_name(id))
        .unwrap_or("unknown");
    let summary = match tool {
        "question" => format!("Thanks for answering. The question tool returned: {output}"),
        _ => format!("Done. The {tool} tool returned: {output}"),
    };
    Some(text(&summary, Duration::from_millis(10)))
}

fn tool_call(request: &ChatRequest, id: String, name: &str, arguments: serde_json::Value) -> Reply {
    if !request.offers_tool(name) {
        return text(
            &format!(
                "The scripted model wanted the `{name}` tool, but this agent does not offer it."
            ),
            Duration::ZERO,
        );
    }
    Reply::ToolCall {
        id,
        name: name.to_owned(),
        arguments,
    }
}

fn plain(user_text: &str) -> String {
    let prompt = directive::strip(user_text);
    format!(
        "You said: \"{prompt}\". This is the scripted model: no real language model was asked, \
         so this reply only echoes your message."
    )
}

/// Splits text into word chunks (each keeps its following space) so the
/// reply streams in visibly.
fn text(text: &str, pause: Duration) -> Reply {
    let mut chunks: Vec<String> = text.split_inclusive(' ').map(str::to_owned).collect();
    if chunks.is_empty() {
        chunks.push(String::new());
    }
    Reply::Text { chunks, pause }
}

/// opencode's write tool wants absolute paths; directives use relative ones.
fn absolute(dir: Option<&str>, path: &str) -> String {
    match dir {
        Some(dir) if Path::new(path).is_relative() => {
            Path::new(dir).join(path).display().to_string()
        }
        _ => path.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SYSTEM: &str = "You are opencode.\n<env>\n  Working directory: /tmp/ws\n</env>";
    const TOOLS: &str = r#"[{"type":"function","function":{"name":"write"}},
        {"type":"function","function":{"name":"bash"}},{"type":"function","function":{"name":"question"}}]"#;

    fn request(system: &str, tools: &str, rest: &str) -> ChatRequest {
        let json = format!(
            r#"{{"model":"m","stream":true,"tools":{tools},"messages":[
                {{"role":"system","content":{system:?}}}{rest}]}}"#
        );
        serde_json::from_str(&json).expect("valid request")
    }

    fn user(text: &str) -> String {
        format!(r#",{{"role":"user","content":{text:?}}}"#)
    }

    #[test]
    fn title_requests_get_a_short_title_even_with_a_tool_directive() {
        let system = "You are a title generator. You output ONLY a thread title.";
        let rest =
            user("Generate a title for this conversation:\n") + &user("Write it [scenario:write]");
        let reply = reply(&request(system, "null", &rest), 1);
        assert_eq!(reply, Ok(text("Write it", Duration::ZERO)));
    }

    #[test]
    fn plain_quotes_the_prompt_in_several_chunks() {
        let Ok(Reply::Text { chunks, .. }) =
            reply(&request(SYSTEM, TOOLS, &user("Hello there")), 1)
        else {
            panic!("expected text");
        };
        assert!(chunks.len() > 3);
        assert!(chunks.concat().contains("You said: \"Hello there\""));
    }

    #[test]
    fn write_calls_the_write_tool_with_an_absolute_path() {
        let rest = user(r#"[scenario:write path=notes/a.txt content="hi\n"]"#);
        assert_eq!(
            reply(&request(SYSTEM, TOOLS, &rest), 7),
            Ok(Reply::ToolCall {
                id: "call_scripted_7".into(),
                name: "write".into(),
                arguments: json!({"filePath": "/tmp/ws/notes/a.txt", "content": "hi\n"}),
            })
        );
    }

    #[test]
    fn tool_calls_any_offered_tool_with_json_arguments() {
        let tools = r#"[{"type":"function","function":{"name":"playwright_browser_navigate"}}]"#;
        let rest = user(
            r#"[scenario:tool name=playwright_browser_navigate args={"url":"http://127.0.0.1:9/"}]"#,
        );
        assert_eq!(
            reply(&request(SYSTEM, tools, &rest), 3),
            Ok(Reply::ToolCall {
                id: "call_scripted_3".into(),
                name: "playwright_browser_navigate".into(),
                arguments: json!({"url": "http://127.0.0.1:9/"}),
            })
        );
        let Ok(Reply::Text { chunks, .. }) = reply(&request(SYSTEM, TOOLS, &rest), 4) else {
            panic!("expected text");
        };
        assert!(chunks.concat().contains("does not offer it"), "{chunks:?}");
    }

    #[test]
    fn after_the_tool_result_comes_a_summary_quoting_it() {
        let rest = user("[scenario:question]")
            + r#",{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function",
                "function":{"name":"question","arguments":"{}"}}]},
                {"role":"tool","tool_call_id":"c1","content":"User has answered: \"Blue\""}"#;
        let Ok(Reply::Text { chunks, .. }) = reply(&request(SYSTEM, TOOLS, &rest), 2) else {
            panic!("expected text");
        };
        assert!(
            chunks
                .concat()
                .contains("question tool returned: User has answered: \"Blue\"")
        );
    }

    #[test]
    fn a_new_turn_calls_the_tool_again() {
        let rest = user("[scenario:permission]")
            + r#",{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function",
                "function":{"name":"bash","arguments":"{}"}}]},
                {"role":"tool","tool_call_id":"c1","content":"(no output)"},
                {"role":"assistant","content":"Done."}"#
            + &user("[scenario:permission command=ls]");
        let expected = Reply::ToolCall {
            id: "call_scripted_3".into(),
            name: "bash".into(),
            arguments: json!({"command": "ls"}),
        };
        assert_eq!(reply(&request(SYSTEM, TOOLS, &rest), 3), Ok(expected));
    }

    #[test]
    fn errors_and_bad_directives() {
        let rest = user("[scenario:error status=500 message=boom]");
        assert_eq!(
            reply(&request(SYSTEM, TOOLS, &rest), 1),
            Err(Failure {
                status: 500,
                message: "boom".into()
            })
        );
        let Ok(Reply::Text { chunks, .. }) =
            reply(&request(SYSTEM, TOOLS, &user("[scenario:nope]")), 1)
        else {
            panic!("expected text");
        };
        assert!(chunks.concat().contains("unknown scenario `nope`"));
    }

    #[test]
    fn a_missing_tool_is_explained_not_called() {
        let tools = r#"[{"type":"function","function":{"name":"read"}}]"#;
        let reply = reply(&request(SYSTEM, tools, &user("[scenario:write]")), 1);
        assert!(matches!(reply, Ok(Reply::Text { .. })));
    }
}
