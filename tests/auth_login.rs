//! Logging in and out: the cookie's flags, wrong passwords, the rate limit
//! (per address and global), the Origin check, security headers and
//! "log out everywhere". None of it needs opencode, so these servers get a
//! binary that does not exist (and start nothing).

mod common;

use std::time::Duration;

use common::{TEST_PASSWORD, TestServer, client_from};
use reqwest::StatusCode;
use reqwest::header::{
    CONTENT_SECURITY_POLICY, COOKIE, LOCATION, ORIGIN, REFERRER_POLICY, RETRY_AFTER, SET_COOKIE,
};

const NO_OPENCODE: [&str; 2] = ["--opencode-bin", "/nonexistent/opencode"];

async fn start(extra: &[&str]) -> TestServer {
    let mut args = NO_OPENCODE.to_vec();
    args.extend_from_slice(extra);
    TestServer::start(&args).await
}

async fn post_login(
    client: &reqwest::Client,
    server: &TestServer,
    password: &str,
) -> reqwest::Response {
    client
        .post(server.url("/login"))
        .form(&[("password", password), ("next", "/?session=ses_abc")])
        .send()
        .await
        .expect("POST /login")
}

/// The right password, over a connection a proxy says was HTTPS.
async fn login_said_https(server: &TestServer) -> reqwest::Response {
    server
        .anonymous
        .post(server.url("/login"))
        .header("x-forwarded-proto", "https")
        .form(&[("password", TEST_PASSWORD)])
        .send()
        .await
        .expect("POST /login")
}

