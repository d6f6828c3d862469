//! pocketcode's own routes must not shadow any route of the pinned
//! opencode: checked against the OpenAPI spec the running opencode serves.

mod common;

use common::TestOpencode;
use pocketcode::server::routes::owned_paths;

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_pocketcode_route_shadows_an_opencode_route() {
    let oc = TestOpencode::start().await;
    let spec: serde_json::Value = oc
        .request(reqwest::Method::GET, "/doc")
        .send()
        .await
        .expect("fetch /doc")
        .json()
        .await
        .expect("spec json");
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
