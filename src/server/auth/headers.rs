//! Security headers. Pages rendered by the app get a CSP that allows only our
//! own script (the hydration loader by nonce, the WASM by
//! `wasm-unsafe-eval`) and our own styles (stylesheets, and the `<style>`
//! elements xterm.js makes, stamped with the same nonce by
//! `app::web::xterm`); everything pocketcode answers itself gets
//! no-framing, `nosniff` and a strict referrer policy.

use axum::http::header::{
    CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue};

/// CSP for a hydrating app page whose inline scripts carry `nonce`.
pub fn app_page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'nonce-{nonce}'; img-src 'self' data: blob:; connect-src 'self'; \
         font-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// CSP for pages without any script (login, logout, error pages).
pub const SCRIPTLESS_PAGE_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// For responses that are not ours to restrict further (opencode's own web
/// UI through the proxy): at least no framing.
pub const NO_FRAMING_CSP: &str = "frame-ancestors 'none'";

/// Called from the Leptos context of every app page: sets its CSP with the
/// nonce Leptos puts on its inline scripts.
pub fn provide_app_page_csp() {
    use leptos::prelude::use_context;
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    if let Some(nonce) = leptos::nonce::use_nonce()
        && let Ok(value) = HeaderValue::from_str(&app_page_csp(&nonce))
    {
        response.insert_header(CONTENT_SECURITY_POLICY, value);
    }
}

/// Adds the headers every response gets; `ours` is false for responses
/// relayed from opencode.
pub fn add_security_headers(headers: &mut HeaderMap, ours: bool) {
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if headers.contains_key(CONTENT_SECURITY_POLICY) {
        return;
    }
    let html = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let csp = if ours && html {
        SCRIPTLESS_PAGE_CSP
    } else {
        NO_FRAMING_CSP
    };
    headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_html_without_a_csp_gets_the_scriptless_one_and_relayed_html_only_no_framing() {
        let mut ours = HeaderMap::new();
        ours.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        add_security_headers(&mut ours, true);
        assert_eq!(ours[CONTENT_SECURITY_POLICY], SCRIPTLESS_PAGE_CSP);
        assert_eq!(ours[X_CONTENT_TYPE_OPTIONS], "nosniff");
        let mut relayed = HeaderMap::new();
        relayed.insert(CONTENT_TYPE, HeaderValue::from_static("text/html"));
        add_security_headers(&mut relayed, false);
        assert_eq!(relayed[CONTENT_SECURITY_POLICY], NO_FRAMING_CSP);
        let mut page = HeaderMap::new();
        page.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static("x"));
        add_security_headers(&mut page, true);
        assert_eq!(
            page[CONTENT_SECURITY_POLICY], "x",
            "an existing CSP is kept"
        );
    }

    #[test]
    fn the_app_csp_allows_only_our_scripts() {
        let csp = app_page_csp("abc");
        assert!(csp.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval';"));
        assert!(csp.contains("style-src 'self' 'nonce-abc';"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
    }
}
