//! pocketcode's server functions over plain HTTP: the happy path through a
//! real opencode, and bad input answered with a 4xx and a message while
//! nothing changes.

mod common;

use common::TestServer;
use serde_json::Value;

async fn call(server: &TestServer, name: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let response = server
        .http
        .post(server.url(&format!("/pocket/fn/{name}")))
        .form(form)
        .send()
        .await
        .expect("server function call");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_are_created_listed_and_bad_input_is_refused() {
    let server = TestServer::start(&[]).await;
    server.wait_ready().await;
    let workspace = server.workspace().display().to_string();

    let (status, created) = call(&server, "create_session", &[]).await;
    assert_eq!(status, 200, "{created}");
    let id = created["id"].as_str().expect("session id").to_string();
    assert_eq!(created["directory"], workspace.as_str());
    let (status, listed) = call(&server, "list_sessions", &[]).await;
    assert_eq!(status, 200, "{listed}");
    assert!(listed.to_string().contains(&id), "{listed}");

    // Malformed ids never reach opencode.
    for bad in ["../../etc/passwd", "ses_../x", "", "ses_", "--help"] {
        let (status, body) = call(&server, "get_transcript", &[("session_id", bad)]).await;
        assert_eq!(status, 400, "{bad:?}: {body}");
        assert!(body.to_string().contains("not a session id"), "{body}");
    }
    // A well-formed id opencode does not know.
    let (status, body) = call(
        &server,
        "get_transcript",
        &[("session_id", "ses_unknown0000")],
    )
    .await;
    assert_eq!(status, 404, "{body}");

    // Empty and oversized prompts are refused and the session stays empty.
    let huge = "x".repeat(100_001);
    for (text, expected) in [("   ", "empty"), (huge.as_str(), "too long")] {
        let (status, body) = call(
            &server,
            "send_prompt",
            &[("session_id", &id), ("text", text)],
        )
        .await;
        assert_eq!(status, 400, "{body}");
        assert!(body.to_string().contains(expected), "{body}");
    }
    let (status, transcript) = call(&server, "get_transcript", &[("session_id", &id)]).await;
    assert_eq!(status, 200, "{transcript}");
    assert_eq!(
        transcript["messages"].as_array().map(Vec::len),
        Some(0),
        "{transcript}"
    );

    // A real prompt is accepted and the scripted answer lands in the transcript.
    let (status, body) = call(
        &server,
        "send_prompt",
        &[("session_id", &id), ("text", "ping from a test")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let deadline = tokio::time::Instant::now() + common::READY;
    loop {
        let (_, transcript) = call(&server, "get_transcript", &[("session_id", &id)]).await;
        if transcript
            .to_string()
            .contains("You said: \\\"ping from a test\\\"")
        {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no reply: {transcript}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    server.stop().await;
}
