//! The agent's markdown as HTML: CommonMark with tables, strikethrough and
//! task lists. Raw HTML in the text is shown as text, links open in a new
//! tab, and script-like link targets are dropped.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, html};

/// Link schemes never followed.
const UNSAFE_SCHEMES: [&str; 3] = ["javascript:", "vbscript:", "data:"];

pub fn to_html(text: &str) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let events = Parser::new_ext(text, options).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: safe(dest_url),
            title,
            id,
        }),
        other => other,
    });
    let mut out = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut out, events);
    out.replace(
        "<a href=",
        "<a target=\"_blank\" rel=\"noopener noreferrer\" href=",
    )
    .trim_end()
    .to_owned()
}

fn safe(url: CowStr<'_>) -> CowStr<'_> {
    let lower = url.trim().to_ascii_lowercase();
    if UNSAFE_SCHEMES.iter().any(|s| lower.starts_with(s)) {
        CowStr::Borrowed("#")
    } else {
        url
    }
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn renders_blocks_tables_and_code() {
        let html = to_html(
            "# Title\n\nSome **bold** and `code`.\n\n```rust\nfn main() {}\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |",
        );
        assert!(html.contains("<h1>Title</h1>"), "{html}");
        assert!(html.contains("<strong>bold</strong>"), "{html}");
        assert!(
            html.contains("<code class=\"language-rust\">fn main() {}"),
            "{html}"
        );
        assert!(
            html.contains("<table>") && html.contains("<td>2</td>"),
            "{html}"
        );
    }

    #[test]
    fn raw_html_is_text_and_links_are_safe() {
        let html = to_html(
            "<script>alert(1)</script>\n\n[x](javascript:alert(1)) [y](https://example.com) <img src=x onerror=alert(1)>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(html.contains("href=\"#\""), "{html}");
        assert!(
            html.contains(
                "target=\"_blank\" rel=\"noopener noreferrer\" href=\"https://example.com\""
            ),
            "{html}"
        );
    }

    #[test]
    fn plain_text_stays_one_paragraph() {
        assert_eq!(
            to_html("Slow chunk 1 of 2. Slow chunk 2 of 2."),
            "<p>Slow chunk 1 of 2. Slow chunk 2 of 2.</p>"
        );
    }
}
