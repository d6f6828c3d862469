//! After the event stream failed: is this tab still logged in? The stream's
//! own error says nothing about why, so the session check is asked; a 401
//! sends the tab to the login page with this page as where to come back.

use crate::model::live::SESSION_CHECK_PATH;

/// The login page (the server's `paths::LOGIN_PATH`).
const LOGIN_PATH: &str = "/login";

pub fn check_still_logged_in() {
    leptos::task::spawn_local(async {
        let Ok(response) = gloo_net::http::Request::get(SESSION_CHECK_PATH)
            .send()
            .await
        else {
            // Offline or the server is down: the stream's retries go on.
            return;
        };
        if response.status() != 401 {
            return;
        }
        let Some(window) = web_sys::window() else {
            return;
        };
        let location = window.location();
        let here = format!(
            "{}{}",
            location.pathname().unwrap_or_default(),
            location.search().unwrap_or_default()
        );
        if here.starts_with(LOGIN_PATH) {
            return;
        }
        let next: String = js_sys::encode_uri_component(&here).into();
        let _ = location.assign(&format!("{LOGIN_PATH}?next={next}"));
    });
}
