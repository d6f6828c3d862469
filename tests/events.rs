//! The live event multiplexer against the real opencode: three worktrees
//! streaming at once into one client stream, transcripts rebuilt from the
//! stream equal to what opencode stored, through 20 cut connections, an
//! opencode crash, and next to a client that never reads.

mod common;

use std::time::Duration;

use common::TestServer;
use common::http::call;
use common::sse::{client_stream, seq};
use common::worktree_chats::{DEADLINE, Rebuilt, chat_in_worktree, prompt, stored};
use futures::StreamExt;
use rand::{Rng as _, SeedableRng as _};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_worktrees_stream_into_one_client_stream_through_twenty_cuts() {
    let server = TestServer::start(&[]).await;
    server.wait_ready().await;
    common::git_workspace(&server.workspace());
    let mut chats = Vec::new();
    for name in ["alpha", "beta", "gamma"] {
        chats.push(chat_in_worktree(&server, name).await);
    }

    // Reader 1 stays connected; reader 2 is cut 20 times at random points.
    let mut steady = client_stream(&server, None).await;
    let mut cut = client_stream(&server, None).await;
    for (dir, session) in &chats {
        let text = format!("[scenario:slow chunks=120 ms=25] {}", dir.display());
        prompt(&server, dir, &session.id, &text).await;
    }

    let mut whole = Rebuilt::new(&chats);
    let mut pieced = Rebuilt::new(&chats);
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let mut last_id: Option<String> = None;
    let mut cuts = 0;
    let mut until_cut = rng.random_range(1..20);
    let mut ids = Vec::new();
    let outcome = tokio::time::timeout(DEADLINE, async {
        while !(whole.done() && pieced.done()) {
            tokio::select! {
                Some((_, item)) = steady.next(), if !whole.done() => whole.apply(&item),
                Some((id, item)) = cut.next(), if !pieced.done() => {
                    assert_ne!(item["kind"], "resync", "a replayable gap became a resync");
                    if let Some(id) = id {
                        ids.push(seq(&id));
                        last_id = Some(id);
                    }
                    pieced.apply(&item);
                    until_cut -= 1;
                    if until_cut == 0 && cuts < 20 {
                        cuts += 1;
                        until_cut = rng.random_range(1..20);
                        // Drop the connection, let events pass, come back.
                        cut = futures::stream::pending().boxed();
                        tokio::time::sleep(Duration::from_millis(rng.random_range(0..150))).await;
                        cut = client_stream(&server, last_id.as_deref()).await;
                    }
                }
                else => break,
            }
        }
    })
    .await;
    assert!(outcome.is_ok(), "not all chats settled; cuts so far {cuts}");
    assert_eq!(cuts, 20, "the answers were too short to cut 20 times");
    // Zero gaps, zero duplicates: our ids are consecutive across the cuts.
    assert!(
        ids.windows(2).all(|w| w[1] == w[0] + 1),
        "ids not consecutive: {ids:?}"
    );
    for (dir, session) in &chats {
        let stored = stored(&server, dir, &session.id).await;
        assert!(stored.len() >= 2, "{stored:?}");
        assert_eq!(
            whole.transcripts[&session.id].messages, stored,
            "steady client"
        );
        assert_eq!(
            pieced.transcripts[&session.id].messages, stored,
            "cut client"
        );
    }

    // The server kept each chat's summary from the same events.
    let (status, summaries) = call(&server, "chat_summaries", &[]).await;
    assert_eq!(status, 200, "chat_summaries");
    for (dir, session) in &chats {
        let chat = summaries
            .as_array()
            .expect("list")
            .iter()
            .find(|c| c["session_id"] == session.id.as_str())
            .unwrap_or_else(|| panic!("{} missing in {summaries}", session.id));
        assert_eq!(chat["directory"], dir.display().to_string());
        assert_eq!(chat["status"], "idle", "{chat}");
        assert_eq!(chat["unread"], true, "finished while nobody looked: {chat}");
    }
    let first = &chats[0].1.id;
    let (status, _) = call(&server, "mark_chat_read", &[("session_id", first)]).await;
    assert_eq!(status, 200, "mark_chat_read");
    let (status, after) = call(&server, "chat_summaries", &[]).await;
    assert_eq!(status, 200, "chat_summaries");
    let chat = after
        .as_array()
        .expect("list")
        .iter()
        .find(|c| c["session_id"] == first.as_str())
        .expect("still listed");
    assert_eq!(chat["unread"], false);
    let unknown = server
        .http
        .post(server.url("/pocket/fn/mark_chat_read"))
        .form(&[("session_id", "ses_unknown1")])
        .send()
        .await
        .expect("mark unknown");
    assert_eq!(unknown.status(), 404);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_opencode_dies_mid_answer_clients_get_a_resync_and_the_stream_goes_on() {
    let server = TestServer::start(&[]).await;
    server.wait_ready().await;
    common::git_workspace(&server.workspace());
    let (dir, session) = chat_in_worktree(&server, "crash").await;
    let mut client = client_stream(&server, None).await;
    prompt(
        &server,
        &dir,
        &session.id,
        "[scenario:slow chunks=400 ms=50]",
    )
    .await;
    let streaming = tokio::time::timeout(DEADLINE, async {
        while let Some((_, item)) = client.next().await {
            if item["event"]["type"] == "message.part.delta" {
                return;
            }
        }
    })
    .await;
    assert!(streaming.is_ok(), "the answer never started");

    let pocketcode = server.pocketcode.as_ref().expect("running");
    let pid = pocketcode.supervisor().status().pid.expect("opencode pid");
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid as i32),
        nix::sys::signal::Signal::SIGKILL,
    )
    .expect("kill opencode");

    let directory = dir.display().to_string();
    let resync = tokio::time::timeout(DEADLINE, async {
        while let Some((id, item)) = client.next().await {
            // Every watched directory resyncs; wait for this chat's.
            if item["kind"] == "resync" && item["directory"] == directory.as_str() {
                return (id, item);
            }
        }
        panic!("the client stream ended");
    })
    .await
    .expect("a resync after the restart");
    assert_eq!(resync.1["directory"], directory.as_str(), "{:?}", resync.1);
    assert!(resync.0.is_some(), "a resync carries the position");
    assert_ne!(pocketcode.supervisor().status().pid, Some(pid), "restarted");

    // The final state: the chat is not left "busy" but interrupted (its
    // run died with opencode, and the resync from the new one keeps it
    // so), and the same client connection carries the next answer.
    let summaries = pocketcode.state.events.summaries();
    let chat = summaries
        .iter()
        .find(|c| c.session_id == session.id)
        .expect("summary");
    assert_eq!(
        chat.status,
        pocketcode::model::live::ChatStatus::Interrupted,
        "{chat:?}"
    );
    prompt(&server, &dir, &session.id, "after the crash").await;
    let answered = tokio::time::timeout(DEADLINE, async {
        while let Some((_, item)) = client.next().await {
            if item["session"] == session.id.as_str() && item["event"]["type"] == "session.idle" {
                return;
            }
        }
    })
    .await;
    assert!(answered.is_ok(), "no answer after the restart");
    let messages = stored(&server, &dir, &session.id).await;
    let last = serde_json::to_string(messages.last().expect("messages")).expect("json");
    assert!(last.contains("after the crash"), "{last}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_reads_delays_nobody_and_is_told_to_resync() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let server = TestServer::start(&[
        "--opencode-bin",
        "/nonexistent/opencode",
        "--events-client-queue",
        "64",
    ])
    .await;
    let hub = server
        .pocketcode
        .as_ref()
        .expect("running")
        .state
        .events
        .clone();

    // The sleeper: asks for the stream, then reads nothing.
    let address = server.base_url.trim_start_matches("http://").to_string();
    let mut sleeper = tokio::net::TcpStream::connect(&address)
        .await
        .expect("connect");
    let request = format!(
        "GET /pocket/events HTTP/1.1\r\nHost: {address}\r\nCookie: {}\r\n\r\n",
        server.cookie
    );
    sleeper
        .write_all(request.as_bytes())
        .await
        .expect("request");

    let mut reader = client_stream(&server, None).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    // 40 MB in batches the reader keeps up with: far more than the
    // sleeper's socket buffers hold.
    let payload = "x".repeat(2000);
    let (batches, batch) = (400u64, 50u64);
    let mut last = 0u64;
    for b in 0..batches {
        for i in 0..batch {
            let data = json!({
                "type": "message.part.delta",
                "properties": {"sessionID": "ses_load", "delta": payload, "n": b * batch + i}
            });
            hub.publish_upstream("/load", &data.to_string());
        }
        while last < (b + 1) * batch {
            let (id, item) = tokio::time::timeout(DEADLINE, reader.next())
                .await
                .expect("the reader is not held up")
                .expect("stream open");
            assert_eq!(item["kind"], "event", "the reader was told to resync");
            let seq = seq(&id.expect("id"));
            assert_eq!(seq, last + 1, "no gaps for the reader");
            last = seq;
        }
    }

    // Now the sleeper wakes up: somewhere in what it gets is a resync, and
    // then its stream ends.
    let mut received = Vec::new();
    let read = tokio::time::timeout(DEADLINE, async {
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = sleeper.read(&mut buf).await.expect("read");
            received.extend_from_slice(&buf[..n]);
            if n == 0 || received.ends_with(b"0\r\n\r\n") {
                break;
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the sleeper's stream never ended");
    let text = String::from_utf8_lossy(&received);
    assert!(
        text.contains(r#""kind":"resync""#),
        "no resync for the sleeper"
    );
    assert!(text.contains("fell too far behind"));
    server.stop().await;
}
