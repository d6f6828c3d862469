//! Steps the files tests share: the chat's worktree seeded with changes,
//! the server functions and routes called, multipart bodies built by hand
//! (so that bad names reach the server as they are), and a snapshot of a
//! folder that never follows links.

use std::path::{Path, PathBuf};

use pocketcode::model::files::{FileRoute, file_route};
use serde_json::Value;

use crate::common::TestServer;
use crate::common::git_fixture::git;
use crate::common::http::{NewChat, call};

pub const REPO: &str = "local/remote";
pub const NEW_LIB: &str = "pub fn one() -> u32 {\n    1 // changed\n}\n";

pub fn worktree(chat: &NewChat) -> PathBuf {
    PathBuf::from(&chat.worktree)
}

/// A modified, an added, an untracked file and an untracked folder, and a
/// binary file.
pub fn seed(chat: &NewChat) {
    let dir = worktree(chat);
    std::fs::write(dir.join("src/lib.rs"), NEW_LIB).expect("write");
    std::fs::write(dir.join("staged.txt"), "staged\n").expect("write");
    git(&dir, &["add", "staged.txt"]);
    std::fs::create_dir_all(dir.join("notes/deep")).expect("mkdir");
    std::fs::write(dir.join("notes/todo.md"), "- ship it\n").expect("write");
    std::fs::write(dir.join("notes/deep/x.txt"), "deep\n").expect("write");
    std::fs::write(dir.join("blob.bin"), [0u8, 159, 146, 150, 0, 1]).expect("write");
}

pub async fn list(server: &TestServer, chat: &NewChat, path: &str) -> (u16, Value) {
    let form = [("repo", REPO), ("chat_id", &chat.chat_id), ("path", path)];
    call(server, "list_files", &form).await
}

pub async fn read(server: &TestServer, chat: &NewChat, path: &str) -> (u16, Value) {
    let form = [("repo", REPO), ("chat_id", &chat.chat_id), ("path", path)];
    call(server, "read_file", &form).await
}

/// A download route's status, headers and bytes.
pub async fn fetch(
    server: &TestServer,
    route: FileRoute,
    chat_id: &str,
    path: &str,
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let url = server.url(&file_route(route, REPO, chat_id, path));
    let response = own_connection(server)
        .get(url)
        .send()
        .await
        .expect("download");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response
        .bytes()
        .await
        .map(|b| b.to_vec())
        .unwrap_or_default();
    (status, headers, body)
}

/// `multipart/form-data` with one part per `(name, file name, bytes)`
/// (no file name: a plain field).
pub fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "pocketcode-test-boundary-7d1f";
    let mut body = Vec::new();
    for (name, file_name, bytes) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let disposition = match file_name {
            Some(file) => format!("form-data; name=\"{name}\"; filename=\"{file}\""),
            None => format!("form-data; name=\"{name}\""),
        };
        body.extend_from_slice(format!("Content-Disposition: {disposition}\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Uploads `files` (file name, bytes) into `folder` of chat `chat_id`.
pub async fn upload(
    server: &TestServer,
    chat_id: &str,
    folder: &str,
    files: &[(&str, &[u8])],
) -> (u16, Value) {
    let parts: Vec<_> = files.iter().map(|(n, b)| ("file", Some(*n), *b)).collect();
    let (content_type, body) = multipart(&parts);
    send_upload(
        server,
        chat_id,
        folder,
        content_type,
        reqwest::Body::from(body),
    )
    .await
}

pub async fn send_upload(
    server: &TestServer,
    chat_id: &str,
    folder: &str,
    content_type: String,
    body: reqwest::Body,
) -> (u16, Value) {
    let url = server.url(&file_route(FileRoute::Upload, REPO, chat_id, folder));
    let response = own_connection(server)
        .post(url)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("upload");
    crate::common::http::decode(response).await
}

/// A logged-in client that opens a connection per request: a refused
/// upload's connection may be closed by the server before its body was
/// read, and must not be picked for the next request.
pub fn own_connection(server: &TestServer) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("cookie", server.cookie.parse().expect("cookie header"));
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .default_headers(headers)
        .build()
        .expect("client")
}

/// Every entry under `root` with its bytes (a link as its target), never
/// following links, skipping `.git`.
pub fn snapshot(root: &Path) -> Vec<(String, String)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("read dir")
            .flatten()
            .collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let path = entry.path();
            let name = path
                .strip_prefix(root)
                .expect("inside")
                .display()
                .to_string();
            let meta = std::fs::symlink_metadata(&path).expect("metadata");
            if meta.is_symlink() {
                let target = std::fs::read_link(&path).expect("link");
                out.push((name, format!("-> {}", target.display())));
            } else if meta.is_dir() {
                out.push((name, "dir".into()));
                if entry.file_name() != ".git" {
                    walk(root, &path, out);
                }
            } else {
                let bytes = std::fs::read(&path).expect("read");
                out.push((name, String::from_utf8_lossy(&bytes).into_owned()));
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out
}

/// `(name, kind, size, status)` of each entry of a listing.
pub fn entries(listing: &Value) -> Vec<(String, String, Option<u64>, Option<String>)> {
    listing["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            (
                e["name"].as_str().expect("name").to_owned(),
                e["kind"].as_str().expect("kind").to_owned(),
                e["size"].as_u64(),
                e["status"].as_str().map(str::to_owned),
            )
        })
        .collect()
}
