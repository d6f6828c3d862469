//! Every scripted-model scenario against a real `opencode serve`: each runs
//! in its own session of one opencode, all at once, and must leave the
//! message parts, events and files a real model's turn would.

mod common;

use std::panic::AssertUnwindSafe;
use std::time::Duration;

use common::TestOpencode;
use common::http::send_json;
use common::sse::json_items;
use futures::{FutureExt, StreamExt};
use reqwest::Method;
use serde_json::{Value, json};
use tokio::sync::watch;

/// How long one step may take on a loaded 2-core machine.
const DEADLINE: Duration = Duration::from_secs(90);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_reaches_a_real_opencode() {
    let oc = TestOpencode::start().await;
    let events = Events::subscribe(&oc).await;
    // Catch a failed assertion so opencode and the model are stopped anyway.
    let outcome = AssertUnwindSafe(async {
        tokio::join!(
            plain(&oc, &events),
            slow_then_abort(&oc, &events),
            write(&oc),
            permission(&oc, &events),
            question(&oc, &events),
            error(&oc, &events),
        );
        // Six turns, plus six titles and the three summaries after tools.
        assert!(
            oc.model.requests() >= 15,
            "{} requests",
            oc.model.requests()
        );
    })
    .catch_unwind()
    .await;
    events.reader.abort();
    oc.stop().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

async fn plain(oc: &TestOpencode, events: &Events) {
    let session = start(oc, "Please repeat purple-elephant-42").await;
    let expected = "You said: \"Please repeat purple-elephant-42\"";
    let messages = settled(oc, &session, "the plain reply", |m| {
        text_of(m).contains(expected)
    })
    .await;
    assert!(last(&messages)["info"]["error"].is_null(), "{messages:#?}");
    let deltas = events
        .matching(|e| e["type"] == "message.part.delta" && e["properties"]["sessionID"] == session);
    assert!(
        deltas.len() >= 2,
        "the reply streams in several steps: {deltas:#?}"
    );
    // The title job carried the same text but got a title, not a reply.
    let title = poll(
        oc,
        "the session title",
        &format!("/session/{session}"),
        |s| s["title"] == "Please repeat purple-elephant-42",
    )
    .await;
    assert_eq!(title["title"], "Please repeat purple-elephant-42");
}

async fn slow_then_abort(oc: &TestOpencode, events: &Events) {
    let session = start(oc, "[scenario:slow chunks=100 ms=300]").await;
    let in_session = |e: &Value| e["properties"]["sessionID"] == session;
    events
        .wait("a first slow chunk", |e| {
            e["type"] == "message.part.delta" && in_session(e)
        })
        .await;
    let aborted: Value = send(oc, Method::POST, &format!("/session/{session}/abort"), None).await;
    assert_eq!(aborted, json!(true));
    let error = events
        .wait("the abort error", |e| {
            e["type"] == "session.error" && in_session(e)
        })
        .await;
    assert_eq!(error["properties"]["error"]["name"], "MessageAbortedError");
    let messages = settled(oc, &session, "the aborted reply", |m| {
        !m["info"]["error"].is_null()
    })
    .await;
    let text = text_of(last(&messages));
    assert!(text.contains("Slow chunk 1 of 100."), "{text}");
    assert!(
        !text.contains("Slow chunk 100 of 100."),
        "the abort came too late: {text}"
    );
}

async fn write(oc: &TestOpencode) {
    let prompt =
        r#"[scenario:write path=notes/hello.txt content="Hello from the script\nsecond line"]"#;
    let session = start(oc, prompt).await;
    let messages = settled(oc, &session, "the write summary", |m| {
        text_of(m).contains("write tool returned")
    })
    .await;
    let tool = tool_part(&messages, "write");
    assert_eq!(tool["state"]["status"], "completed", "{tool:#}");
    let path = oc.workspace.join("notes/hello.txt");
    assert_eq!(
        tool["state"]["input"]["filePath"],
        path.display().to_string()
    );
    let written = std::fs::read_to_string(&path).expect("the write tool wrote the file");
    assert_eq!(written, "Hello from the script\nsecond line");
}

async fn permission(oc: &TestOpencode, events: &Events) {
    let session = start(oc, "Run it [scenario:permission]").await;
    let asked = events
        .wait("permission.asked", |e| {
            e["type"] == "permission.asked" && e["properties"]["sessionID"] == session
        })
        .await;
    assert_eq!(asked["properties"]["permission"], "bash");
    assert_eq!(
        asked["properties"]["patterns"],
        json!(["echo scripted > perm.txt"])
    );
    assert!(
        !oc.workspace.join("perm.txt").exists(),
        "ran before permission"
    );
    let id = asked["properties"]["id"].as_str().expect("permission id");
    let replied: Value = send(
        oc,
        Method::POST,
        &format!("/permission/{id}/reply"),
        Some(json!({"reply": "once"})),
    )
    .await;
    assert_eq!(replied, json!(true));
    let messages = settled(oc, &session, "the bash summary", |m| {
        text_of(m).contains("bash tool returned")
    })
    .await;
    assert_eq!(tool_part(&messages, "bash")["state"]["status"], "completed");
    let written =
        std::fs::read_to_string(oc.workspace.join("perm.txt")).expect("bash wrote perm.txt");
    assert_eq!(written, "scripted\n");
}

async fn question(oc: &TestOpencode, events: &Events) {
    let session = start(
        oc,
        r#"[scenario:question question="Tea or coffee?" options="Tea,Coffee"]"#,
    )
    .await;
    let asked = events
        .wait("question.asked", |e| {
            e["type"] == "question.asked" && e["properties"]["sessionID"] == session
        })
        .await;
    let asked_question = &asked["properties"]["questions"][0];
    assert_eq!(asked_question["question"], "Tea or coffee?");
    assert_eq!(asked_question["options"][1]["label"], "Coffee");
    let id = asked["properties"]["id"].as_str().expect("question id");
    let body = json!({"answers": [["Coffee"]]});
    let replied: Value = send(
        oc,
        Method::POST,
        &format!("/question/{id}/reply"),
        Some(body),
    )
    .await;
    assert_eq!(replied, json!(true));
    let quoted = "\"Tea or coffee?\"=\"Coffee\"";
    let messages = settled(oc, &session, "the answer quoted", |m| {
        text_of(m).contains(quoted)
    })
    .await;
    assert_eq!(
        tool_part(&messages, "question")["state"]["status"],
        "completed"
    );
}

async fn error(oc: &TestOpencode, events: &Events) {
    let session = start(oc, r#"[scenario:error message="scripted failure 42"]"#).await;
    let error = events
        .wait("session.error", |e| {
            e["type"] == "session.error" && e["properties"]["sessionID"] == session
        })
        .await;
    assert_eq!(error["properties"]["error"]["name"], "APIError");
    assert_eq!(error["properties"]["error"]["data"]["statusCode"], 400);
    let messages = settled(oc, &session, "the failed reply", |m| {
        !m["info"]["error"].is_null()
    })
    .await;
    let info = &last(&messages)["info"];
    assert!(
        info["error"]["data"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("scripted failure 42")),
        "{info:#}"
    );
}

/// Creates a session in the workspace and sends `text` as its first prompt.
async fn start(oc: &TestOpencode, text: &str) -> String {
    let session: Value = send(oc, Method::POST, "/session", Some(json!({}))).await;
    let id = session["id"].as_str().expect("session id").to_owned();
    let prompt = json!({"parts": [{"type": "text", "text": text}]});
    let response = oc
        .request(Method::POST, &format!("/session/{id}/prompt_async"))
        .json(&prompt)
        .send()
        .await
        .expect("prompt");
    assert_eq!(response.status(), 204, "prompt_async for {text}");
    id
}

async fn send(oc: &TestOpencode, method: Method, path: &str, body: Option<Value>) -> Value {
    send_json(oc.request(method, path), path, body)
        .await
        .expect("JSON answer")
}

/// Polls `path` until `done` holds; panics with the last answer at the deadline.
async fn poll(oc: &TestOpencode, what: &str, path: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        let value = send(oc, Method::GET, path, None).await;
        if done(&value) {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}: {value:#}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The session's messages once its last message is a finished assistant
/// message for which `done` holds.
async fn settled(
    oc: &TestOpencode,
    session: &str,
    what: &str,
    done: impl Fn(&Value) -> bool,
) -> Vec<Value> {
    let messages = poll(
        oc,
        what,
        &format!("/session/{session}/message"),
        |messages| {
            let Some(message) = messages.as_array().and_then(|m| m.last()) else {
                return false;
            };
            let info = &message["info"];
            let finished = !info["time"]["completed"].is_null() || !info["error"].is_null();
            info["role"] == "assistant" && finished && done(message)
        },
    )
    .await;
    messages.as_array().cloned().unwrap_or_default()
}

fn last(messages: &[Value]) -> &Value {
    messages.last().expect("a message")
}

fn text_of(message: &Value) -> String {
    let parts = message["parts"].as_array().cloned().unwrap_or_default();
    parts
        .iter()
        .filter(|p| p["type"] == "text")
        .filter_map(|p| p["text"].as_str())
        .collect()
}

fn tool_part(messages: &[Value], tool: &str) -> Value {
    let mut parts = messages
        .iter()
        .filter_map(|m| m["parts"].as_array())
        .flatten();
    let found = parts.rfind(|p| p["type"] == "tool" && p["tool"] == tool);
    found
        .cloned()
        .unwrap_or_else(|| panic!("no {tool} tool part in {messages:#?}"))
}

/// Everything opencode's `/event` stream said for the workspace so far.
struct Events {
    seen: watch::Receiver<Vec<Value>>,
    reader: tokio::task::JoinHandle<()>,
}

impl Events {
    /// Subscribes and waits for `server.connected`, so no later event is missed.
    async fn subscribe(oc: &TestOpencode) -> Self {
        let response = oc
            .request(Method::GET, "/event")
            .send()
            .await
            .expect("event stream");
        assert_eq!(response.status(), 200);
        let (tx, seen) = watch::channel(Vec::new());
        let mut events = json_items(response);
        let reader = tokio::spawn(async move {
            while let Some(event) = events.next().await {
                tx.send_modify(|seen| seen.push(event));
            }
        });
        let events = Self { seen, reader };
        events
            .wait("server.connected", |e| e["type"] == "server.connected")
            .await;
        events
    }

    fn matching(&self, pick: impl Fn(&Value) -> bool) -> Vec<Value> {
        self.seen
            .borrow()
            .iter()
            .filter(|e| pick(e))
            .cloned()
            .collect()
    }

    /// The first event for which `pick` holds, waiting for it if need be.
    async fn wait(&self, what: &str, pick: impl Fn(&Value) -> bool) -> Value {
        let mut seen = self.seen.clone();
        let found =
            tokio::time::timeout(DEADLINE, seen.wait_for(|events| events.iter().any(&pick))).await;
        match found {
            Ok(Ok(events)) => events
                .iter()
                .find(|e| pick(e))
                .cloned()
                .expect("just matched"),
            Ok(Err(_)) => panic!("the event stream ended before {what}"),
            Err(_) => panic!("timed out waiting for {what}"),
        }
    }
}
