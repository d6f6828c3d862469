//! pocketcode's own routes must not shadow any route of the pinned
//! opencode: checked against the OpenAPI spec the running opencode serves.

mod common;

use common::TestOpencode;
use pocketcode::server::paths::owned_paths;

/// One segment of a path template: a literal, or a parameter / wildcard
/// that matches any segment (`{id}`, `:id`, `*`, `{*rest}`).
fn is_wildcard(segment: &str) -> bool {
    segment.starts_with('{') || segment.starts_with(':') || segment.starts_with('*')
}

/// Whether a request could match both templates.
fn overlap(ours: &str, theirs: &str) -> bool {
    let ours: Vec<&str> = ours.trim_end_matches('/').split('/').collect();
    let theirs: Vec<&str> = theirs.trim_end_matches('/').split('/').collect();
    // A trailing `*` (or `{*rest}`) on our side owns everything below it.
    let ours_prefix = ours
        .last()
        .is_some_and(|s| s.starts_with('*') || s.starts_with("{*"));
    let theirs_prefix = theirs.last().is_some_and(|s| s.starts_with("{*"));
    let fixed = |v: &Vec<&str>, prefix: bool| if prefix { v.len() - 1 } else { v.len() };
    let (n_ours, n_theirs) = (fixed(&ours, ours_prefix), fixed(&theirs, theirs_prefix));
    let lengths_fit = match (ours_prefix, theirs_prefix) {
        (false, false) => n_ours == n_theirs,
        (true, false) => n_theirs >= n_ours,
        (false, true) => n_ours >= n_theirs,
        (true, true) => true,
    };
    lengths_fit
        && ours
            .iter()
            .zip(theirs.iter())
            .take(n_ours.min(n_theirs))
            .all(|(a, b)| is_wildcard(a) || is_wildcard(b) || a == b)
}

#[test]
fn the_overlap_rule_itself_catches_collisions() {
    assert!(overlap("/pocket/*", "/pocket/x"));
    assert!(overlap("/c/{id}", "/c/{sessionID}"));
    assert!(overlap("/session", "/session"));
    assert!(overlap("/session/{id}", "/session/status"));
    assert!(!overlap("/", "/session"));
    assert!(!overlap("/admin/*", "/session/{id}"));
    assert!(!overlap("/c/{id}", "/c/{id}/x"));
}

/// opencode's OpenAPI spec, as `request` (a `GET /doc`) answers it.
async fn openapi(request: reqwest::RequestBuilder) -> serde_json::Value {
    request
        .send()
        .await
        .expect("fetch /doc")
        .json()
        .await
        .expect("spec json")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_pocketcode_route_shadows_an_opencode_route() {
    let oc = TestOpencode::start().await;
    let spec = openapi(oc.request(reqwest::Method::GET, "/doc")).await;
    oc.stop().await;
    let theirs: Vec<&str> = spec["paths"]
        .as_object()
        .expect("spec has paths")
        .keys()
        .map(String::as_str)
        .collect();
    // The spec must be the real one for this test to mean anything.
    assert!(theirs.len() > 50, "only {} paths in the spec", theirs.len());
    for known in ["/session", "/event", "/global/health", "/auth/{providerID}"] {
        assert!(theirs.contains(&known), "spec lacks {known}");
    }

    let ours = owned_paths();
    assert!(ours.iter().any(|p| p == "/"), "{ours:?}");
    // Server functions are registered at start-up; they must be in the list.
    assert!(
        ours.iter().any(|p| p == "/pocket/fn/send_prompt"),
        "{ours:?}"
    );
    let collisions: Vec<String> = ours
        .iter()
        .flat_map(|o| {
            theirs
                .iter()
                .filter(|t| overlap(o, t))
                .map(move |t| format!("{o} ~ {t}"))
        })
        .collect();
    assert!(
        collisions.is_empty(),
        "pocketcode shadows opencode routes: {collisions:#?}"
    );
}

/// One operation of the spec: its method, its path with dummies for the
/// path parameters (the fence answers before any routing), and whether it
/// takes a `directory` parameter, or `/api/*`'s `location` one.
struct Operation {
    method: reqwest::Method,
    path: String,
    directory: bool,
    location: bool,
}

fn operations(spec: &serde_json::Value) -> Vec<Operation> {
    let mut operations = Vec::new();
    for (template, item) in spec["paths"].as_object().expect("spec has paths") {
        let path: Vec<&str> = template
            .split('/')
            .map(|s| if is_wildcard(s) { "dummy" } else { s })
            .collect();
        for (method, operation) in item.as_object().expect("path item") {
            let Ok(method) = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()) else {
                continue;
            };
            let takes = |name: &str| {
                operation["parameters"]
                    .as_array()
                    .is_some_and(|ps| ps.iter().any(|p| p["name"] == name))
            };
            operations.push(Operation {
                method,
                path: path.join("/"),
                directory: takes("directory"),
                location: takes("location"),
            });
        }
    }
    operations
}

/// The directory fence in front of every opencode route: each operation of
/// the spec, sent through pocketcode naming `/etc` (by query, by header, and
/// as `location[directory]` where the route takes it), gets the fence's 403,
/// never opencode's answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_opencode_route_refuses_an_outside_directory() {
    let server = common::TestServer::start(&[]).await;
    server.wait_ready().await;
    let through = std::panic::AssertUnwindSafe(fenced_everywhere(&server));
    let outcome = futures::FutureExt::catch_unwind(through).await;
    server.stop().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

async fn fenced_everywhere(server: &common::TestServer) {
    // The spec of the opencode behind this pocketcode, fetched through it.
    let spec = openapi(server.http.get(server.url("/doc"))).await;
    let operations = operations(&spec);
    let with_directory = operations.iter().filter(|o| o.directory).count();
    let with_location = operations.iter().filter(|o| o.location).count();
    assert!(with_directory > 100, "{with_directory} take a directory");
    assert!(with_location > 20, "{with_location} take a location");
    let mut reached = Vec::new();
    let mut tried = 0;
    for operation in &operations {
        let path = &operation.path;
        let mut variants = vec![
            (format!("{path}?directory=/etc"), None),
            (path.clone(), Some("/etc")),
        ];
        if operation.location {
            variants.push((format!("{path}?location%5Bdirectory%5D=/etc"), None));
        }
        for (url, header) in variants {
            tried += 1;
            let method = operation.method.clone();
            let mut request = server
                .http
                .request(method.clone(), server.url(&url))
                .timeout(std::time::Duration::from_secs(10));
            if let Some(header) = header {
                request = request.header("x-opencode-directory", header);
            }
            if !matches!(method, reqwest::Method::GET | reqwest::Method::HEAD) {
                request = request.json(&serde_json::json!({}));
            }
            // Without the fence some routes long-poll: no answer is no refusal.
            let response = match request.send().await {
                Ok(response) => response,
                Err(err) => {
                    reached.push(format!("{method} {url} {header:?}: {err}"));
                    continue;
                }
            };
            let status = response.status();
            // Only a refusal's body is read: opencode's event streams never end.
            let body = if status == 403 {
                response.text().await.unwrap_or_default()
            } else {
                String::new()
            };
            let fenced: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
            let error = fenced["error"].as_str().unwrap_or_default();
            if status != 403 || !error.contains("\"/etc\" is refused") {
                reached.push(format!("{method} {url} {header:?}: {status} {body}"));
            }
        }
    }
    assert!(
        reached.is_empty(),
        "{} of {tried} requests were not refused by the fence:\n{}",
        reached.len(),
        reached.join("\n")
    );
    eprintln!(
        "{tried} requests over {} operations, all fenced",
        operations.len()
    );
}
