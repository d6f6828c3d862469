//! A remote chat's files, end to end over a real sshd on loopback and a
//! real second `opencode serve` (the "remote"): its folders listed with
//! git status through the remote opencode's API, a file read as text, a
//! file and folders downloaded over ssh (bytes exact, the zips' contents
//! checked), files uploaded; and bad requests (`..`, absolute paths, links
//! the agent planted that lead out of its directory on the remote, an
//! unknown chat, uploads over `--upload-max-mb`, names taken) refused with
//! a 4xx and nothing written there. And its terminal, relayed to the
//! remote's opencode (`remote_files/terminal.rs`).

mod common;
#[path = "remote_files/refused.rs"]
mod refused;
#[path = "files/steps.rs"]
#[allow(dead_code, reason = "the local files steps this test does not use")]
mod steps;
#[path = "remote_files/terminal.rs"]
mod terminal;

use std::io::Read;
use std::panic::AssertUnwindSafe;
use std::path::Path;

use common::TestServer;
use common::git_fixture::git;
use common::http::call;
use common::remote_opencode::{RemoteOpencode, connect};
use common::sshd::Sshd;
use futures::FutureExt;
use pocketcode::model::files::{FileRoute, file_route};
use serde_json::Value;

pub const REPO: &str = "@devbox";
/// Bytes the remote opencode would not serve as they are (its text is
/// trimmed, and this is not UTF-8): downloads go over ssh.
pub const ODD_BYTES: &[u8] = b"  padded\n\xff\xfe\n\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_remote_chats_files_are_browsed_downloaded_and_uploaded_and_its_terminal_runs() {
    let sshd = Sshd::start();
    let remote = RemoteOpencode::start().await;
    let project = remote.project("webapp");
    seed(&project);
    let session = remote.create_session(&project).await;
    let known_hosts = sshd.known_hosts.display().to_string();
    let server =
        TestServer::start(&["--ssh-known-hosts", &known_hosts, "--upload-max-mb", "1"]).await;
    let outcome = AssertUnwindSafe(async {
        server.wait_ready().await;
        connect(&server, &sshd, &remote, "devbox").await;
        listed_and_read(&server, &session.id).await;
        downloaded(&server, &session.id).await;
        uploaded(&server, &session.id, &project).await;
        refused::bad_requests_write_nothing(&server, &session.id, &project).await;
        terminal::runs_in_the_sessions_directory(&server, &session.id, &project).await;
    })
    .catch_unwind()
    .await;
    server.stop().await;
    remote.stop().await;
    drop(sshd);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// A committed project, then a modified file, a new one in a new folder
/// and a file of odd bytes.
fn seed(project: &Path) {
    std::fs::create_dir_all(project.join("src")).expect("mkdir");
    std::fs::write(project.join("src/main.rs"), "fn main() {}\n").expect("write");
    std::fs::write(project.join("README.md"), "# webapp\n").expect("write");
    git(project, &["init", "-q", "-b", "main"]);
    git(project, &["add", "."]);
    git(
        project,
        &[
            "-c",
            "user.email=t@t",
            "-c",
            "user.name=t",
            "commit",
            "-qm",
            "init",
        ],
    );
    std::fs::write(project.join("README.md"), "# webapp\nchanged\n").expect("write");
    std::fs::create_dir_all(project.join("notes")).expect("mkdir");
    std::fs::write(project.join("notes/todo.md"), "- ship it\n").expect("write");
    std::fs::write(project.join("odd.bin"), ODD_BYTES).expect("write");
}

pub async fn list(server: &TestServer, session: &str, path: &str) -> (u16, Value) {
    call(
        server,
        "list_files",
        &[("repo", REPO), ("chat_id", session), ("path", path)],
    )
    .await
}

pub async fn read(server: &TestServer, session: &str, path: &str) -> (u16, Value) {
    call(
        server,
        "read_file",
        &[("repo", REPO), ("chat_id", session), ("path", path)],
    )
    .await
}

/// A download route's status and bytes.
pub async fn fetch(
    server: &TestServer,
    route: FileRoute,
    session: &str,
    path: &str,
) -> (u16, Vec<u8>) {
    let response = steps::own_connection(server)
        .get(server.url(&file_route(route, REPO, session, path)))
        .send()
        .await
        .expect("download");
    let status = response.status().as_u16();
    (
        status,
        response
            .bytes()
            .await
            .map(|b| b.to_vec())
            .unwrap_or_default(),
    )
}

