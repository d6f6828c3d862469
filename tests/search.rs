//! Searching every chat's messages over plain HTTP, with a real opencode
//! and the scripted model: a word typed in two chats is found in both (the
//! newer chat first, each chat's newest message first, the user's prompt
//! and the model's echo of it), case ignored, shown as written with the
//! words around it; a chat without it is not listed; `/admin/search`
//! answers the same; bad searches are 400 with a message.

mod common;

use common::TestServer;
use common::browser_chat::prompt_until;
use common::git_fixture::Remote;
use common::http::{NewChat, admin, call};
use serde_json::Value;

/// What the scripted model's plain reply says after echoing the prompt.
const REPLIED: &str = "This is the scripted model";

fn hits_of(results: &Value) -> Vec<Value> {
    results["hits"].as_array().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_word_from_old_chats_is_found_in_each_and_only_there() {
    let server = TestServer::start(&[]).await;
    server.wait_ready().await;
    let fixtures = common::TempDir::new();
    let remote = Remote::create(fixtures.path(), "remote");
    let older = NewChat::make(&server, &remote.url()).await;
    let other = NewChat::make(&server, &remote.url()).await;
    let newer = NewChat::make(&server, &remote.url()).await;
    prompt_until(
        &server,
        &older,
        "please find the Zebracorn in the barn",
        REPLIED,
    )
    .await;
    prompt_until(&server, &other, "nothing striped to see here", REPLIED).await;
    prompt_until(&server, &newer, "is the zebracorn real?", REPLIED).await;

    let (status, found) = call(&server, "search_messages", &[("query", "  ZEBRACORN ")]).await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["query"], "ZEBRACORN");
    assert_eq!(found["chats_failed"], 0, "{found}");
    assert!(found["chats_searched"].as_u64() >= Some(3), "{found}");
    assert_eq!(found["truncated"], false);
    let hits = hits_of(&found);
    let place: Vec<(String, String)> = hits
        .iter()
        .map(|h| {
            (
                h["chat_id"].as_str().unwrap_or("").to_owned(),
                h["role"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        (&newer, "assistant"),
        (&newer, "user"),
        (&older, "assistant"),
        (&older, "user"),
    ]
    .iter()
    .map(|(chat, role)| (chat.chat_id.clone(), (*role).to_owned()))
    .collect();
    assert_eq!(place, expected, "{found}");
    assert!(
        hits.iter().all(|h| h["chat_id"] != other.chat_id.as_str()),
        "the chat without the word is not listed: {found}"
    );
    let typed = &hits[3];
    assert_eq!(typed["repo"], older.repo.as_str());
    assert_eq!(
        (
            typed["before"].as_str(),
            typed["matched"].as_str(),
            typed["after"].as_str()
        ),
        (
            Some("please find the "),
            Some("Zebracorn"),
            Some(" in the barn")
        ),
        "the match as written with its words around: {typed}"
    );
    assert!(
        typed["message_id"]
            .as_str()
            .is_some_and(|id| id.starts_with("msg")),
        "{typed}"
    );
    assert!(typed["created"].as_u64() > Some(0), "{typed}");

    // The same through /admin.
    let (status, by_admin) = admin(&server, "GET", "/admin/search?q=zebracorn", None).await;
    assert_eq!(status, 200, "{by_admin}");
    assert_eq!(by_admin["hits"], found["hits"], "{by_admin}");

    // A word nobody typed: nothing, and still 200.
    let (status, none) = call(&server, "search_messages", &[("query", "okapi-unseen")]).await;
    assert_eq!((status, hits_of(&none).len()), (200, 0), "{none}");

    let long = "x".repeat(201);
    let bad_fn: [(&str, &str); 4] = [
        ("", "too short"),
        ("z", "too short"),
        (long.as_str(), "too long"),
        ("zebra\ncorn", "one line"),
    ];
    for (query, needle) in bad_fn {
        let (status, body) = call(&server, "search_messages", &[("query", query)]).await;
        assert_eq!(status, 400, "{query:?}: {body}");
        assert!(
            body.to_string().contains(needle),
            "{query:?}: {body} lacks {needle:?}"
        );
    }
    let bad_admin = [
        ("/admin/search", "missing field"),
        ("/admin/search?q=z", "too short"),
        ("/admin/search?q=zebra&limit=3", "unknown field"),
        ("/admin/search?q=zebra%0Acorn", "one line"),
    ];
    for (path, needle) in bad_admin {
        let (status, body) = admin(&server, "GET", path, None).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert!(
            body.to_string().contains(needle),
            "{path}: {body} lacks {needle:?}"
        );
    }
    server.stop().await;
}
