//! What the panel's taps, scrolls, typing and navigation do to the page:
//! CDP `Input.*` and `Page.*` calls.

use std::time::Duration;

use serde_json::json;

use super::BrowserError;
use super::cdp::Cdp;
use crate::model::browser::ClientMessage;

/// Keys the panel may send besides text: (key, code, Windows key code,
/// the text a keyDown carries).
const KEYS: &[(&str, &str, u32, &str)] = &[
    ("Enter", "Enter", 13, "\r"),
    ("Backspace", "Backspace", 8, ""),
    ("Tab", "Tab", 9, ""),
    ("Escape", "Escape", 27, ""),
    ("ArrowLeft", "ArrowLeft", 37, ""),
    ("ArrowUp", "ArrowUp", 38, ""),
    ("ArrowRight", "ArrowRight", 39, ""),
    ("ArrowDown", "ArrowDown", 40, ""),
];

/// Longest text one message may type.
const MAX_TEXT: usize = 10_000;

/// Carries out one input or navigation message (acks and viewports are
/// the socket's business and are ignored here).
pub async fn apply(cdp: &Cdp, message: &ClientMessage) -> Result<(), BrowserError> {
    match message {
        ClientMessage::Tap { x, y } => {
            let (x, y) = (finite(*x)?, finite(*y)?);
            for kind in ["mouseMoved", "mousePressed", "mouseReleased"] {
                cdp.call(
                    "Input.dispatchMouseEvent",
                    json!({ "type": kind, "x": x, "y": y, "button": "left", "clickCount": 1 }),
                )
                .await?;
            }
        }
        ClientMessage::Scroll { x, y, dx, dy } => {
            scroll(cdp, [finite(*x)?, finite(*y)?, finite(*dx)?, finite(*dy)?]).await?;
        }
        ClientMessage::Text { text } => {
            if text.len() > MAX_TEXT {
                return Err(BrowserError::BadInput(format!(
                    "typing is limited to {MAX_TEXT} bytes at a time"
                )));
            }
            cdp.call("Input.insertText", json!({ "text": text }))
                .await?;
        }
        ClientMessage::Key { key } => {
            let Some((key, code, vk, text)) = KEYS.iter().find(|k| k.0 == key) else {
                return Err(BrowserError::BadInput(format!("unknown key {key:?}")));
            };
            let down = if text.is_empty() {
                "rawKeyDown"
            } else {
                "keyDown"
            };
            cdp.call(
                "Input.dispatchKeyEvent",
                json!({ "type": down, "key": key, "code": code, "windowsVirtualKeyCode": vk, "text": text }),
            )
            .await?;
            cdp.call(
                "Input.dispatchKeyEvent",
                json!({ "type": "keyUp", "key": key, "code": code, "windowsVirtualKeyCode": vk }),
            )
            .await?;
        }
        ClientMessage::Navigate { url } => {
            let url = address(url)?;
            let result = cdp.call("Page.navigate", json!({ "url": url })).await?;
            if let Some(error) = result["errorText"].as_str().filter(|e| !e.is_empty()) {
                return Err(BrowserError::BadInput(format!(
                    "cannot open {url}: {error}"
                )));
            }
        }
        ClientMessage::Back => step_history(cdp, -1).await?,
        ClientMessage::Forward => step_history(cdp, 1).await?,
        ClientMessage::Reload => {
            cdp.call("Page.reload", json!({})).await?;
        }
        ClientMessage::Ack { .. } | ClientMessage::Viewport { .. } => {}
    }
    Ok(())
}

/// How long a wheel event may go unanswered before the page is scrolled
/// by script instead.
const WHEEL_ANSWER: Duration = Duration::from_secs(2);

