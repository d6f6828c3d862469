//! JSON requests to pocketcode's own server from the browser, for the few
//! calls that go straight through its proxy to opencode (the terminal's
//! `/pty`). A refusal comes back as the server's words (`{"error": …}`) or,
//! without them, the status.
//!
//! ## On the server
//! Nothing is sent: every request answers that there is no browser.

/// The request's method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    Get,
    Post,
    Put,
    Delete,
}

/// Why a request got no 2xx: the status (`None` when it never got an
/// answer) and what went wrong in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failed {
    pub status: Option<u16>,
    pub message: String,
}

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Sends `body` (JSON) to `url` on this page's host; the answer's text on a
/// 2xx.
pub async fn send_json(verb: Verb, url: &str, body: Option<String>) -> Result<String, Failed> {
    browser::send_json(verb, url, body).await
}

fn unanswered(message: String) -> Failed {
    Failed {
        status: None,
        message,
    }
}

/// What a refusal says: its `error` field, else its status.
#[cfg_attr(
    not(any(feature = "hydrate", test)),
    expect(dead_code, reason = "only a browser gets answers")
)]
fn refusal(status: u16, text: &str) -> String {
    refusal_error(text).unwrap_or_else(|| format!("the server answered {status}"))
}

/// The server's words in a refusal's body (`{"error": …}`), if it has them.
pub fn refusal_error(text: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Refusal {
        error: String,
    }
    crate::model::json::from_text::<Refusal>(text)
        .ok()
        .map(|r| r.error)
}

#[cfg(feature = "hydrate")]
mod browser {
    use gloo_net::http::Request;

    use super::{Failed, Verb, refusal, unanswered};

    pub async fn send_json(verb: Verb, url: &str, body: Option<String>) -> Result<String, Failed> {
        let builder = match verb {
            Verb::Get => Request::get(url),
            Verb::Post => Request::post(url),
            Verb::Put => Request::put(url),
            Verb::Delete => Request::delete(url),
        };
        let request = match body {
            Some(body) => builder
                .header("content-type", "application/json")
                .body(body)
                .map_err(|e| unanswered(e.to_string()))?,
            None => builder.build().map_err(|e| unanswered(e.to_string()))?,
        };
        let response = request
            .send()
            .await
            .map_err(|e| unanswered(format!("the request did not reach pocketcode ({e})")))?;
        let text = response.text().await.unwrap_or_default();
        if response.ok() {
            return Ok(text);
        }
        Err(Failed {
            status: Some(response.status()),
            message: refusal(response.status(), &text),
        })
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    use super::{Failed, Verb, unanswered};

    pub async fn send_json(
        _verb: Verb,
        _url: &str,
        _body: Option<String>,
    ) -> Result<String, Failed> {
        Err(unanswered("no browser".into()))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_refusal_says_the_servers_words_or_its_status() {
        assert_eq!(super::refusal(403, r#"{"error":"no"}"#), "no");
        assert_eq!(super::refusal(502, "<html>"), "the server answered 502");
    }
}
