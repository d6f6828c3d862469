//! Queue and steer through the server functions, with a real opencode and
//! the scripted model: prompts queued while the agent works are kept in
//! order on disk (a pocketcode restart keeps them) and sent one per idle,
//! in order; steering aborts the running turn and sends at once; both send
//! `@` files and run `/` commands as Send does; bad changes are 4xx with a
//! message and change nothing.

mod common;

use common::git_fixture::Remote;
use common::http::{NewChat, call};
use common::{TestServer, eventually};
use serde_json::Value;

/// A reply slow enough to queue behind (about 30 s unless aborted).
const SLOW: &str = "[scenario:slow chunks=120 ms=250] keep busy";

async fn queue(server: &TestServer, chat: &NewChat) -> Value {
    let form = [
        ("repo", chat.repo.as_str()),
        ("chat_id", chat.chat_id.as_str()),
    ];
    let (status, queue) = call(server, "get_queue", &form).await;
    assert_eq!(status, 200, "{queue}");
    queue
}

fn texts(queue: &Value) -> Vec<String> {
    queue["prompts"]
        .as_array()
        .expect("prompts")
        .iter()
        .map(|p| p["text"].as_str().expect("text").to_owned())
        .collect()
}

fn ids(queue: &Value) -> Vec<String> {
    let prompts = queue["prompts"].as_array().expect("prompts");
    prompts.iter().map(|p| p["id"].to_string()).collect()
}

async fn send(server: &TestServer, chat: &NewChat, function: &str, text: &str) -> (u16, Value) {
    let mut form = chat.form().to_vec();
    form.push(("text", text));
    call(server, function, &form).await
}

/// The texts of the chat's user messages, in order.
async fn user_texts(server: &TestServer, chat: &NewChat) -> Vec<String> {
    let messages = common::http::user_messages(server, chat).await;
    messages.into_iter().map(|(_, text)| text).collect()
}

async fn busy(server: &TestServer, chat: &NewChat) -> bool {
    let (_, transcript) = call(server, "get_transcript", &chat.form()).await;
    transcript["busy"] == true
}

