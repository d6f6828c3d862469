//! The `/admin/*` API and the repo/chat server functions against bad input
//! (each gets a 4xx with a message and touches nothing), and the OpenAPI
//! document and docs page covering every admin route.

mod common;

use std::panic::AssertUnwindSafe;

use common::git_fixture::{Remote, git, tree_snapshot};
use common::http::{admin, call, decode};
use common::{TempDir, TestServer};
use futures::FutureExt;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_and_the_api_is_documented() {
    let fixtures = TempDir::new();
    let remote = Remote::create(fixtures.path(), "remote");
    let github = FakeGithub::start().await;
    let server = TestServer::start(&[
        "--github-token",
        "test-token",
        "--github-user",
        "octo",
        "--github-api",
        &github.url,
    ])
    .await;
    let outcome = AssertUnwindSafe(async {
        server.wait_ready().await;
        github_listing(&server, &github).await;
        bad_inputs_touch_nothing(&server, &remote, fixtures.path()).await;
        orphans_are_found_and_killed(&server, fixtures.path()).await;
        openapi_covers_every_admin_route(&server).await;
        docs_page_works_offline(&server).await;
    })
    .catch_unwind()
    .await;
    server.stop().await;
    github.server.abort();
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// GitHub's API as far as the repo picker uses it, on loopback: answers
/// `/user/repos` for the bearer token `test-token` only, and records the
/// queries it got.
struct FakeGithub {
    url: String,
    queries: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    server: tokio::task::JoinHandle<()>,
}

impl FakeGithub {
    async fn start() -> Self {
        use axum::http::{HeaderMap, StatusCode, Uri};
        let queries = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = queries.clone();
        let app = axum::Router::new().route(
            "/user/repos",
            axum::routing::get(move |headers: HeaderMap, uri: Uri| async move {
                seen.lock()
                    .expect("lock")
                    .push(uri.query().unwrap_or_default().to_owned());
                if headers.get("authorization").and_then(|v| v.to_str().ok())
                    != Some("Bearer test-token")
                {
                    return (
                        StatusCode::UNAUTHORIZED,
                        axum::Json(json!({"message": "Bad credentials"})),
                    );
                }
                let repos = json!([
                    {"full_name": "octo/app", "private": false, "description": "an app",
                     "default_branch": "main", "updated_at": "2026-11-01T00:00:00Z"},
                    {"full_name": "octo/secret", "private": true, "description": null,
                     "default_branch": "trunk", "updated_at": "2026-10-01T00:00:00Z"},
                    {"full_name": "someone-else/lib", "private": false, "description": null,
                     "default_branch": "main", "updated_at": "2026-09-01T00:00:00Z"},
                ]);
                (StatusCode::OK, axum::Json(repos))
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            url,
            queries,
            server,
        }
    }
}

async fn github_listing(server: &TestServer, github: &FakeGithub) {
    let (status, listing) = call(server, "list_github_repos", &[]).await;
    assert_eq!(status, 200, "{listing}");
    assert_eq!(listing["configured"], true);
    let names: Vec<&str> = listing["repos"]
        .as_array()
        .expect("repos")
        .iter()
        .filter_map(|r| r["full_name"].as_str())
        .collect();
    assert_eq!(
        names,
        ["octo/app", "octo/secret"],
        "only GITHUB_USER's: {listing}"
    );
    assert_eq!(listing["repos"][1]["private"], true);
    let queries = github.queries.lock().expect("lock").clone();
    assert_eq!(queries.len(), 1, "{queries:?}");
    assert!(
        queries[0].contains("per_page=100") && queries[0].contains("sort=updated"),
        "{queries:?}"
    );
}

/// One bad request and the status it must get.
enum Bad {
    Admin(&'static str, String, Option<Value>, u16),
    /// A JSON body sent as raw text with a content type (or none).
    Raw(&'static str, Option<&'static str>, &'static str, u16),
    Fn(&'static str, Vec<(&'static str, String)>, u16),
}

async fn bad_inputs_touch_nothing(
    server: &TestServer,
    remote: &Remote,
    fixtures: &std::path::Path,
) {
    let (status, _) = admin(
        server,
        "POST",
        "/admin/repos",
        Some(json!({"source": remote.url()})),
    )
    .await;
    assert_eq!(status, 201);
    let config = std::fs::read_to_string(
        server
            .data_dir
            .path()
            .join("repos/local__remote/.git/config"),
    )
    .expect("the clone's config");
    assert!(!config.contains("test-token"), "{config}");
    let (status, chat) = call(server, "new_chat", &[("repo", "local/remote")]).await;
    assert_eq!(status, 200, "{chat}");
    let chat_id = chat["worktree"]["chat_id"]
        .as_str()
        .expect("chat id")
        .to_owned();
    let url = remote.url();
    let huge = "x".repeat(5000);
    let a101 = "a".repeat(101);
    let s = |v: &str| v.to_owned();

    use Bad::{Admin, Fn, Raw};
    let table = vec![
        // Clone sources.
        Admin("POST", s("/admin/repos"), Some(json!({"source": ""})), 400),
        Admin(
            "POST",
            s("/admin/repos"),
            Some(json!({"source": "../etc"})),
            400,
        ),
        Admin(
            "POST",
            s("/admin/repos"),
            Some(json!({"source": "/etc/../tmp/x"})),
            400,
        ),
        Admin(
            "POST",
            s("/admin/repos"),
            Some(json!({"source": "-upload-pack=evil/x"})),
            400,
        ),
        Admin(
            "POST",
            s("/admin/repos"),
            Some(json!({"source": "relative/path/x"})),
            400,
        ),
        Admin(
            "POST",
            s("/admin/repos"),
            Some(json!({"source": "/nonexistent/dir/repo"})),
            400,
        ),
        Admin(
            "POST",
            s("/admin/repos"),
            Some(json!({"source": "file:///nonexistent.git"})),
            400,
        ),
        Admin(
            "POST",
            s("/admin/repos"),
            Some(json!({"source": fixtures.display().to_string()})),
            400,
        ),
        Admin(
            "POST",
            s("/admin/repos"),
            Some(json!({"source": "http://example.com/a/b.git"})),
            400,
        ),
        Admin(
            "POST",
            s("/admin/repos"),
            Some(json!({"source": "ssh://git@example.com/a/b"})),
            400,
        ),
        Admin(
            "POST",
            s("/admin/repos"),
            Some(json!({"source": "git@github.com:a/b.git"})),
            400,
        ),
        Admin(
            "POST",
            s("/admin/repos"),
            Some(json!({"source": "https://user:pw@example.com/a/b.git"})),
            400,
        ),
        Admin(
            "POST",
            s("/admin/repos"),
            Some(json!({"source": huge})),
            400,
        ),
        Admin(
            "POST",
            s("/admin/repos"),
            Some(json!({"source": "a/b\u{0}c"})),
            400,
        ),
        // Names given to a clone.
        Admin(
            "POST",
            s("/admin/repos"),
            Some(json!({"source": url, "name": "../evil"})),
            400,
        ),
        Admin(
            "POST",
            s("/admin/repos"),
            Some(json!({"source": url, "name": "a/b/c"})),
            400,
        ),
        Admin(
            "POST",
            s("/admin/repos"),
            Some(json!({"source": url, "name": "-x/y"})),
            400,
        ),
        Admin(
            "POST",
            s("/admin/repos"),
            Some(json!({"source": url, "name": "/abs/x"})),
            400,
        ),
        Admin(
            "POST",
            s("/admin/repos"),
            Some(json!({"source": url, "name": "a__b/c"})),
            400,
        ),
        Admin(
            "POST",
            s("/admin/repos"),
            Some(json!({"source": url, "name": format!("x/{a101}")})),
            400,
        ),
        // Malformed bodies.
        Admin("POST", s("/admin/repos"), Some(json!({"source": 42})), 422),
        Admin("POST", s("/admin/repos"), Some(json!({})), 422),
        Admin(
            "POST",
            s("/admin/repos"),
            Some(json!({"source": url, "extra": 1})),
            422,
        ),
        Raw("/admin/repos", Some("application/json"), "not json", 400),
        Raw("/admin/repos", None, r#"{"source":"x/y"}"#, 415),
        // Repo paths.
        Admin("GET", s("/admin/repos/local/nope"), None, 404),
        Admin("GET", s("/admin/repos/-x/y"), None, 400),
        Admin("GET", s("/admin/repos/..%2F..%2Fetc/passwd"), None, 400),
        Admin("GET", s("/admin/repos/local/.hidden"), None, 400),
        Admin("GET", format!("/admin/repos/{a101}/x"), None, 400),
        Admin("DELETE", s("/admin/repos/local/nope"), None, 404),
        Admin("DELETE", s("/admin/repos/local/remote"), None, 409),
        Admin(
            "DELETE",
            s("/admin/repos/local/remote?force=maybe"),
            None,
            400,
        ),
        Admin("DELETE", s("/admin/repos/a__b/c"), None, 400),
        Admin("DELETE", s("/admin/repos/%2Fetc/passwd"), None, 400),
        // Worktree paths.
        Admin(
            "GET",
            s("/admin/worktrees/local/remote/zzzzzzzz"),
            None,
            404,
        ),
        Admin("GET", s("/admin/worktrees/local/remote/UPPER"), None, 400),
        Admin("GET", s("/admin/worktrees/local/remote/..%2F.."), None, 400),
        Admin(
            "GET",
            format!("/admin/worktrees/local/remote/{}", "a".repeat(33)),
            None,
            400,
        ),
        Admin(
            "GET",
            s("/admin/worktrees/local/nope/abcdefgh/diff"),
            None,
            404,
        ),
        Admin("GET", s("/admin/worktrees/x/y/%20abcd/diff"), None, 400),
        Admin(
            "DELETE",
            s("/admin/worktrees/local/remote/unknownid1"),
            None,
            404,
        ),
        Admin("DELETE", s("/admin/worktrees/local/remote/-rf"), None, 400),
        Admin(
            "DELETE",
            format!("/admin/worktrees/local/remote/{chat_id}?force=notabool"),
            None,
            400,
        ),
        Admin(
            "DELETE",
            format!("/admin/worktrees/local/remote/{chat_id}?recursive=1"),
            None,
            400,
        ),
        Admin(
            "DELETE",
            format!("/admin/worktrees/..%2Flocal/remote/{chat_id}"),
            None,
            400,
        ),
        // Garbage collection options.
        Admin("POST", s("/admin/gc?max_age_seconds=-1"), None, 400),
        Admin(
            "POST",
            s("/admin/gc?max_age_seconds=99999999999999"),
            None,
            400,
        ),
        Admin("POST", s("/admin/gc?dry_run=nope"), None, 400),
        Admin("POST", s("/admin/gc?unknown=1"), None, 400),
        // Server functions.
        Fn("add_repo", vec![("source", s("../x"))], 400),
        Fn("add_repo", vec![("source", s("/nonexistent/x"))], 400),
        Fn("add_repo", vec![("source", huge.clone())], 400),
        Fn("new_chat", vec![("repo", s(""))], 400),
        Fn("new_chat", vec![("repo", s("--upload-pack=x"))], 400),
        Fn("new_chat", vec![("repo", s("/etc/passwd/.."))], 400),
        Fn(
            "delete_chat",
            vec![("repo", s("local/remote")), ("chat_id", s("../../x"))],
            400,
        ),
        Fn(
            "delete_chat",
            vec![("repo", s("../x")), ("chat_id", s("abcdef"))],
            400,
        ),
        Fn(
            "delete_chat",
            vec![("repo", s("local/remote")), ("chat_id", s("unknown1"))],
            404,
        ),
        Fn(
            "delete_chat",
            vec![("repo", huge.clone()), ("chat_id", chat_id.clone())],
            400,
        ),
        Fn(
            "diff_stat",
            vec![("repo", s("local/remote")), ("chat_id", s("abc/def"))],
            400,
        ),
        Fn(
            "diff_stat",
            vec![("repo", s("local/remote")), ("chat_id", s("nochat12"))],
            404,
        ),
        Fn(
            "diff_stat",
            vec![("repo", s("local")), ("chat_id", chat_id.clone())],
            400,
        ),
    ];
    assert!(table.len() >= 40, "{} cases", table.len());

    let data = server.data_dir.path();
    let clone = data.join("repos/local__remote");
    let before = (
        tree_snapshot(&data.join("repos")),
        tree_snapshot(&data.join("worktrees")),
        git(&clone, &["branch", "--list"]),
        tree_snapshot(fixtures),
    );
    for (index, case) in table.into_iter().enumerate() {
        let (what, expected, (status, body)) = match case {
            Admin(method, path, body, expected) => {
                let what = format!("{method} {}", shorten(&path));
                (what, expected, admin(server, method, &path, body).await)
            }
            Raw(path, content_type, body, expected) => {
                let mut request = server.http.post(server.url(path)).body(body);
                if let Some(content_type) = content_type {
                    request = request.header("content-type", content_type);
                }
                let answer = decode(request.send().await.expect("raw request")).await;
                (format!("POST {path} {body:?}"), expected, answer)
            }
            Fn(name, form, expected) => {
                let what = format!(
                    "{name} {:?}",
                    form.iter()
                        .map(|(k, v)| (k, shorten(v)))
                        .collect::<Vec<_>>()
                );
                let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                (what, expected, call(server, name, &form).await)
            }
        };
        assert_eq!(status, expected, "case {index}: {what} → {body}");
        let message = body["error"]
            .as_str()
            .or_else(|| {
                body.as_object()
                    .and_then(|o| o.values().next())
                    .and_then(Value::as_str)
            })
            .unwrap_or_default();
        assert!(
            !message.is_empty(),
            "case {index}: {what}: no message in {body}"
        );
        assert!(
            message.len() < 1000,
            "case {index}: {what}: message too long"
        );
    }
    let after = (
        tree_snapshot(&data.join("repos")),
        tree_snapshot(&data.join("worktrees")),
        git(&clone, &["branch", "--list"]),
        tree_snapshot(fixtures),
    );
    assert_eq!(before, after, "bad requests changed something");
    let (status, still) = admin(
        server,
        "GET",
        &format!("/admin/worktrees/local/remote/{chat_id}"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{still}");
    assert!(
        still["chat"]["session_id"].is_string(),
        "the session survived: {still}"
    );
}

/// Starts `script` in the background from a shell that exits at once, so
/// the process is adopted by init: an orphan. Returns its pid.
fn orphan(dir: &std::path::Path, script: &str) -> u32 {
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("({script}) </dev/null >/dev/null 2>&1 & echo $!"))
        .current_dir(dir)
        .output()
        .expect("start an orphan");
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .expect("the orphan's pid")
}

fn running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rsplit_once(')')
            .is_some_and(|(_, rest)| !rest.trim_start().starts_with(['Z', 'X']))
    })
}

async fn orphans_are_found_and_killed(server: &TestServer, fixtures: &std::path::Path) {
    let inside = server.data_dir.path().join("worktrees");
    let polite = orphan(&inside, "exec sleep 301");
    let stubborn = orphan(&inside, "trap '' TERM; exec sleep 302");
    let elsewhere = orphan(fixtures, "exec sleep 303");
    let mut child = std::process::Command::new("sleep")
        .arg("304")
        .current_dir(&inside)
        .spawn()
        .expect("a child of ours");
    let outcome = AssertUnwindSafe(async {
        let (_, listed) = admin(server, "GET", "/admin/processes", None).await;
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        let mut listed = listed;
        while !listed.to_string().contains("sleep 302") {
            assert!(
                tokio::time::Instant::now() < deadline,
                "orphans not found: {listed}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            listed = admin(server, "GET", "/admin/processes", None).await.1;
        }
        let pids: Vec<u64> = listed
            .as_array()
            .expect("array")
            .iter()
            .filter_map(|p| p["pid"].as_u64())
            .collect();
        assert!(
            pids.contains(&u64::from(polite)) && pids.contains(&u64::from(stubborn)),
            "{listed}"
        );
        assert!(
            !pids.contains(&u64::from(elsewhere)),
            "outside the data dir: {listed}"
        );
        assert!(
            !pids.contains(&u64::from(child.id())),
            "not an orphan: {listed}"
        );
        let entry = listed
            .as_array()
            .and_then(|all| all.iter().find(|p| p["pid"] == polite))
            .expect("the polite orphan");
        assert_eq!(entry["command"], "sleep 301");
        assert_eq!(entry["parent_pid"], 1);
        assert!(
            entry["rss_bytes"].as_u64().is_some_and(|b| b > 0),
            "{entry}"
        );

        // Refusals: PID 1, pocketcode, opencode, a child, a stranger, nothing.
        let (_, health) = admin(server, "GET", "/admin/health", None).await;
        let opencode = health["opencode"]["pid"].as_u64().expect("opencode pid");
        for (pid, expected) in [
            (1, 400),
            (u64::from(std::process::id()), 400),
            (opencode, 403),
            (u64::from(child.id()), 403),
            (u64::from(elsewhere), 403),
            (4_000_000, 404),
        ] {
            let (status, body) = admin(
                server,
                "POST",
                &format!("/admin/processes/{pid}/kill"),
                None,
            )
            .await;
            assert_eq!(status, expected, "kill {pid}: {body}");
            assert!(body["error"].is_string(), "{body}");
        }
        for bad in ["abc", "-1", "0", "99999999999", "1.5", "%20"] {
            let (status, body) = admin(
                server,
                "POST",
                &format!("/admin/processes/{bad}/kill"),
                None,
            )
            .await;
            assert_eq!(status, 400, "kill {bad}: {body}");
        }
        for query in ["grace_ms=100000", "grace_ms=abc", "signal=9"] {
            let path = format!("/admin/processes/{polite}/kill?{query}");
            let (status, body) = admin(server, "POST", &path, None).await;
            assert_eq!(status, 400, "{query}: {body}");
        }
        assert!(
            running(polite) && running(elsewhere) && running(child.id()),
            "refusals killed nothing"
        );

        let (status, killed) = admin(
            server,
            "POST",
            &format!("/admin/processes/{polite}/kill?grace_ms=2000"),
            None,
        )
        .await;
        assert_eq!(status, 200, "{killed}");
        assert_eq!(killed["signal"], "SIGTERM");
        assert!(!running(polite));
        let (status, killed) = admin(
            server,
            "POST",
            &format!("/admin/processes/{stubborn}/kill?grace_ms=300"),
            None,
        )
        .await;
        assert_eq!(status, 200, "{killed}");
        assert_eq!(killed["signal"], "SIGKILL", "it ignores SIGTERM");
        assert!(!running(stubborn));
        let (status, body) = admin(
            server,
            "POST",
            &format!("/admin/processes/{polite}/kill"),
            None,
        )
        .await;
        assert_eq!(status, 404, "already gone: {body}");
    })
    .catch_unwind()
    .await;
    let _ = child.kill();
    let _ = child.wait();
    for pid in [polite, stubborn, elsewhere] {
        let _ = std::process::Command::new("kill")
            .args(["-9", &pid.to_string()])
            .status();
    }
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

async fn openapi_covers_every_admin_route(server: &TestServer) {
    let (status, doc) = admin(server, "GET", "/admin/openapi.json", None).await;
    assert_eq!(status, 200, "{doc}");
    assert!(
        doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")),
        "{doc}"
    );
    let expected = [
        ("get", "/admin/health"),
        ("get", "/admin/repos"),
        ("post", "/admin/repos"),
        ("get", "/admin/repos/{owner}/{name}"),
        ("delete", "/admin/repos/{owner}/{name}"),
        ("get", "/admin/worktrees"),
        ("get", "/admin/worktrees/{owner}/{name}/{chat_id}"),
        ("delete", "/admin/worktrees/{owner}/{name}/{chat_id}"),
        ("get", "/admin/worktrees/{owner}/{name}/{chat_id}/diff"),
        ("get", "/admin/disk"),
        ("get", "/admin/processes"),
        ("post", "/admin/processes/{pid}/kill"),
        ("post", "/admin/gc"),
        ("get", "/admin/openapi.json"),
        ("get", "/admin/docs"),
    ];
    let paths = doc["paths"].as_object().expect("paths");
    let mut documented = Vec::new();
    for (path, item) in paths {
        for method in item.as_object().expect("path item").keys() {
            documented.push((method.clone(), path.clone()));
        }
    }
    documented.sort();
    let mut wanted: Vec<(String, String)> = expected.iter().map(|(m, p)| (s(m), s(p))).collect();
    wanted.sort();
    assert_eq!(documented, wanted, "documented operations");

    // Every operation documents its responses, and every schema reference resolves.
    for (method, path) in &documented {
        let op = &doc["paths"][path][method];
        assert!(
            op["responses"].as_object().is_some_and(|r| !r.is_empty()),
            "{method} {path}"
        );
    }
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    assert!(!refs.is_empty());
    for reference in refs {
        let name = reference
            .strip_prefix("#/components/schemas/")
            .expect("schema ref");
        assert!(schemas.contains_key(name), "dangling {reference}");
    }

    // Every documented operation is really served by pocketcode (not the
    // opencode proxy behind it): an unknown repo gets our JSON error.
    for (method, path) in &documented {
        let concrete = path
            .replace("{owner}", "nobody")
            .replace("{name}", "nothing")
            .replace("{chat_id}", "nochat12")
            .replace("{pid}", "4000000");
        if *method == "post" && path == "/admin/repos" {
            continue; // covered by the bad-input table
        }
        let response = server
            .http
            .request(
                method.to_uppercase().parse().expect("method"),
                server.url(&concrete),
            )
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = response.text().await.expect("body");
        assert_ne!(status, 405, "{method} {concrete}");
        if concrete.contains("nobody") || concrete.contains("4000000") {
            assert_eq!(status, 404, "{method} {concrete}: {body}");
            assert!(body.contains("\"error\""), "{method} {concrete}: {body}");
        } else {
            assert!(
                status == 200 || status == 503,
                "{method} {concrete}: {status} {body}"
            );
            assert!(
                content_type.starts_with("application/json")
                    || content_type.starts_with("text/html"),
                "{method} {concrete}: {content_type}"
            );
        }
    }
}

async fn docs_page_works_offline(server: &TestServer) {
    let response = server
        .http
        .get(server.url("/admin/docs"))
        .send()
        .await
        .expect("docs");
    assert_eq!(response.status().as_u16(), 200);
    let page = response.text().await.expect("page");
    for path in [
        "/admin/repos/{owner}/{name}",
        "/admin/gc",
        "/admin/worktrees/{owner}/{name}/{chat_id}/diff",
    ] {
        assert!(
            page.contains(&format!("<code>{path}</code>")),
            "{path} missing"
        );
    }
    assert!(
        !page.contains("<script") && !page.contains("https://") && !page.contains("http://"),
        "no external assets"
    );
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => collect_refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

fn s(text: &str) -> String {
    text.to_owned()
}

fn shorten(text: &str) -> String {
    text.chars().take(80).collect()
}
