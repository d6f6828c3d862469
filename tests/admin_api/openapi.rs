//! The OpenAPI document covers every `/admin/*` route, and the docs page
//! renders it without anything from the network.

use serde_json::Value;

use crate::common::TestServer;
use crate::common::http::admin;

pub async fn openapi_covers_every_admin_route(server: &TestServer) {
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
        ("get", "/admin/worktrees/{owner}/{name}/{chat_id}/changes"),
        ("post", "/admin/worktrees/{owner}/{name}/{chat_id}/commit"),
        (
            "post",
            "/admin/worktrees/{owner}/{name}/{chat_id}/commit-message",
        ),
        ("post", "/admin/worktrees/{owner}/{name}/{chat_id}/merge"),
        ("get", "/admin/disk"),
        ("get", "/admin/processes"),
        ("get", "/admin/memory"),
        ("post", "/admin/processes/{pid}/kill"),
        ("post", "/admin/gc"),
        ("get", "/admin/openapi.json"),
        ("get", "/admin/docs"),
        ("post", "/admin/worktrees/{owner}/{name}/{chat_id}/push"),
        ("get", "/admin/worktrees/{owner}/{name}/{chat_id}/pull"),
        ("post", "/admin/worktrees/{owner}/{name}/{chat_id}/pull"),
        (
            "post",
            "/admin/worktrees/{owner}/{name}/{chat_id}/pull/merge",
        ),
        (
            "post",
            "/admin/worktrees/{owner}/{name}/{chat_id}/pull/close",
        ),
        ("get", "/admin/search"),
        ("get", "/admin/worktrees/{owner}/{name}/{chat_id}/files"),
        (
            "get",
            "/admin/worktrees/{owner}/{name}/{chat_id}/files/download",
        ),
        ("get", "/admin/worktrees/{owner}/{name}/{chat_id}/files/zip"),
        (
            "post",
            "/admin/worktrees/{owner}/{name}/{chat_id}/files/upload",
        ),
        ("get", "/admin/remotes/{remote}/{session_id}/files"),
        ("get", "/admin/remotes/{remote}/{session_id}/files/download"),
        ("get", "/admin/remotes/{remote}/{session_id}/files/zip"),
        ("post", "/admin/remotes/{remote}/{session_id}/files/upload"),
        ("get", "/admin/worktrees/{owner}/{name}/{chat_id}/review"),
        (
            "get",
            "/admin/worktrees/{owner}/{name}/{chat_id}/review/diff",
        ),
        (
            "post",
            "/admin/worktrees/{owner}/{name}/{chat_id}/review/comments",
        ),
        (
            "put",
            "/admin/worktrees/{owner}/{name}/{chat_id}/review/comments/{id}",
        ),
        (
            "delete",
            "/admin/worktrees/{owner}/{name}/{chat_id}/review/comments/{id}",
        ),
        (
            "post",
            "/admin/worktrees/{owner}/{name}/{chat_id}/review/send",
        ),
        ("post", "/admin/worktrees/{owner}/{name}/{chat_id}/undo"),
        ("post", "/admin/worktrees/{owner}/{name}/{chat_id}/redo"),
        ("post", "/admin/worktrees/{owner}/{name}/{chat_id}/fork"),
        ("get", "/admin/worktrees/{owner}/{name}/{chat_id}/usage"),
        ("get", "/admin/usage"),
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
            .replace("{remote}", "nobody")
            .replace("{session_id}", "ses_probe1")
            .replace("{pid}", "4000000");
        // The search needs its text (without it: 400, tested in tests/search.rs).
        let concrete = if path == "/admin/search" {
            format!("{concrete}?q=probe")
        } else {
            concrete
        };
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

pub async fn docs_page_works_offline(server: &TestServer) {
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