/// Scrolls what is under (x, y) by (dx, dy) with a wheel event, as a
/// finger would. Chromium answers a wheel only once the page's renderer
/// has handled it, and a page just restored by Back (or not the focused
/// target) may never do so: then the page is brought to the front and the
/// scrollable element under the point (or the document) scrolled by script.
async fn scroll(cdp: &Cdp, [x, y, dx, dy]: [f64; 4]) -> Result<(), BrowserError> {
    let wheel = json!({ "type": "mouseWheel", "x": x, "y": y, "deltaX": dx, "deltaY": dy });
    if cdp
        .call_within("Input.dispatchMouseEvent", wheel, WHEEL_ANSWER)
        .await?
        .is_some()
    {
        return Ok(());
    }
    tracing::debug!("a wheel event got no answer: scrolling by script");
    cdp.call("Page.bringToFront", json!({})).await?;
    let script = format!(
        "(() => {{ let e = document.elementFromPoint({x}, {y}); \
         const can = (n) => {{ const s = getComputedStyle(n); \
           return /(auto|scroll|overlay)/.test(s.overflowY + s.overflowX) \
             && (n.scrollHeight > n.clientHeight || n.scrollWidth > n.clientWidth); }}; \
         while (e && e !== document.body && e !== document.documentElement && !can(e)) e = e.parentElement; \
         const target = e && e !== document.body && e !== document.documentElement \
           ? e : (document.scrollingElement || document.documentElement); \
         target.scrollBy({dx}, {dy}); }})()"
    );
    cdp.call("Runtime.evaluate", json!({ "expression": script }))
        .await?;
    Ok(())
}

fn finite(value: f64) -> Result<f64, BrowserError> {
    if value.is_finite() && value.abs() < 1e6 {
        Ok(value)
    } else {
        Err(BrowserError::BadInput(format!(
            "{value} is not a coordinate"
        )))
    }
}

/// What the URL bar's text opens: http(s) only, `https://` when no scheme
/// is given; `about:blank` as is.
pub fn address(text: &str) -> Result<String, BrowserError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(BrowserError::BadInput("type an address to open".into()));
    }
    if text == "about:blank" {
        return Ok(text.to_owned());
    }
    // `javascript:…`, `mailto:…`: a scheme without `//`, not `host:port`.
    let bare_scheme = text.split_once(':').is_some_and(|(scheme, rest)| {
        !rest.starts_with("//")
            && !rest.starts_with(|c: char| c.is_ascii_digit())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    });
    let url = if text.contains("://") || bare_scheme {
        text.to_owned()
    } else {
        format!("https://{text}")
    };
    let lower = url.to_ascii_lowercase();
    if (lower.starts_with("http://") || lower.starts_with("https://"))
        && !url.contains(char::is_whitespace)
    {
        Ok(url)
    } else {
        Err(BrowserError::BadInput(format!(
            "{text} is not a web address: only http:// and https:// pages open here"
        )))
    }
}

async fn step_history(cdp: &Cdp, step: i64) -> Result<(), BrowserError> {
    let history = cdp.call("Page.getNavigationHistory", json!({})).await?;
    let current = history["currentIndex"].as_i64().unwrap_or_default();
    let entry = &history["entries"][(current + step).max(0) as usize];
    match entry["id"].as_i64() {
        Some(id) if current + step >= 0 => {
            cdp.call("Page.navigateToHistoryEntry", json!({ "entryId": id }))
                .await?;
            Ok(())
        }
        _ => Err(BrowserError::BadInput(
            if step < 0 {
                "there is no page to go back to"
            } else {
                "there is no page to go forward to"
            }
            .into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_bar_opens_web_addresses_only() {
        assert_eq!(address("example.com").unwrap(), "https://example.com");
        assert_eq!(
            address(" http://127.0.0.1:9/a ").unwrap(),
            "http://127.0.0.1:9/a"
        );
        assert_eq!(address("about:blank").unwrap(), "about:blank");
        assert_eq!(
            address("localhost:8080/x").unwrap(),
            "https://localhost:8080/x"
        );
        for bad in [
            "",
            "javascript:alert(1)",
            "mailto:a@b.c",
            "file:///etc/passwd",
            "chrome://settings",
            "a b",
        ] {
            assert!(address(bad).is_err(), "{bad}");
        }
    }
}
