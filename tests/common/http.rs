//! Requests to a [`TestServer`](super::TestServer): always through its
//! `http` client (which carries the auth cookie once there is a wall).

use serde_json::Value;

use super::TestServer;

/// A request to `/admin/*`: status and JSON body.
pub async fn admin(
    server: &TestServer,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut request = server.http.request(method, server.url(path));
    if let Some(body) = body {
        request = request.json(&body);
    }
    decode(request.send().await.expect("admin request")).await
}

/// `POST /admin/repos` with `source` (a clone URL): it must answer 201
/// (cloned); its JSON body.
pub async fn clone_repo(server: &TestServer, source: &str) -> Value {
    let (status, added) = admin(
        server,
        "POST",
        "/admin/repos",
        Some(serde_json::json!({ "source": source })),
    )
    .await;
    assert_eq!(status, 201, "{added}");
    added
}

/// A server function under `/pocket/fn/`, called with a form: status and JSON body.
pub async fn call(server: &TestServer, name: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let response = server
        .http
        .post(server.url(&format!("/pocket/fn/{name}")))
        .form(form)
        .send()
        .await
        .expect("server function call");
    decode(response).await
}

/// `POST /session` through pocketcode's proxy: a session titled `title` in
/// `directory`, as opencode answered it (it must succeed).
pub async fn proxied_session(server: &TestServer, directory: &str, title: &str) -> Value {
    server
        .http
        .post(server.url("/session"))
        .header("x-opencode-directory", directory)
        .json(&serde_json::json!({ "title": title }))
        .send()
        .await
        .expect("create session")
        .error_for_status()
        .expect("created")
        .json()
        .await
        .expect("session json")
}

/// Sends `request` (to `path`, named in messages) with `body` as JSON if
/// given; it must succeed. Its JSON answer, `None` for 204 No Content.
pub async fn send_json<T: serde::de::DeserializeOwned>(
    mut request: reqwest::RequestBuilder,
    path: &str,
    body: Option<Value>,
) -> Option<T> {
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("reach opencode");
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    if response.status() == 204 {
        return None;
    }
    Some(response.json().await.expect("JSON"))
}

/// Status and body (JSON when it parses, else the text as a JSON string).
pub async fn decode(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// A chat `new_chat` made: the names every chat server function takes.
pub struct NewChat {
    pub repo: String,
    pub chat_id: String,
    pub session: String,
    pub worktree: String,
}

impl NewChat {
    /// `new_chat` for `repo` (a URL, path or `owner/name`); must succeed.
    pub async fn make(server: &TestServer, repo: &str) -> Self {
        let (status, chat) = call(server, "new_chat", &[("repo", repo)]).await;
        assert_eq!(status, 200, "{chat}");
        let field = |value: &Value| value.as_str().expect("a string field").to_owned();
        Self {
            repo: field(&chat["worktree"]["repo"]),
            chat_id: field(&chat["worktree"]["chat_id"]),
            session: field(&chat["session_id"]),
            worktree: field(&chat["worktree"]["path"]),
        }
    }

    /// `repo`, `chat_id` and `session_id`, as a form.
    pub fn form(&self) -> [(&str, &str); 3] {
        [
            ("repo", self.repo.as_str()),
            ("chat_id", self.chat_id.as_str()),
            ("session_id", self.session.as_str()),
        ]
    }
}

/// The ids and texts (first text part) of the chat's user messages, in
/// order.
pub async fn user_messages(server: &TestServer, chat: &NewChat) -> Vec<(String, String)> {
    let (status, transcript) = call(server, "get_transcript", &chat.form()).await;
    assert_eq!(status, 200, "{transcript}");
    let messages = transcript["messages"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    messages
        .iter()
        .filter(|m| m["info"]["role"] == "user")
        .map(|m| {
            let parts = m["parts"].as_array().cloned().unwrap_or_default();
            let text = parts.iter().find(|p| p["type"] == "text");
            let text = text.and_then(|p| p["text"].as_str()).unwrap_or_default();
            (
                m["info"]["id"].as_str().expect("id").to_owned(),
                text.to_owned(),
            )
        })
        .collect()
}
