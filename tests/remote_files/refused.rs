//! Bad requests for a remote chat's files: `..` and absolute paths, links
//! the agent planted in its directory on the remote that lead out of it
//! (to a folder beside it, to the remote's `/etc`), a folder where a file
//! is wanted and the other way round, an unknown session or remote,
//! uploads over the limit or onto a name that is taken. Each is a 4xx
//! whose message names the problem; nothing is written on the remote,
//! inside the directory or out.

use std::os::unix::fs::symlink;
use std::path::Path;

use pocketcode::model::files::FileRoute;

use crate::common::TestServer;
use crate::steps::snapshot;
use crate::{fetch, hidden_leftovers, list, read, upload};

/// An upload's files: (name, bytes).
type Files<'a> = Vec<(&'a str, &'a [u8])>;

pub async fn bad_requests_write_nothing(server: &TestServer, session: &str, project: &Path) {
    let outside = project.parent().expect("projects").join("beside");
    std::fs::create_dir_all(&outside).expect("mkdir");
    std::fs::write(outside.join("secret.txt"), "not the agent's\n").expect("write");
    // What an agent on the remote can do in its directory.
    symlink(&outside, project.join("escape")).expect("link");
    symlink("/etc/passwd", project.join("passwd")).expect("link");
    symlink("../..", project.join("notes/up")).expect("link");
    let project_before = snapshot(project);
    let outside_before = snapshot(&outside);

    #[rustfmt::skip]
    let listed: [(&str, u16, &str); 7] = [
        ("..", 400, "`.` and `..` are not allowed"),
        ("src/../..", 400, "`.` and `..`"),
        ("/etc", 400, "is absolute"),
        ("escape", 403, "escape leads outside the chat's worktree"),
        ("notes/up", 403, "leads outside"),
        ("README.md", 400, "a file, not a folder"),
        ("nothing", 404, "is not in the chat's directory on devbox"),
    ];
    for (path, status, says) in listed {
        let (got, body) = list(server, session, path).await;
        assert_eq!(got, status, "list {path:?}: {body}");
        assert!(body.to_string().contains(says), "list {path:?}: {body}");
    }
    #[rustfmt::skip]
    let opened: [(&str, u16, &str); 4] = [
        ("escape/secret.txt", 403, "leads outside"),
        ("passwd", 403, "leads outside"),
        ("../webapp/README.md", 400, "`.` and `..`"),
        ("src", 400, "a folder, not a file"),
    ];
    for (path, status, says) in opened {
        let (got, body) = read(server, session, path).await;
        assert_eq!(got, status, "read {path:?}: {body}");
        assert!(body.to_string().contains(says), "read {path:?}: {body}");
    }
    #[rustfmt::skip]
    let fetched: [(FileRoute, &str, u16, &str); 7] = [
        (FileRoute::Download, "escape/secret.txt", 403, "leads outside"),
        (FileRoute::Download, "passwd", 403, "leads outside"),
        (FileRoute::Download, "/etc/passwd", 400, "is absolute"),
        (FileRoute::Download, "src", 400, "download it as a zip"),
        (FileRoute::Download, "gone.txt", 404, "not in the chat's directory"),
        (FileRoute::Zip, "escape", 403, "leads outside"),
        (FileRoute::Zip, "README.md", 400, "is a file, not a folder"),
    ];
    for (route, path, status, says) in fetched {
        let (got, body) = fetch(server, route, session, path).await;
        let body = String::from_utf8_lossy(&body);
        assert_eq!(got, status, "{route:?} {path:?}: {body}");
        assert!(body.contains(says), "{route:?} {path:?}: {body}");
    }
    let evil: &[(&str, &[u8])] = &[("evil.txt", b"evil\n")];
    let over_limit = vec![7u8; 1_100_000];
    #[rustfmt::skip]
    let uploads: Vec<(&str, Files, u16, &str)> = vec![
        ("escape", evil.to_vec(), 403, "leads outside"),
        ("notes/up", evil.to_vec(), 403, "leads outside"),
        ("..", evil.to_vec(), 400, "`.` and `..`"),
        ("README.md", evil.to_vec(), 400, "upload into a folder"),
        ("notes", vec![("..", b"x")], 400, "`.` and `..` are not allowed"),
        ("notes", vec![("a\\b", b"x")], 400, "may not contain"),
        ("notes", vec![("fresh.txt", b"x"), ("todo.md", b"x")], 409, "notes/todo.md is already there"),
        ("notes", vec![("big.bin", &over_limit)], 413, "limit of 1 MB"),
    ];
    for (folder, files, status, says) in uploads {
        let (got, body) = upload(server, session, folder, &files).await;
        assert_eq!(got, status, "upload into {folder:?}: {body}");
        assert!(
            body.to_string().contains(says),
            "upload into {folder:?}: {body}"
        );
    }
    // Unknown chats: a session the remote does not have, a remote with no
    // profile.
    let (got, body) = list(server, "ses_nosuchsession", "").await;
    assert_eq!(got, 404, "{body}");
    let (got, body) = crate::common::http::call(
        server,
        "list_files",
        &[("repo", "@nowhere"), ("chat_id", session), ("path", "")],
    )
    .await;
    assert_eq!(got, 404, "{body}");
    assert!(body.to_string().contains("no connection named"), "{body}");

    assert_eq!(
        snapshot(project),
        project_before,
        "the directory is as it was"
    );
    assert_eq!(
        snapshot(&outside),
        outside_before,
        "nothing written outside"
    );
    assert_eq!(hidden_leftovers(project), Vec::<String>::new());
}
