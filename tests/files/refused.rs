//! Bad requests: bad paths and names, links the agent planted that lead
//! out of its worktree (to a folder outside, `/etc/passwd`, pocketcode's
//! data directory), unknown and remote chats, uploads over the limit. Each
//! gets a 4xx whose message names the problem; nothing is written, inside
//! the worktree or out.

use std::os::unix::fs::symlink;
use std::path::Path;

use pocketcode::model::files::FileRoute;

use crate::common::TestServer;
use crate::common::http::{NewChat, call};
use crate::steps::{REPO, fetch, list, multipart, read, send_upload, snapshot, upload, worktree};

enum Bad {
    List(&'static str, String),
    Read(&'static str),
    Get(FileRoute, &'static str, String),
    /// Into a folder: parts (field, file name, bytes).
    Upload(
        String,
        &'static str,
        Vec<(&'static str, Option<&'static str>, Vec<u8>)>,
    ),
}

pub async fn bad_requests_write_nothing(server: &TestServer, chat: &NewChat, fixtures: &Path) {
    let dir = worktree(chat);
    let outside = fixtures.join("outside");
    std::fs::create_dir_all(&outside).expect("mkdir");
    std::fs::write(outside.join("secret.txt"), "not the agent's\n").expect("write");
    // What an agent can do in its worktree.
    symlink(&outside, dir.join("escape")).expect("link");
    symlink("/etc/passwd", dir.join("passwd")).expect("link");
    symlink(server.data_dir.path(), dir.join("data")).expect("link");
    symlink("../../..", dir.join("notes/up")).expect("link");
    symlink("src", dir.join("inside")).expect("link");
    // A link that stays inside is followed.
    let (status, inside) = list(server, chat, "inside").await;
    assert_eq!(status, 200, "{inside}");
    assert_eq!(inside["entries"][0]["name"], "lib.rs");

    let worktree_before = snapshot(&dir);
    let outside_before = snapshot(&outside);
    let id = chat.chat_id.clone();
    let s = |v: &str| v.to_owned();
    let file = |name: &'static str| vec![("file", Some(name), b"evil\n".to_vec())];
    let over_limit = vec![("file", Some("big.bin"), vec![7u8; 1_100_000])];
    use Bad::{Get, List, Read, Upload};
    #[rustfmt::skip]
    let table: Vec<(Bad, u16, &str)> = vec![
        (List("..", id.clone()), 400, "`.` and `..` are not allowed"),
        (List("src/../..", id.clone()), 400, "`.` and `..`"),
        (List("/etc", id.clone()), 400, "is absolute"),
        (List("src\0x", id.clone()), 400, "NUL"),
        (List("src//", id.clone()), 400, "an empty name"),
        (List("README.md", id.clone()), 400, "is a file, not a folder"),
        (List("nothing", id.clone()), 404, "not in the chat's worktree"),
        (List("escape", id.clone()), 403, "escape leads outside the chat's worktree"),
        (List("data", id.clone()), 403, "leads outside"),
        (List("notes/up", id.clone()), 403, "leads outside"),
        (List("", s("nochat12")), 404, "no chat nochat12"),
        (Read("passwd"), 403, "passwd leads outside"),
        (Read("escape/secret.txt"), 403, "leads outside"),
        (Read("src"), 400, "not a file"),
        (Get(FileRoute::Download, "passwd", id.clone()), 403, "leads outside"),
        (Get(FileRoute::Download, "escape/secret.txt", id.clone()), 403, "leads outside"),
        (Get(FileRoute::Download, "../README.md", id.clone()), 400, "`..`"),
        (Get(FileRoute::Download, "src", id.clone()), 400, "not a file"),
        (Get(FileRoute::Download, "README.md", s("nochat12")), 404, "no chat"),
        (Get(FileRoute::Zip, "escape", id.clone()), 403, "leads outside"),
        (Get(FileRoute::Zip, "data", id.clone()), 403, "leads outside"),
        (Get(FileRoute::Zip, "README.md", id.clone()), 400, "a file, not a folder"),
        (Get(FileRoute::Zip, "", s("nochat12")), 404, "no chat"),
        (Upload(s("escape"), "", file("x.txt")), 403, "leads outside"),
        (Upload(s("data"), "", file("x.txt")), 403, "leads outside"),
        (Upload(s("../x"), "", file("x.txt")), 400, "`..`"),
        (Upload(s("README.md"), "", file("x.txt")), 400, "upload into a folder"),
        (Upload(s("notes"), "", file("../evil.txt")), 400, "may not contain /"),
        (Upload(s("notes"), "", file("..")), 400, "`.` and `..`"),
        (Upload(s("notes"), "", file("")), 400, "an empty name"),
        (Upload(s("notes"), "", file("a/b.txt")), 400, "may not contain /"),
        (Upload(s("notes"), "", file("up")), 409, "notes/up is already there"),
        (Upload(s("notes"), "", file("todo.md")), 409, "already there"),
        (Upload(s("notes"), "", vec![("file", Some("fine.txt"), b"ok".to_vec()), ("file", Some("bad\\name"), b"x".to_vec())]), 400, "may not contain"),
        (Upload(s("notes"), "", vec![("file", Some("fine.txt"), b"ok".to_vec()), ("file", Some("todo.md"), b"x".to_vec())]), 409, "already there"),
        (Upload(s("notes"), "", vec![("file", Some("twice.txt"), b"1".to_vec()), ("file", Some("twice.txt"), b"2".to_vec())]), 400, "twice"),
        (Upload(s("notes"), "", vec![("note", None, b"just text".to_vec())]), 400, "is not a file"),
        (Upload(s("notes"), "", vec![]), 400, "no files"),
        (Upload(s("notes"), "", over_limit), 413, "larger than the limit of 1 MB"),
        (Upload(s("notes"), "nochat12", file("x.txt")), 404, "no chat"),
    ];
    assert!(table.len() >= 15);
    for (bad, want_status, want_message) in table {
        let (label, status, message) = attempt(server, chat, bad).await;
        assert_eq!(status, want_status, "{label}: {message}");
        assert!(
            message.contains(want_message),
            "{label}: {message:?} should say {want_message:?}"
        );
    }
    streamed_past_the_limit(server, &id).await;
    not_multipart(server, &id).await;
    remote_chats_are_refused(server).await;

    assert_eq!(
        snapshot(&dir),
        worktree_before,
        "nothing written in the worktree"
    );
    assert_eq!(
        snapshot(&outside),
        outside_before,
        "nothing written outside"
    );
    assert!(!server.data_dir.path().join("x.txt").exists());
    assert!(!fixtures.join("evil.txt").exists());
}

/// The route or server function a bad request goes to: its label, status
/// and whole answer.
async fn attempt(server: &TestServer, chat: &NewChat, bad: Bad) -> (String, u16, String) {
    match bad {
        Bad::List(path, chat_id) => {
            let form = [
                ("repo", REPO),
                ("chat_id", chat_id.as_str()),
                ("path", path),
            ];
            let (status, body) = call(server, "list_files", &form).await;
            (
                format!("list {path:?} of {chat_id}"),
                status,
                body.to_string(),
            )
        }
        Bad::Read(path) => {
            let (status, body) = read(server, chat, path).await;
            (format!("read {path:?}"), status, body.to_string())
        }
        Bad::Get(route, path, chat_id) => {
            let (status, _, body) = fetch(server, route, &chat_id, path).await;
            (
                format!("{route:?} {path:?} of {chat_id}"),
                status,
                String::from_utf8_lossy(&body).into_owned(),
            )
        }
        Bad::Upload(folder, chat_id, parts) => {
            let chat_id = if chat_id.is_empty() {
                chat.chat_id.as_str()
            } else {
                chat_id
            };
            let parts: Vec<_> = parts
                .iter()
                .map(|(n, f, b)| (*n, *f, b.as_slice()))
                .collect();
            let names: Vec<_> = parts.iter().map(|p| p.1).collect();
            let (content_type, body) = multipart(&parts);
            let (status, answer) =
                send_upload(server, chat_id, &folder, content_type, body.into()).await;
            (
                format!("upload {names:?} into {folder:?} of {chat_id}"),
                status,
                answer.to_string(),
            )
        }
    }
}

/// Without a length up front, the limit stops the body as it streams.
async fn streamed_past_the_limit(server: &TestServer, chat_id: &str) {
    let big = vec![1u8; 1_200_000];
    let (content_type, body) = multipart(&[("file", Some("streamed.bin"), &big)]);
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        body.chunks(64 * 1024).map(|c| Ok(c.to_vec())).collect();
    let stream = reqwest::Body::wrap_stream(futures::stream::iter(chunks));
    let (status, answer) = send_upload(server, chat_id, "notes", content_type, stream).await;
    assert_eq!(status, 413, "{answer}");
    assert!(answer.to_string().contains("--upload-max-mb"), "{answer}");
}

async fn not_multipart(server: &TestServer, chat_id: &str) {
    let (status, answer) = send_upload(
        server,
        chat_id,
        "notes",
        "text/plain".into(),
        "hello".into(),
    )
    .await;
    assert!((400..500).contains(&status), "{status} {answer}");
    let (status, answer) = upload(server, chat_id, "notes", &[]).await;
    assert_eq!(status, 400, "{answer}");
}

/// A chat of a remote there is no profile for: a 404 naming it (remote
/// chats' files are in `tests/remote_files.rs`).
async fn remote_chats_are_refused(server: &TestServer) {
    // A valid path for each call: only the remote is unknown.
    for (name, path) in [("list_files", ""), ("read_file", "README.md")] {
        let form = [
            ("repo", "@devbox"),
            ("chat_id", "ses_abc123"),
            ("path", path),
        ];
        let (status, body) = call(server, name, &form).await;
        assert_eq!(status, 404, "{name}: {body}");
        assert!(
            body.to_string().contains("no connection named"),
            "{name}: {body}"
        );
    }
}
