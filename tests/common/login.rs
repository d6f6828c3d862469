//! Logging in to a pocketcode from a test (the form, the session cookie,
//! clients from chosen loopback addresses) and reading its health.

use std::time::Duration;

use super::READY;

/// Logs in to the pocketcode at `base_url`: a cookie-less client (no
/// redirects followed), the session cookie, and a client that carries it.
pub async fn logged_in(
    base_url: &str,
    password: &str,
) -> (reqwest::Client, String, reqwest::Client) {
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let cookie = login(&anonymous, base_url, password)
        .await
        .expect("the password logs in");
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::COOKIE, cookie.parse().expect("cookie"));
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("client");
    (anonymous, cookie, http)
}

/// A client that connects from `ip` (any 127.0.0.0/8 address is loopback)
/// and follows no redirects.
pub fn client_from(ip: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(ip.parse::<std::net::IpAddr>().expect("ip"))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// Posts the login form; on success returns the `name=value` of the session
/// cookie, otherwise the status it answered.
pub async fn login(
    anonymous: &reqwest::Client,
    base_url: &str,
    password: &str,
) -> Result<String, reqwest::StatusCode> {
    let response = anonymous
        .post(format!("{base_url}/login"))
        .form(&[("password", password), ("next", "/")])
        .send()
        .await
        .expect("POST /login");
    if response.status() != reqwest::StatusCode::SEE_OTHER {
        return Err(response.status());
    }
    let set_cookie = response
        .headers()
        .get(reqwest::header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .expect("a successful login sets the cookie");
    Ok(set_cookie
        .split(';')
        .next()
        .expect("name=value")
        .to_string())
}

/// `GET /admin/health` of a pocketcode at `base_url`: status and JSON body.
pub async fn admin_health(http: &reqwest::Client, base_url: &str) -> (u16, serde_json::Value) {
    let response = http
        .get(format!("{base_url}/admin/health"))
        .send()
        .await
        .expect("GET /admin/health");
    let status = response.status().as_u16();
    (status, response.json().await.expect("health is JSON"))
}

/// Polls `/admin/health` until opencode's state is `state`; returns that answer.
pub async fn wait_for_opencode_state(
    http: &reqwest::Client,
    base_url: &str,
    state: &str,
) -> (u16, serde_json::Value) {
    let deadline = tokio::time::Instant::now() + READY;
    loop {
        let (status, health) = admin_health(http, base_url).await;
        if health["opencode"]["state"] == state {
            return (status, health);
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never {state}: {health}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
