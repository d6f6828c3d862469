//! Provider keys stay behind the gateway: the model request leaves the
//! gateway with the real key, while opencode and the agent's own tools hold
//! only the gateway's token, which admits nothing else.

use std::time::Duration;

use serde_json::Value;

use crate::common::browser_chat::transcript_until;
use crate::common::git_fixture::Remote;
use crate::common::http::{NewChat, call};
use crate::common::{TempDir, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_model_gets_the_real_key_and_the_agent_only_the_token() {
    let server = TestServer::start(&[]).await;
    server.wait_ready().await;
    let pocketcode = server.pocketcode.as_ref().expect("running");
    let (gateway, model) = (
        pocketcode.gateway(),
        pocketcode.scripted_model().expect("scripted"),
    );
    let (key, token) = (model.api_key().to_owned(), gateway.token().to_owned());
    let fixtures = TempDir::new();
    let remote = Remote::create(fixtures.path(), "remote");
    let chat = NewChat::make(&server, &remote.url()).await;

    // The agent's real bash tool prints its environment (opencode's config
    // included): it names the gateway and its token, never the key.
    let run_env = r#"[scenario:tool name=bash args={"command":"env","description":"Environment"}]"#;
    send(&server, &chat, run_env).await;
    allow_once(&server, &chat).await;
    let transcript = transcript_until(&server, &chat, "OPENCODE_CONFIG_CONTENT")
        .await
        .to_string();
    assert!(!transcript.contains(&key), "the agent saw the model's key");
    assert!(transcript.contains(&token), "{transcript}");
    assert!(
        transcript.contains(&gateway.url("scripted")),
        "{transcript}"
    );

    // Every request reached the model through the gateway, with the key.
    assert!(model.requests() >= 2, "{} requests", model.requests());
    assert_eq!(model.authorizations(), [format!("Bearer {key}")]);

    // The gateway without the token reaches nothing; nor does the token
    // anywhere but in the gateway.
    let http = reqwest::Client::new();
    let before = model.requests();
    let body = serde_json::json!({ "model": "scripted-model", "messages": [] });
    let completions = format!("{}/chat/completions", gateway.url("scripted"));
    let elsewhere = format!("{}/models", gateway.url("elsewhere"));
    let direct = format!("{}/chat/completions", model.base_url());
    for (url, credential, status) in [
        (&completions, None, 401),
        (&completions, Some("sk-guess"), 401),
        (&completions, Some(key.as_str()), 401),
        (&elsewhere, None, 401),
        (&elsewhere, Some(token.as_str()), 404),
    ] {
        let mut request = http.post(url).json(&body);
        if let Some(credential) = credential {
            request = request.bearer_auth(credential);
        }
        let response = request.send().await.expect("answers");
        assert_eq!(response.status(), status, "{url} {credential:?}");
        let error: Value = response.json().await.expect("a JSON error");
        assert!(error["error"]["message"].is_string(), "{error}");
    }
    assert_eq!(
        model.requests(),
        before,
        "a refused request reached the model"
    );
    assert_eq!(model.authorizations(), [format!("Bearer {key}")]);
    let stolen = http
        .post(&direct)
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await;
    assert_eq!(stolen.expect("answers").status(), 401);
    server.stop().await;
}

async fn send(server: &TestServer, chat: &NewChat, text: &str) {
    let mut form = chat.form().to_vec();
    form.push(("text", text));
    let (status, body) = call(server, "send_prompt", &form).await;
    assert_eq!(status, 200, "{body}");
}

/// Answers the chat's first permission request with `once`.
async fn allow_once(server: &TestServer, chat: &NewChat) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let id = loop {
        let (status, asks) = call(server, "pending_asks", &chat.form()).await;
        assert_eq!(status, 200, "{asks}");
        if let Some(id) = asks["permissions"][0]["id"].as_str() {
            break id.to_owned();
        }
        if tokio::time::Instant::now() >= deadline {
            let (_, transcript) = call(server, "get_transcript", &chat.form()).await;
            panic!("no permission asked: {asks}; transcript: {transcript}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let mut form = chat.form().to_vec();
    form.extend([("request_id", id.as_str()), ("reply", "once")]);
    let (status, body) = call(server, "answer_permission", &form).await;
    assert_eq!(status, 200, "{body}");
}