async fn working_chat(server: &TestServer, remote: &Remote) -> NewChat {
    let chat = NewChat::make(server, &remote.url()).await;
    let (status, body) = send(server, &chat, "send_prompt", SLOW).await;
    assert_eq!(status, 200, "{body}");
    eventually("the slow reply runs", || busy(server, &chat)).await;
    chat
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_prompts_survive_a_restart_and_are_sent_one_per_idle_in_order() {
    let server = TestServer::start(&[]).await;
    server.wait_ready().await;
    let fixtures = common::TempDir::new();
    let remote = Remote::create(fixtures.path(), "remote");
    let chat = working_chat(&server, &remote).await;

    for text in ["first queued", "second queued", "third queued"] {
        let (status, body) = send(&server, &chat, "queue_prompt", text).await;
        assert_eq!(status, 200, "{body}");
    }
    let queued = queue(&server, &chat).await;
    // The third goes second.
    let third = ids(&queued)[2].clone();
    let mut form = vec![
        ("repo", chat.repo.as_str()),
        ("chat_id", chat.chat_id.as_str()),
    ];
    form.extend([("id", third.as_str()), ("to", "1")]);
    let (status, body) = call(&server, "move_queued", &form).await;
    assert_eq!(status, 200, "{body}");
    let order = ["first queued", "third queued", "second queued"];
    assert_eq!(texts(&body), order);
    // Nothing was sent while the agent works.
    assert_eq!(user_texts(&server, &chat).await, [SLOW]);

    // pocketcode (and opencode with it) restarts: the queue is still there.
    let server = server.restart(&[]).await;
    server.wait_ready().await;
    let after = queue(&server, &chat).await;
    assert_eq!(texts(&after), order, "{after}");
    assert!(
        server
            .data_dir
            .path()
            .join("queues")
            .read_dir()
            .expect("queues dir")
            .count()
            >= 1,
        "the queue is a file in the data dir"
    );

    // The session is idle now (its run died with opencode): pocketcode sends
    // the queue, one prompt per idle, in order, and empties it.
    eventually("every queued prompt was sent", || async {
        user_texts(&server, &chat).await.len() == 4 && !busy(&server, &chat).await
    })
    .await;
    let mut expected = vec![SLOW.to_owned()];
    expected.extend(order.map(String::from));
    assert_eq!(user_texts(&server, &chat).await, expected);
    eventually("the queue is empty", || async {
        texts(&queue(&server, &chat).await).is_empty()
    })
    .await;
    // Editing a prompt that was sent: refused, the queue stays empty.
    let mut form = vec![
        ("repo", chat.repo.as_str()),
        ("chat_id", chat.chat_id.as_str()),
    ];
    form.extend([("id", third.as_str()), ("text", "too late")]);
    let (status, body) = call(&server, "edit_queued", &form).await;
    assert_eq!(status, 409, "{body}");
    assert!(body.to_string().contains("no longer queued"), "{body}");
    assert!(texts(&queue(&server, &chat).await).is_empty());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn steer_aborts_the_running_turn_and_goes_before_the_queue() {
    let server = TestServer::start(&[]).await;
    server.wait_ready().await;
    let fixtures = common::TempDir::new();
    let remote = Remote::create(fixtures.path(), "remote");
    let chat = working_chat(&server, &remote).await;

    let (status, body) = send(&server, &chat, "queue_prompt", "after the steer").await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = send(&server, &chat, "steer_prompt", "steer now").await;
    assert_eq!(status, 200, "{body}");

    eventually("the steer and then the queued prompt ran", || async {
        user_texts(&server, &chat).await.len() == 3 && !busy(&server, &chat).await
    })
    .await;
    assert_eq!(
        user_texts(&server, &chat).await,
        [SLOW, "steer now", "after the steer"]
    );
    let (_, transcript) = call(&server, "get_transcript", &chat.form()).await;
    let text = transcript.to_string();
    assert!(
        !text.contains("Slow chunk 120 of 120"),
        "the slow reply was cut short"
    );
    assert!(texts(&queue(&server, &chat).await).is_empty());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_queue_changes_are_4xx_with_a_message_and_change_nothing() {
    let server = TestServer::start(&[]).await;
    server.wait_ready().await;
    let fixtures = common::TempDir::new();
    let remote = Remote::create(fixtures.path(), "remote");
    let chat = working_chat(&server, &remote).await;
    let (status, body) = send(&server, &chat, "queue_prompt", "kept").await;
    assert_eq!(status, 200, "{body}");
    let before = queue(&server, &chat).await;
    let kept = ids(&before)[0].clone();
    let huge = "x".repeat(100_001);
    let (repo, id, session) = (
        chat.repo.as_str(),
        chat.chat_id.as_str(),
        chat.session.as_str(),
    );
    let mine = |extra: &[(&'static str, &'static str)]| {
        let mut form = vec![("repo", repo.to_owned()), ("chat_id", id.to_owned())];
        form.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
        form
    };
    let with = |mut form: Vec<(&'static str, String)>, key: &'static str, value: &str| {
        form.push((key, value.to_owned()));
        form
    };
    let cases = [
        (
            "queue_prompt",
            with(mine(&[("text", "  ")]), "session_id", session),
            400,
            "empty",
        ),
        (
            "queue_prompt",
            with(mine(&[]), "session_id", session)
                .into_iter()
                .chain([("text", huge.clone())])
                .collect(),
            400,
            "too long",
        ),
        (
            "queue_prompt",
            vec![
                ("repo", repo.to_owned()),
                ("chat_id", "zzzzzz".to_owned()),
                ("session_id", session.to_owned()),
                ("text", "hi".to_owned()),
            ],
            404,
            "zzzzzz",
        ),
        (
            "get_queue",
            vec![
                ("repo", "local/nowhere".to_owned()),
                ("chat_id", "abcdef12".to_owned()),
            ],
            404,
            "abcdef12",
        ),
        (
            "move_queued",
            with(mine(&[("to", "1")]), "id", &kept),
            400,
            "outside the queue",
        ),
        (
            "move_queued",
            with(mine(&[("to", "-1")]), "id", &kept),
            400,
            "could not be read",
        ),
        (
            "edit_queued",
            mine(&[("id", "12345"), ("text", "late")]),
            409,
            "no longer queued",
        ),
        (
            "edit_queued",
            with(mine(&[("text", "")]), "id", &kept),
            400,
            "empty",
        ),
        (
            "delete_queued",
            mine(&[("id", "12345")]),
            409,
            "no longer queued",
        ),
        (
            "delete_queued",
            mine(&[("id", "abc")]),
            400,
            "could not be read",
        ),
        (
            "steer_prompt",
            with(mine(&[("text", "")]), "session_id", session),
            400,
            "empty",
        ),
    ];
    for (function, form, expected, says) in cases {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, body) = call(&server, function, &form).await;
        assert_eq!(status, expected, "{function}: {body}");
        assert!(body.to_string().contains(says), "{function}: {body}");
        assert_eq!(
            queue(&server, &chat).await,
            before,
            "{function} changed the queue"
        );
    }
    // Full: a clear 409 past the bound, and the queue stays at it.
    for n in 1..pocketcode::model::queue::MAX_QUEUED {
        let (status, body) = send(&server, &chat, "queue_prompt", &format!("more {n}")).await;
        assert_eq!(status, 200, "{body}");
    }
    let full = queue(&server, &chat).await;
    let (status, body) = send(&server, &chat, "queue_prompt", "one too many").await;
    assert_eq!(status, 409, "{body}");
    assert!(body.to_string().contains("queue is full"), "{body}");
    assert_eq!(queue(&server, &chat).await, full);
    server.stop().await;
}

/// `function` (`queue_prompt` or `steer_prompt`) with `text` and the `@`
/// files `files` (one path a line).
async fn send_with_files(
    server: &TestServer,
    chat: &NewChat,
    function: &str,
    text: &str,
    files: &str,
) -> (u16, Value) {
    let mut form = chat.form().to_vec();
    form.extend([("text", text), ("files", files)]);
    call(server, function, &form).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_and_steered_prompts_send_their_files_and_run_their_commands_as_send_does() {
    use common::mentions::{
        COMMAND, FILE, SECRET, TEMPLATE, replies, repo_with_command_and_file, sent_file,
        transcript, trust, wait_for_reply,
    };

    let server = TestServer::start(&[]).await;
    server.wait_ready().await;
    let fixtures = common::TempDir::new();
    let remote = repo_with_command_and_file(fixtures.path());
    let chat = NewChat::make(&server, &remote.url()).await;
    trust(&server, &chat).await;
    let (status, body) = send(&server, &chat, "send_prompt", SLOW).await;
    assert_eq!(status, 200, "{body}");
    eventually("the slow reply runs", || busy(&server, &chat)).await;

    // An @file prompt, then a command, queued; a bad mention changes nothing.
    let mention = format!("what is in @{FILE}?");
    let (status, body) = send_with_files(&server, &chat, "queue_prompt", &mention, FILE).await;
    assert_eq!(status, 200, "{body}");
    let call_text = format!("/{COMMAND} Zara and Zed");
    let (status, body) = send_with_files(&server, &chat, "queue_prompt", &call_text, "").await;
    assert_eq!(status, 200, "{body}");
    let before = queue(&server, &chat).await;
    assert_eq!(before["prompts"][0]["files"], serde_json::json!([FILE]));
    assert!(before["prompts"][0]["command"].is_null(), "{before}");
    assert_eq!(before["prompts"][1]["command"], COMMAND, "{before}");
    assert_eq!(before["prompts"][1]["files"], serde_json::json!([]));
    for (files, why) in [
        ("../x", "inside the chat's worktree"),
        ("notes/none", "no file"),
    ] {
        let (status, body) = send_with_files(&server, &chat, "queue_prompt", "@x", files).await;
        assert_eq!(status, 400, "{files}: {body}");
        assert!(body.to_string().contains(why), "{files}: {body}");
    }
    assert_eq!(queue(&server, &chat).await, before);

    // An edit that keeps the mention keeps the file.
    let id = ids(&before)[0].clone();
    let edited = format!("what is in @{FILE}, really?");
    let mut form = vec![
        ("repo", chat.repo.as_str()),
        ("chat_id", chat.chat_id.as_str()),
    ];
    form.extend([("id", id.as_str()), ("text", edited.as_str())]);
    let (status, body) = call(&server, "edit_queued", &form).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["prompts"][0]["files"], serde_json::json!([FILE]));

    // Stopped: the queue runs in order, the file read, the command run.
    let (status, body) = call(&server, "abort_session", &chat.form()).await;
    assert_eq!(status, 200, "{body}");
    let expanded = format!("{TEMPLATE} Zara and Zed");
    let done = wait_for_reply(&server, &chat, &expanded).await;
    let said = replies(&done);
    let (read_at, ran_at) = (said.find(SECRET), said.find(&expanded));
    assert!(
        read_at.is_some(),
        "the file's content reached the model: {said}"
    );
    assert!(read_at < ran_at, "the @file prompt went first: {said}");
    assert!(sent_file(&done, FILE), "{done}");
    assert!(!said.contains(&format!("You said: \"/{COMMAND}")), "{said}");
    eventually("the queue is empty", || async {
        texts(&queue(&server, &chat).await).is_empty()
    })
    .await;

    // Steer with a file, and with a command: each sent as Send would.
    let steered = "okapi-content-0815";
    std::fs::write(format!("{}/steer.txt", chat.worktree), steered).expect("write");
    let command_call = format!("/{COMMAND} Okapis");
    for (text, files, answer) in [
        ("steer to @steer.txt", "steer.txt", steered.to_owned()),
        (command_call.as_str(), "", format!("{TEMPLATE} Okapis")),
    ] {
        eventually("idle", || async { !busy(&server, &chat).await }).await;
        let (status, body) = send(&server, &chat, "send_prompt", SLOW).await;
        assert_eq!(status, 200, "{body}");
        eventually("the slow reply runs", || busy(&server, &chat)).await;
        let (status, body) = send_with_files(&server, &chat, "steer_prompt", text, files).await;
        assert_eq!(status, 200, "{body}");
        wait_for_reply(&server, &chat, &answer).await;
    }
    assert!(sent_file(&transcript(&server, &chat).await, "steer.txt"));
    server.stop().await;
}
