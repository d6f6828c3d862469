//! The agent's markdown as HTML: CommonMark with tables, strikethrough and
//! task lists; fenced code in a known language is highlighted. Raw HTML in
//! the text is shown as text, links open in a new tab, and script-like link
//! targets are dropped.

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd, html};

use super::highlight::highlight;

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
    html::push_html(&mut out, highlighted(events));
    out.replace(
        "<a href=",
        "<a target=\"_blank\" rel=\"noopener noreferrer\" href=",
    )
    .trim_end()
    .to_owned()
}

/// Replaces each fenced code block in a known language by its highlighted
/// HTML (escaped by the highlighter); other events pass through.
fn highlighted<'a>(events: impl Iterator<Item = Event<'a>>) -> impl Iterator<Item = Event<'a>> {
    let mut out = Vec::new();
    let mut block: Option<(CowStr<'a>, String)> = None;
    for event in events {
        match (&mut block, event) {
            (None, Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang))))
                if highlight(&lang, "").is_some() =>
            {
                block = Some((lang, String::new()));
            }
            (Some((_, code)), Event::Text(text)) => code.push_str(&text),
            (Some(_), Event::End(TagEnd::CodeBlock)) => {
                let Some((lang, code)) = block.take() else {
                    continue;
                };
                let body = highlight(&lang, &code).unwrap_or_default();
                let class: String = lang
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '+' || *c == '-')
                    .collect();
                out.push(Event::Html(CowStr::from(format!(
                    "<pre><code class=\"language-{class}\">{body}</code></pre>\n"
                ))));
            }
            (_, event) => out.push(event),
        }
    }
    out.into_iter()
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
            html.contains(
                "<code class=\"language-rust\"><span class=\"tok-k\">fn</span> main() {}"
            ),
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
    fn unknown_languages_stay_plain_and_highlighting_escapes() {
        let plain = to_html("```brainfuck\n<+>\n```");
        assert!(
            plain.contains("<code class=\"language-brainfuck\">&lt;+&gt;"),
            "{plain}"
        );
        let js = to_html("```js\nconst a = '<script>';\n```");
        assert!(!js.contains("<script>"), "{js}");
        assert!(
            js.contains("<span class=\"tok-s\">'&lt;script&gt;'</span>"),
            "{js}"
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