/// Uploads `files` (name, bytes) into `folder`.
pub async fn upload(
    server: &TestServer,
    session: &str,
    folder: &str,
    files: &[(&str, &[u8])],
) -> (u16, Value) {
    let parts: Vec<_> = files.iter().map(|(n, b)| ("file", Some(*n), *b)).collect();
    let (content_type, body) = steps::multipart(&parts);
    let response = steps::own_connection(server)
        .post(server.url(&file_route(FileRoute::Upload, REPO, session, folder)))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("upload");
    common::http::decode(response).await
}

async fn listed_and_read(server: &TestServer, session: &str) {
    let (status, root) = list(server, session, "").await;
    assert_eq!(status, 200, "{root}");
    let found: Vec<(String, String, Option<String>)> = steps::entries(&root)
        .into_iter()
        .map(|(name, kind, _, status)| (name, kind, status))
        .collect();
    let own = |name: &str, kind: &str, status: Option<&str>| {
        (name.to_owned(), kind.to_owned(), status.map(str::to_owned))
    };
    // Folders first; `.git` left out; git's marks from the remote.
    assert_eq!(
        found,
        [
            own("notes", "folder", Some("changed")),
            own("src", "folder", None),
            own("README.md", "file", Some("modified")),
            own("odd.bin", "file", Some("added")),
        ],
        "{root}"
    );
    let (status, notes) = list(server, session, "notes").await;
    assert_eq!(status, 200, "{notes}");
    assert_eq!(notes["entries"][0]["path"], "notes/todo.md");
    assert_eq!(notes["entries"][0]["status"], "added");
    let (status, text) = read(server, session, "src/main.rs").await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(text["text"], "fn main() {}");
    assert_eq!(text["path"], "src/main.rs");
}

async fn downloaded(server: &TestServer, session: &str) {
    let (status, bytes) = fetch(server, FileRoute::Download, session, "odd.bin").await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
    assert_eq!(bytes, ODD_BYTES, "the bytes as they are on the remote");
    let (status, zip) = fetch(server, FileRoute::Zip, session, "").await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&zip));
    let contents = unzip(&zip);
    let names: Vec<&str> = contents.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "README.md",
            "notes/",
            "notes/todo.md",
            "odd.bin",
            "src/",
            "src/main.rs"
        ],
        "no .git, no links"
    );
    let odd = contents
        .iter()
        .find(|(n, _)| n == "odd.bin")
        .expect("odd.bin");
    assert_eq!(odd.1, ODD_BYTES);
    let (status, zip) = fetch(server, FileRoute::Zip, session, "notes").await;
    assert_eq!(status, 200);
    assert_eq!(
        unzip(&zip),
        [("todo.md".to_owned(), b"- ship it\n".to_vec())]
    );
}

async fn uploaded(server: &TestServer, session: &str, project: &Path) {
    let (status, listing) = upload(
        server,
        session,
        "notes",
        &[("plan.txt", b"step one\n"), ("two.bin", b"\x00\x01")],
    )
    .await;
    assert_eq!(status, 201, "{listing}");
    let names: Vec<String> = steps::entries(&listing).into_iter().map(|e| e.0).collect();
    assert_eq!(names, ["plan.txt", "todo.md", "two.bin"], "{listing}");
    assert_eq!(
        std::fs::read(project.join("notes/plan.txt")).expect("placed"),
        b"step one\n"
    );
    assert_eq!(
        std::fs::read(project.join("notes/two.bin")).expect("placed"),
        b"\x00\x01"
    );
    assert_eq!(hidden_leftovers(project), Vec::<String>::new());
}

/// Every entry of a zip, sorted: (name, bytes).
pub fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a whole zip");
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).expect("entry");
        let mut data = Vec::new();
        file.read_to_end(&mut data).expect("read");
        out.push((file.name().to_owned(), data));
    }
    out.sort();
    out
}

/// Temporary upload files left anywhere under `root`.
pub fn hidden_leftovers(root: &Path) -> Vec<String> {
    steps::snapshot(root)
        .into_iter()
        .map(|(name, _)| name)
        .filter(|name| name.contains(".pocketcode-upload-"))
        .collect()
}
