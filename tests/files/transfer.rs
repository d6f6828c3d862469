//! What works: listings with git status and sizes, text, downloads of a
//! file and of folders as zips, and uploads.

use std::io::{Cursor, Read};

use pocketcode::model::files::FileRoute;
use serde_json::Value;

use crate::common::TestServer;
use crate::common::http::NewChat;
use crate::steps::{NEW_LIB, entries, fetch, list, read, upload, worktree};

fn entry(
    name: &str,
    kind: &str,
    size: Option<u64>,
    status: Option<&str>,
) -> (String, String, Option<u64>, Option<String>) {
    (name.into(), kind.into(), size, status.map(str::to_owned))
}

pub async fn listed_and_read(server: &TestServer, chat: &NewChat) {
    let (status, root) = list(server, chat, "").await;
    assert_eq!(status, 200, "{root}");
    assert_eq!(root["path"], "");
    assert_eq!(root["truncated"], false);
    let listed = entries(&root);
    assert!(
        !listed.iter().any(|e| e.0 == ".git"),
        "git's pointer is hidden: {listed:?}"
    );
    for wanted in [
        entry("notes", "folder", None, Some("untracked")),
        entry("src", "folder", None, Some("changed")),
        entry("CHANGELOG.md", "file", Some(3), None),
        entry("README.md", "file", Some(9), None),
        entry("blob.bin", "file", Some(6), Some("untracked")),
        entry("staged.txt", "file", Some(7), Some("added")),
    ] {
        assert!(listed.contains(&wanted), "{wanted:?} in {listed:?}");
    }
    let folders_first: Vec<&str> = listed.iter().map(|e| e.1.as_str()).collect();
    let first_file = folders_first
        .iter()
        .position(|k| *k != "folder")
        .expect("files");
    assert!(
        folders_first[first_file..].iter().all(|k| *k != "folder"),
        "{listed:?}"
    );

    let (status, src) = list(server, chat, "src").await;
    assert_eq!(status, 200, "{src}");
    assert_eq!(
        entries(&src),
        vec![entry(
            "lib.rs",
            "file",
            Some(NEW_LIB.len() as u64),
            Some("modified")
        )]
    );
    assert_eq!(src["entries"][0]["path"], "src/lib.rs");
    let (status, deep) = list(server, chat, "notes/deep").await;
    assert_eq!(status, 200, "{deep}");
    assert_eq!(
        entries(&deep),
        vec![entry("x.txt", "file", Some(5), None)],
        "inside an untracked folder"
    );

    let (status, text) = read(server, chat, "src/lib.rs").await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(text["text"], NEW_LIB);
    assert_eq!(text["size"], NEW_LIB.len());
    assert_eq!(text["truncated"], false);
    let (status, binary) = read(server, chat, "blob.bin").await;
    assert_eq!(status, 200, "{binary}");
    assert_eq!(binary["text"], Value::Null, "binary: no text");
    let big = "line of text\n".repeat(100_000);
    std::fs::write(worktree(chat).join("notes/big.log"), &big).expect("write");
    let (status, cut) = read(server, chat, "notes/big.log").await;
    assert_eq!(status, 200);
    assert_eq!(cut["truncated"], true);
    assert_eq!(cut["text"].as_str().map(str::len), Some(1_000_000));
    std::fs::remove_file(worktree(chat).join("notes/big.log")).expect("remove");
}

pub async fn downloaded(server: &TestServer, chat: &NewChat) {
    let (status, headers, body) =
        fetch(server, FileRoute::Download, &chat.chat_id, "src/lib.rs").await;
    assert_eq!(status, 200);
    assert_eq!(body, NEW_LIB.as_bytes());
    assert_eq!(headers["content-type"], "application/octet-stream");
    let disposition = headers["content-disposition"].to_str().expect("ascii");
    assert!(
        disposition.starts_with("attachment; filename=\"lib.rs\""),
        "{disposition}"
    );
    let (status, _, body) = fetch(server, FileRoute::Download, &chat.chat_id, "blob.bin").await;
    assert_eq!((status, body), (200, vec![0u8, 159, 146, 150, 0, 1]));

    let (status, headers, body) = fetch(server, FileRoute::Zip, &chat.chat_id, "notes").await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/zip");
    assert!(
        headers["content-disposition"]
            .to_str()
            .expect("ascii")
            .contains("filename=\"notes.zip\"")
    );
    assert_eq!(
        unzip(&body),
        vec![
            ("deep/".to_owned(), String::new()),
            ("deep/x.txt".to_owned(), "deep\n".to_owned()),
            ("todo.md".to_owned(), "- ship it\n".to_owned()),
        ]
    );
    let (status, headers, body) = fetch(server, FileRoute::Zip, &chat.chat_id, "").await;
    assert_eq!(status, 200);
    let name = format!("filename=\"{}.zip\"", chat.chat_id);
    assert!(
        headers["content-disposition"]
            .to_str()
            .expect("ascii")
            .contains(&name)
    );
    let names: Vec<String> = unzip(&body).into_iter().map(|(n, _)| n).collect();
    for wanted in [
        "README.md",
        "src/",
        "src/lib.rs",
        "notes/deep/x.txt",
        "staged.txt",
    ] {
        assert!(names.iter().any(|n| n == wanted), "{wanted} in {names:?}");
    }
    assert!(!names.iter().any(|n| n.starts_with(".git")), "{names:?}");
    let lib = unzip(&body)
        .into_iter()
        .find(|(n, _)| n == "src/lib.rs")
        .expect("lib");
    assert_eq!(lib.1, NEW_LIB);
}

/// The zip's entries in order: name and text.
fn unzip(bytes: &[u8]) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).expect("entry");
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes).expect("bytes");
            (
                file.name().to_owned(),
                String::from_utf8_lossy(&bytes).into_owned(),
            )
        })
        .collect()
}

pub async fn uploaded(server: &TestServer, chat: &NewChat) {
    let dir = worktree(chat);
    let photo: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let (status, after) = upload(
        server,
        &chat.chat_id,
        "notes",
        &[("photo.jpg", &photo), ("plan b.md", b"# plan\n")],
    )
    .await;
    assert_eq!(status, 201, "{after}");
    assert_eq!(after["path"], "notes");
    let listed = entries(&after);
    assert!(
        listed.contains(&entry("photo.jpg", "file", Some(200_000), None)),
        "{listed:?}"
    );
    assert!(
        listed.contains(&entry("plan b.md", "file", Some(7), None)),
        "{listed:?}"
    );
    assert_eq!(
        std::fs::read(dir.join("notes/photo.jpg")).expect("uploaded"),
        photo
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("notes/plan b.md")).expect("uploaded"),
        "# plan\n"
    );
    let (status, root) = upload(server, &chat.chat_id, "", &[("top.txt", b"top\n")]).await;
    assert_eq!(status, 201, "{root}");
    assert!(entries(&root).contains(&entry("top.txt", "file", Some(4), Some("untracked"))));
    let leftovers: Vec<_> = std::fs::read_dir(dir.join("notes"))
        .expect("read")
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".pocketcode-upload")
        })
        .collect();
    assert!(
        leftovers.is_empty(),
        "no temporary files left: {leftovers:?}"
    );
}
