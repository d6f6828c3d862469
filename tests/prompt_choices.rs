//! Model and mode pickers and photo attachments over plain HTTP, through a
//! real opencode to the scripted model, whose `echo` scenario says what it
//! received; bad picks and bad images are refused and nothing is sent.

mod common;

use base64::Engine;
use common::TestServer;
use common::git_fixture::Remote;
use common::http::{NewChat, call};
use serde_json::{Value, json};

/// A real 1×1 PNG.
fn tiny_png() -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC")
        .expect("png")
}

fn attachments(name: &str, mime: &str, bytes: &[u8]) -> String {
    let data = base64::engine::general_purpose::STANDARD.encode(bytes);
    json!([{ "name": name, "mime": mime, "data_url": format!("data:{mime};base64,{data}") }])
        .to_string()
}

async fn transcript(server: &TestServer, form: &[(&str, &str)]) -> Value {
    let (status, transcript) = call(server, "get_transcript", form).await;
    assert_eq!(status, 200, "{transcript}");
    transcript
}

/// Waits until the transcript holds `needle`.
async fn wait_for(server: &TestServer, form: &[(&str, &str)], needle: &str) -> Value {
    let deadline = tokio::time::Instant::now() + common::READY;
    loop {
        let transcript = transcript(server, form).await;
        if transcript.to_string().contains(needle) {
            return transcript;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no {needle:?} in {transcript}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn picks_and_photos_reach_the_model_and_bad_ones_are_refused() {
    let server = TestServer::start(&[]).await;
    server.wait_ready().await;
    let fixtures = common::TempDir::new();
    let remote = Remote::create(fixtures.path(), "remote");
    let chat = NewChat::make(&server, &remote.url()).await;
    let (repo, chat_id) = (&chat.repo, &chat.chat_id);
    let chat_form = chat.form();

    // The pickers' contents come with the opened chat.
    let (status, opened) = call(
        &server,
        "open_chat",
        &[("repo", repo), ("chat_id", chat_id)],
    )
    .await;
    assert_eq!(status, 200, "{opened}");
    let choices = &opened["choices"];
    let models: Vec<_> = choices["models"]
        .as_array()
        .expect("models")
        .iter()
        .map(|m| (m["id"].as_str().unwrap_or(""), m["images"].as_bool()))
        .collect();
    assert!(
        models.contains(&("scripted/scripted-model", Some(true))),
        "{choices}"
    );
    assert!(
        models.contains(&("scripted/scripted-model-lite", Some(false))),
        "{choices}"
    );
    assert_eq!(choices["default_model"], "scripted/scripted-model");
    let agents: Vec<_> = choices["agents"]
        .as_array()
        .expect("agents")
        .iter()
        .filter_map(|a| a["name"].as_str())
        .collect();
    assert!(
        agents.contains(&"build") && agents.contains(&"plan"),
        "{choices}"
    );
    assert!(
        !agents.contains(&"title"),
        "hidden agents are not modes: {choices}"
    );
    assert_eq!(choices["default_agent"], "build");

    // Bad picks and bad images: 400 with a message, and nothing is sent.
    let png = tiny_png();
    let lying = attachments("fake.png", "image/png", b"GIF89a not a png");
    let svg = attachments("x.svg", "image/svg+xml", b"<svg/>");
    let big = attachments(
        "big.png",
        "image/png",
        &[png.clone(), vec![0; 5 << 20]].concat(),
    );
    let good = attachments("dot.png", "image/png", &png);
    for (model, agent, images, expected) in [
        ("scripted/nope", "", "", "no model scripted/nope"),
        ("", "wizard", "", "no mode wizard"),
        (
            "scripted/scripted-model-lite",
            "",
            good.as_str(),
            "does not take images",
        ),
        ("", "", lying.as_str(), "not a image/png"),
        ("", "", svg.as_str(), "not a supported image type"),
        ("", "", big.as_str(), "at most 5.0 MiB"),
        ("", "", "[{\"name\":1}]", "malformed"),
    ] {
        let mut form = chat_form.to_vec();
        form.extend([
            ("text", "[scenario:echo]"),
            ("model", model),
            ("agent", agent),
            ("attachments", images),
        ]);
        let (status, body) = call(&server, "send_prompt", &form).await;
        assert_eq!(status, 400, "{model:?} {agent:?} {expected:?}: {body}");
        assert!(
            body.to_string().contains(expected),
            "{expected:?} not in {body}"
        );
    }
    assert_eq!(transcript(&server, &chat_form).await["messages"], json!([]));

    // The lite model in plan mode.
    let mut form = chat_form.to_vec();
    form.extend([
        ("text", "first [scenario:echo]"),
        ("model", "scripted/scripted-model-lite"),
        ("agent", "plan"),
    ]);
    let (status, body) = call(&server, "send_prompt", &form).await;
    assert_eq!(status, 200, "{body}");
    wait_for(
        &server,
        &chat_form,
        "Request: model=scripted-model-lite; mode=plan; images=0.",
    )
    .await;
    // A photo to the default model in build mode (fields left out entirely).
    let mut form = chat_form.to_vec();
    form.extend([
        ("text", "second [scenario:echo]"),
        ("attachments", good.as_str()),
    ]);
    let (status, body) = call(&server, "send_prompt", &form).await;
    assert_eq!(status, 200, "{body}");
    let expected = format!(
        "Request: model=scripted-model; mode=build; images=1 (image/png {} bytes).",
        png.len()
    );
    let transcript = wait_for(&server, &chat_form, &expected).await;
    // The prompt keeps its photo, model and mode, for the transcript and pickers.
    let prompts: Vec<&Value> = transcript["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter(|m| m["info"]["role"] == "user")
        .collect();
    assert_eq!(prompts.len(), 2, "{transcript}");
    assert_eq!(prompts[0]["info"]["agent"], "plan");
    assert_eq!(
        prompts[0]["info"]["model"]["modelID"],
        "scripted-model-lite"
    );
    let file = prompts[1]["parts"]
        .as_array()
        .expect("parts")
        .iter()
        .find(|p| p["type"] == "file")
        .expect("the photo is part of the prompt");
    assert_eq!(file["mime"], "image/png");
    assert_eq!(file["filename"], "dot.png");
    assert!(
        file["url"]
            .as_str()
            .is_some_and(|u| u.starts_with("data:image/png;base64,"))
    );
    server.stop().await;
}