/// A logged-in request that only succeeds with a valid session.
async fn authenticated(server: &TestServer, cookie: &str) -> bool {
    let response = server
        .anonymous
        .get(server.url("/logout"))
        .header(COOKIE, cookie)
        .send()
        .await
        .expect("GET /logout");
    // Logged in: the logout page; logged out: sent to the login page.
    response.status() == StatusCode::OK
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_right_password_sets_a_hardened_cookie_and_a_wrong_one_nothing() {
    let server = start(&[]).await;
    let wrong = post_login(&server.anonymous, &server, "not the password").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(wrong.headers().get(SET_COOKIE).is_none());
    assert!(wrong.text().await.expect("page").contains("Wrong password"));

    let right = post_login(&server.anonymous, &server, TEST_PASSWORD).await;
    assert_eq!(right.status(), StatusCode::SEE_OTHER);
    assert_eq!(right.headers()[LOCATION], "/?session=ses_abc");
    let cookie = right.headers()[SET_COOKIE].to_str().expect("ascii");
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=2592000"] {
        assert!(cookie.contains(flag), "{flag} missing in {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");

    // X-Forwarded-Proto from a peer that is not a trusted proxy is ignored.
    let spoofed = login_said_https(&server).await;
    let cookie = spoofed.headers()[SET_COOKIE].to_str().expect("ascii");
    assert!(!cookie.contains("Secure"), "{cookie}");

    // An open redirect is not possible through `next`.
    let evil = server
        .anonymous
        .post(server.url("/login"))
        .form(&[("password", TEST_PASSWORD), ("next", "//evil.example/x")])
        .send()
        .await
        .expect("POST /login");
    assert_eq!(evil.headers()[LOCATION], "/");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_https_makes_the_cookie_secure() {
    let server = start(&["--trusted-proxies", "127.0.0.1"]).await;
    let response = login_said_https(&server).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookie = response.headers()[SET_COOKIE].to_str().expect("ascii");
    assert!(cookie.contains("Secure"), "{cookie}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_logins_are_rate_limited_per_address_and_globally_then_recover() {
    let server = start(&["--login-max-failures", "3", "--login-window-secs", "2"]).await;
    let first = client_from("127.0.0.2");
    for attempt in 1..=2 {
        let response = post_login(&first, &server, "wrong").await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "attempt {attempt}"
        );
    }
    let locked = post_login(&first, &server, "wrong").await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(locked.headers()[RETRY_AFTER], "2");
    let text = locked.text().await.expect("page");
    assert!(
        text.contains("Too many failed logins from your address"),
        "{text}"
    );
    // Locked out: even the right password is not looked at.
    let refused = post_login(&first, &server, TEST_PASSWORD).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers().get(SET_COOKIE).is_none());
    // Another address is not affected.
    let other = post_login(&client_from("127.0.0.3"), &server, TEST_PASSWORD).await;
    assert_eq!(other.status(), StatusCode::SEE_OTHER);
    // After the window, the first address may log in again.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let recovered = post_login(&first, &server, TEST_PASSWORD).await;
    assert_eq!(recovered.status(), StatusCode::SEE_OTHER);

    // Many addresses failing together trip the global limit (10 × 3).
    for i in 10..20 {
        let client = client_from(&format!("127.0.0.{i}"));
        for _ in 0..3 {
            post_login(&client, &server, "wrong").await;
        }
    }
    let everyone = post_login(&client_from("127.0.0.99"), &server, TEST_PASSWORD).await;
    assert_eq!(everyone.status(), StatusCode::TOO_MANY_REQUESTS);
    let text = everyone.text().await.expect("page");
    assert!(
        text.contains("Too many failed logins on this server"),
        "{text}"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_site_state_changes_are_refused_and_change_nothing() {
    let server = start(&[]).await;
    let ours = server.base_url.clone();
    let cases: [(&str, &str, Option<&str>, Option<&str>); 6] = [
        ("POST", "/logout", Some("http://evil.example"), None),
        ("POST", "/logout", Some("null"), None),
        ("POST", "/logout", None, Some("cross-site")),
        ("POST", "/login", Some("http://evil.example"), None),
        (
            "DELETE",
            "/session/ses_abc",
            Some("http://127.0.0.1:1"),
            None,
        ),
        (
            "GET",
            "/pty/pty_x/connect",
            Some("http://evil.example"),
            None,
        ),
    ];
    for (method, path, origin, fetch_site) in cases {
        let mut request = server
            .http
            .request(method.parse().expect("method"), server.url(path))
            .form(&[("everywhere", "1"), ("password", TEST_PASSWORD)]);
        if let Some(origin) = origin {
            request = request.header(ORIGIN, origin);
        }
        if let Some(site) = fetch_site {
            request = request.header("sec-fetch-site", site);
        }
        if method == "GET" {
            request = request
                .header("connection", "upgrade")
                .header("upgrade", "websocket");
        }
        let response = request.send().await.expect("request");
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "{method} {path} {origin:?}"
        );
        assert!(response.headers().get(SET_COOKIE).is_none());
        let body: serde_json::Value = response.json().await.expect("JSON error");
        let error = body["error"].as_str().expect("message");
        assert!(error.contains("Cross-site request refused"), "{error}");
    }
    // Nothing changed: the session survived the forged log-out-everywhere.
    assert!(authenticated(&server, &server.cookie).await);
    // The same request from our own origin goes through.
    let response = server
        .anonymous
        .post(server.url("/logout"))
        .header(COOKIE, &server.cookie)
        .header(ORIGIN, &ours)
        .header("sec-fetch-site", "same-origin")
        .form(&[("everywhere", "1")])
        .send()
        .await
        .expect("POST /logout");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(!authenticated(&server, &server.cookie).await);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_clears_the_cookie_and_log_out_everywhere_ends_every_login() {
    let server = start(&[]).await;
    let phone = common::login(&server.anonymous, &server.base_url, TEST_PASSWORD)
        .await
        .expect("phone logs in");
    let laptop = common::login(&server.anonymous, &server.base_url, TEST_PASSWORD)
        .await
        .expect("laptop logs in");
    assert!(authenticated(&server, &phone).await && authenticated(&server, &laptop).await);

    let plain = server
        .anonymous
        .post(server.url("/logout"))
        .header(COOKIE, &phone)
        .send()
        .await
        .expect("POST /logout");
    assert_eq!(plain.status(), StatusCode::SEE_OTHER);
    assert_eq!(plain.headers()[LOCATION], "/login?logged_out=1");
    let cleared = plain.headers()[SET_COOKIE].to_str().expect("ascii");
    assert!(cleared.starts_with("pocketcode_session=;"), "{cleared}");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    // A plain logout is client-side: other logins go on.
    assert!(authenticated(&server, &laptop).await);

    // Log out everywhere without a valid session changes nothing.
    let anonymous = server
        .anonymous
        .post(server.url("/logout"))
        .form(&[("everywhere", "1")])
        .send()
        .await
        .expect("POST /logout");
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    assert!(authenticated(&server, &laptop).await);

    let everywhere = server
        .anonymous
        .post(server.url("/logout"))
        .header(COOKIE, &laptop)
        .form(&[("everywhere", "1")])
        .send()
        .await
        .expect("POST /logout everywhere");
    assert_eq!(everywhere.status(), StatusCode::SEE_OTHER);
    assert!(!authenticated(&server, &phone).await);
    assert!(!authenticated(&server, &laptop).await);
    let generation = std::fs::read_to_string(server.data_dir.path().join("auth/generation"))
        .expect("generation kept in the data dir");
    assert_eq!(generation.trim(), "1");
    // A new login works in the new generation.
    let again = common::login(&server.anonymous, &server.base_url, TEST_PASSWORD)
        .await
        .expect("log in again");
    assert!(authenticated(&server, &again).await);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_carry_security_headers_and_the_login_form_suits_password_managers() {
    let server = start(&[]).await;
    let login = server
        .anonymous
        .get(server.url("/login?next=%2F%3Fsession%3Dses_abc"))
        .send()
        .await
        .expect("GET /login");
    assert_eq!(login.status(), StatusCode::OK);
    let headers = login.headers().clone();
    let csp = headers[CONTENT_SECURITY_POLICY].to_str().expect("ascii");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(
        csp.contains("default-src 'none'"),
        "no script at all: {csp}"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers[REFERRER_POLICY], "same-origin");
    let html = login.text().await.expect("page");
    assert!(
        html.contains(r#"autocomplete="current-password""#),
        "{html}"
    );
    assert!(html.contains(r#"<label for="password""#), "{html}");
    assert!(
        html.contains(r#"value="/?session=ses_abc""#),
        "next kept: {html}"
    );
    assert!(!html.contains("<script"), "the login page runs no script");

    // The app page: a nonce CSP whose nonce is on the page's scripts.
    let page = server
        .http
        .get(server.url("/"))
        .send()
        .await
        .expect("GET /");
    let csp = page.headers()[CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("ascii")
        .to_string();
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("nonce in CSP")
        .to_string();
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    let html = page.text().await.expect("page");
    assert!(
        html.contains(&format!(r#"nonce="{nonce}""#)),
        "scripts carry the nonce"
    );
    server.stop().await;
}
