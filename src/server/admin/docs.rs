//! `/admin/openapi.json` and `/admin/docs`: the generated OpenAPI document,
//! and a plain HTML page listing its operations (works offline: no CDN, no
//! script).

use std::fmt::Write;

use axum::Json;
use axum::response::Html;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::{OpenApi, RefOr};

use crate::server::html::escape;

/// The OpenAPI 3.1 document of every `/admin/*` route.
#[utoipa::path(get, path = "/admin/openapi.json", tag = "docs",
    responses((status = 200, description = "the OpenAPI document", content_type = "application/json")))]
pub async fn openapi_json() -> Json<OpenApi> {
    Json(super::openapi().clone())
}

/// This API's operations as a page a phone can read.
#[utoipa::path(get, path = "/admin/docs", tag = "docs",
    responses((status = 200, description = "an HTML page", content_type = "text/html")))]
pub async fn docs_page() -> Html<String> {
    Html(render(super::openapi()))
}

fn render(doc: &OpenApi) -> String {
    let mut html = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>pocketcode admin API</title><style>\
         body{font:15px/1.45 system-ui,sans-serif;margin:1rem auto;max-width:50rem;padding:0 1rem}\
         code{background:#eee;padding:0 .2em;border-radius:3px}\
         section{border-top:1px solid #ccc;padding:.5rem 0}\
         .m{font-weight:700;text-transform:uppercase}</style></head><body>",
    );
    let _ = write!(
        html,
        "<h1>{}</h1><p>Version {}. Machine-readable: <a href=\"/admin/openapi.json\">/admin/openapi.json</a>. \
         Errors are JSON: <code>{{\"error\": \"…\"}}</code>.</p>",
        escape(&doc.info.title),
        escape(&doc.info.version)
    );
    for (path, item) in &doc.paths.paths {
        for (method, operation) in operations(item) {
            section(&mut html, method, path, operation);
        }
    }
    html.push_str("</body></html>");
    html
}

fn operations(item: &PathItem) -> Vec<(&'static str, &Operation)> {
    [
        ("get", &item.get),
        ("post", &item.post),
        ("put", &item.put),
        ("patch", &item.patch),
        ("delete", &item.delete),
    ]
    .into_iter()
    .filter_map(|(method, op)| op.as_ref().map(|op| (method, op)))
    .collect()
}

fn section(html: &mut String, method: &str, path: &str, op: &Operation) {
    let _ = write!(
        html,
        "<section><h2><span class=\"m\">{method}</span> <code>{}</code></h2>",
        escape(path)
    );
    let text = [&op.summary, &op.description]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ");
    if !text.is_empty() {
        let _ = write!(html, "<p>{}</p>", escape(&text));
    }
    if let Some(params) = op.parameters.as_ref().filter(|p| !p.is_empty()) {
        html.push_str("<p>Parameters: ");
        let names: Vec<String> = params
            .iter()
            .map(|p| format!("<code>{}</code>", escape(&p.name)))
            .collect();
        html.push_str(&names.join(", "));
        html.push_str("</p>");
    }
    html.push_str("<ul>");
    for (status, response) in &op.responses.responses {
        let description = match response {
            RefOr::T(r) => r.description.as_str(),
            RefOr::Ref(_) => "",
        };
        let _ = write!(
            html,
            "<li><code>{}</code> {}</li>",
            escape(status),
            escape(description)
        );
    }
    html.push_str("</ul></section>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_lists_every_operation_and_escapes_text() {
        let page = render(super::super::openapi());
        assert!(
            page.contains("<code>/admin/repos/{owner}/{name}</code>"),
            "{page}"
        );
        assert!(page.contains(">delete</span>"));
        assert_eq!(
            escape("<a href=\"x\">&</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
        );
    }
}
