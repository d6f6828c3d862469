//! Cross-site requests: with the owner's cookie in the browser, another
//! site may link to pocketcode's pages (a link lands on the page, or on the
//! login page), but nothing else it makes the browser send gets through —
//! not a read of the API, a server function, the event stream or the
//! opencode proxy, not even as a link straight to one of those. Headers as
//! Chromium sends them for each kind of request.

use std::panic::AssertUnwindSafe;

use futures::FutureExt;
use reqwest::header::{LOCATION, ORIGIN};
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::common::TestServer;

const EVIL: &str = "http://evil.example";

/// How a page on another site (or a sibling subdomain) makes the browser
/// send a request, as (name, headers).
fn foreign_kinds() -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    vec![
        (
            "fetch() from another site",
            vec![
                ("origin", EVIL),
                ("sec-fetch-site", "cross-site"),
                ("sec-fetch-mode", "cors"),
                ("sec-fetch-dest", "empty"),
            ],
        ),
        (
            "fetch() from a sibling subdomain",
            vec![
                ("origin", "http://other.127.0.0.1.nip.io"),
                ("sec-fetch-site", "same-site"),
                ("sec-fetch-mode", "cors"),
                ("sec-fetch-dest", "empty"),
            ],
        ),
        (
            "<img> from another site",
            vec![
                ("sec-fetch-site", "cross-site"),
                ("sec-fetch-mode", "no-cors"),
                ("sec-fetch-dest", "image"),
            ],
        ),
        (
            "a link from another site straight to it",
            vec![
                ("sec-fetch-site", "cross-site"),
                ("sec-fetch-mode", "navigate"),
                ("sec-fetch-dest", "document"),
                ("sec-fetch-user", "?1"),
                ("upgrade-insecure-requests", "1"),
            ],
        ),
        (
            "an <iframe> on another site",
            vec![
                ("sec-fetch-site", "cross-site"),
                ("sec-fetch-mode", "navigate"),
                ("sec-fetch-dest", "iframe"),
            ],
        ),
        (
            "fetch() from a browser without Sec-Fetch-*",
            vec![("origin", EVIL)],
        ),
    ]
}

/// A link clicked on another site, as Chromium sends it.
const LINK: [(&str, &str); 5] = [
    ("sec-fetch-site", "cross-site"),
    ("sec-fetch-mode", "navigate"),
    ("sec-fetch-dest", "document"),
    ("sec-fetch-user", "?1"),
    ("upgrade-insecure-requests", "1"),
];

/// The same page's own `fetch()`.
const OWN: [(&str, &str); 3] = [
    ("sec-fetch-site", "same-origin"),
    ("sec-fetch-mode", "cors"),
    ("sec-fetch-dest", "empty"),
];

async fn send(
    client: &reqwest::Client,
    server: &TestServer,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let mut request = client.request(method, server.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("request")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cross_site_read_is_refused_while_a_cross_site_link_lands_on_a_page() {
    let server = TestServer::start(&[]).await;
    server.wait_ready().await;
    let outcome = AssertUnwindSafe(async {
        reads_from_other_sites_are_refused(&server).await;
        own_reads_still_work(&server).await;
        links_from_other_sites_land(&server).await;
    })
    .catch_unwind()
    .await;
    server.stop().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// The API (pocketcode's and opencode's), a server function, the session
/// check and the event stream, each with the owner's cookie.
const API: [(&str, &str); 6] = [
    ("GET", "/admin/repos"),
    ("GET", "/session"),
    ("GET", "/pocket/session"),
    ("GET", "/pocket/events"),
    ("GET", "/pocket/fn/info"),
    ("POST", "/pocket/fn/info"),
];

async fn reads_from_other_sites_are_refused(server: &TestServer) {
    let mut through = Vec::new();
    for (kind, headers) in foreign_kinds() {
        for (method, path) in API {
            let method: Method = method.parse().expect("method");
            let response = send(&server.http, server, method.clone(), path, &headers).await;
            let status = response.status();
            // Only the refusal's body is read: a stream that got through
            // (the event stream) would never end.
            if status != StatusCode::FORBIDDEN {
                through.push(format!("{kind}: {method} {path} -> {status}"));
                continue;
            }
            let body: Value = response.json().await.unwrap_or(Value::Null);
            let error = body["error"].as_str().unwrap_or_default();
            if !error.contains("Cross-site request refused") {
                through.push(format!("{kind}: {method} {path} -> {status} {body}"));
            }
        }
    }
    assert!(through.is_empty(), "got through:\n{}", through.join("\n"));
}

async fn own_reads_still_work(server: &TestServer) {
    for (path, expected) in [
        ("/admin/repos", StatusCode::OK),
        ("/session", StatusCode::OK),
        ("/pocket/session", StatusCode::NO_CONTENT),
    ] {
        // From the app's own pages, and from a client that says nothing
        // (curl, scripts).
        for headers in [&OWN[..], &[]] {
            let response = send(&server.http, server, Method::GET, path, headers).await;
            assert_eq!(response.status(), expected, "{path} {headers:?}");
        }
    }
    let stream = send(&server.http, server, Method::GET, "/pocket/events", &OWN).await;
    assert_eq!(stream.status(), StatusCode::OK);
    let info = server
        .http
        .post(server.url("/pocket/fn/info"))
        .header(ORIGIN, &server.base_url)
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .expect("get_info");
    assert_eq!(info.status(), StatusCode::OK);
}

async fn links_from_other_sites_land(server: &TestServer) {
    // Logged out: the app page sends the visitor on to the login page…
    let home = send(&server.anonymous, server, Method::GET, "/", &LINK).await;
    assert_eq!(home.status(), StatusCode::SEE_OTHER);
    assert_eq!(home.headers()[LOCATION], "/login?next=%2F");
    // …which answers the same kind of request with its form.
    let login = send(
        &server.anonymous,
        server,
        Method::GET,
        "/login?next=%2F",
        &LINK,
    )
    .await;
    assert_eq!(login.status(), StatusCode::OK);
    assert!(login.text().await.expect("page").contains("password"));
    // Logged in, the link shows the page (rendering a page changes nothing).
    for path in ["/", "/repos"] {
        let page = send(&server.http, server, Method::GET, path, &LINK).await;
        assert_eq!(page.status(), StatusCode::OK, "{path}");
        let html = page.text().await.expect("page");
        assert!(html.contains("<html"), "{path}: {html:.200}");
    }
    // The health check is public: a link to it is answered too.
    let health = send(
        &server.anonymous,
        server,
        Method::GET,
        "/admin/health",
        &LINK,
    )
    .await;
    assert_eq!(health.status(), StatusCode::OK);
}
