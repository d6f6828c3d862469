//! Syntax highlighting for the agent's code blocks: a small scanner that
//! marks comments, strings, numbers and keywords of common languages. It is
//! deliberately lexical (no grammar), so it costs the WASM bundle a few
//! kilobytes instead of a highlighting engine's hundreds.

/// How one language's tokens look.
struct Syntax {
    line_comment: &'static [&'static str],
    block_comment: Option<(&'static str, &'static str)>,
    quotes: &'static [char],
    keywords: &'static [&'static str],
    /// SQL's keywords are written in any case.
    ignore_case: bool,
}

const RUST: Syntax = Syntax {
    line_comment: &["//"],
    block_comment: Some(("/*", "*/")),
    quotes: &['"'],
    keywords: &[
        "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
        "extern", "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move",
        "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
        "true", "type", "unsafe", "use", "where", "while", "Some", "None", "Ok", "Err",
    ],
    ignore_case: false,
};

const SCRIPT: Syntax = Syntax {
    line_comment: &["//"],
    block_comment: Some(("/*", "*/")),
    quotes: &['"', '\'', '`'],
    keywords: &[
        "async",
        "await",
        "break",
        "case",
        "catch",
        "class",
        "const",
        "continue",
        "default",
        "delete",
        "do",
        "else",
        "export",
        "extends",
        "false",
        "finally",
        "for",
        "from",
        "function",
        "if",
        "import",
        "in",
        "instanceof",
        "interface",
        "let",
        "new",
        "null",
        "of",
        "return",
        "static",
        "super",
        "switch",
        "this",
        "throw",
        "true",
        "try",
        "type",
        "typeof",
        "undefined",
        "var",
        "void",
        "while",
        "yield",
    ],
    ignore_case: false,
};

const PYTHON: Syntax = Syntax {
    line_comment: &["#"],
    block_comment: None,
    quotes: &['"', '\''],
    keywords: &[
        "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
        "elif", "else", "except", "False", "finally", "for", "from", "global", "if", "import",
        "in", "is", "lambda", "None", "nonlocal", "not", "or", "pass", "raise", "return", "True",
        "try", "while", "with", "yield", "self",
    ],
    ignore_case: false,
};

const GO: Syntax = Syntax {
    line_comment: &["//"],
    block_comment: Some(("/*", "*/")),
    quotes: &['"', '\'', '`'],
    keywords: &[
        "break",
        "case",
        "chan",
        "const",
        "continue",
        "default",
        "defer",
        "else",
        "fallthrough",
        "for",
        "func",
        "go",
        "goto",
        "if",
        "import",
        "interface",
        "map",
        "package",
        "range",
        "return",
        "select",
        "struct",
        "switch",
        "type",
        "var",
        "nil",
        "true",
        "false",
    ],
    ignore_case: false,
};

const C_LIKE: Syntax = Syntax {
    line_comment: &["//"],
    block_comment: Some(("/*", "*/")),
    quotes: &['"', '\''],
    keywords: &[
        "auto",
        "break",
        "case",
        "char",
        "class",
        "const",
        "continue",
        "default",
        "do",
        "double",
        "else",
        "enum",
        "extern",
        "false",
        "final",
        "float",
        "for",
        "fun",
        "func",
        "if",
        "import",
        "int",
        "let",
        "long",
        "namespace",
        "new",
        "null",
        "nullptr",
        "package",
        "private",
        "protected",
        "public",
        "return",
        "short",
        "static",
        "struct",
        "switch",
        "this",
        "throw",
        "true",
        "try",
        "typedef",
        "val",
        "var",
        "void",
        "while",
    ],
    ignore_case: false,
};

const SHELL: Syntax = Syntax {
    line_comment: &["#"],
    block_comment: None,
    quotes: &['"', '\''],
    keywords: &[
        "if", "then", "else", "elif", "fi", "for", "while", "do", "done", "case", "esac",
        "function", "in", "return", "export", "local", "set", "cd", "echo",
    ],
    ignore_case: false,
};

const DATA: Syntax = Syntax {
    line_comment: &["#"],
    block_comment: None,
    quotes: &['"', '\''],
    keywords: &["true", "false", "null"],
    ignore_case: false,
};

const JSON: Syntax = Syntax {
    line_comment: &[],
    block_comment: None,
    quotes: &['"'],
    keywords: &["true", "false", "null"],
    ignore_case: false,
};

const SQL: Syntax = Syntax {
    line_comment: &["--"],
    block_comment: Some(("/*", "*/")),
    quotes: &['\''],
    keywords: &[
        "select", "from", "where", "insert", "into", "update", "delete", "create", "table", "join",
        "left", "on", "and", "or", "not", "null", "group", "by", "order", "limit", "values", "set",
        "as", "primary", "key", "index", "drop", "alter",
    ],
    ignore_case: true,
};

fn syntax(lang: &str) -> Option<&'static Syntax> {
    Some(match lang.to_ascii_lowercase().as_str() {
        "rust" | "rs" => &RUST,
        "js" | "javascript" | "jsx" | "mjs" | "ts" | "typescript" | "tsx" => &SCRIPT,
        "py" | "python" => &PYTHON,
        "go" | "golang" => &GO,
        "c" | "h" | "cpp" | "c++" | "hpp" | "java" | "kotlin" | "kt" | "swift" | "cs"
        | "csharp" => &C_LIKE,
        "sh" | "bash" | "shell" | "zsh" | "console" => &SHELL,
        "toml" | "yaml" | "yml" | "ini" | "dockerfile" | "makefile" => &DATA,
        "json" | "jsonc" => &JSON,
        "sql" => &SQL,
        _ => return None,
    })
}

/// The code as HTML with `tok-*` spans, or `None` for a language not known
/// here (the caller shows it plain). Everything is escaped.
pub fn highlight(lang: &str, code: &str) -> Option<String> {
    let syntax = syntax(lang)?;
    let mut out = String::with_capacity(code.len() * 2);
    let mut rest = code;
    while let Some(c) = rest.chars().next() {
        let (class, len) = token(syntax, rest, c);
        let (text, tail) = rest.split_at(len);
        match class {
            Some(class) => {
                out.push_str("<span class=\"tok-");
                out.push_str(class);
                out.push_str("\">");
                escape_into(&mut out, text);
                out.push_str("</span>");
            }
            None => escape_into(&mut out, text),
        }
        rest = tail;
    }
    Some(out)
}

/// The kind and byte length of the token at the start of `rest`.
fn token(syntax: &Syntax, rest: &str, c: char) -> (Option<&'static str>, usize) {
    if syntax.line_comment.iter().any(|m| rest.starts_with(m)) {
        return (Some("c"), rest.find('\n').unwrap_or(rest.len()));
    }
    if let Some((open, close)) = syntax.block_comment
        && rest.starts_with(open)
    {
        let end = rest[open.len()..]
            .find(close)
            .map_or(rest.len(), |i| open.len() + i + close.len());
        return (Some("c"), end);
    }
    if syntax.quotes.contains(&c) {
        return (Some("s"), string_len(rest, c));
    }
    if c.is_ascii_digit() {
        let len = rest
            .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_' || ch == '.'))
            .unwrap_or(rest.len());
        return (Some("n"), len);
    }
    if c.is_alphabetic() || c == '_' {
        let len = rest
            .find(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
            .unwrap_or(rest.len());
        let word = &rest[..len];
        let keyword = syntax.keywords.iter().any(|k| {
            if syntax.ignore_case {
                k.eq_ignore_ascii_case(word)
            } else {
                *k == word
            }
        });
        return (keyword.then_some("k"), len);
    }
    (None, c.len_utf8())
}

/// A string literal's length, escapes included; an unclosed `"` or `'`
/// ends at the line's end (backticks may span lines).
fn string_len(rest: &str, quote: char) -> usize {
    let mut escaped = false;
    for (i, ch) in rest.char_indices().skip(1) {
        if escaped {
            escaped = false;
        } else if ch == '\\' {
            escaped = true;
        } else if ch == quote {
            return i + ch.len_utf8();
        } else if ch == '\n' && quote != '`' {
            return i;
        }
    }
    rest.len()
}

/// `text` into `out` as HTML text (`&`, `<`, `>` and `"` escaped).
pub(super) fn escape_into(out: &mut String, text: &str) {
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(ch),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::highlight;

    #[test]
    fn marks_keywords_strings_numbers_and_comments() {
        let html = highlight("rust", "let x = \"a<b\"; // done\nfn f() -> u8 { 42 }").unwrap();
        assert_eq!(
            html,
            "<span class=\"tok-k\">let</span> x = <span class=\"tok-s\">&quot;a&lt;b&quot;</span>; \
             <span class=\"tok-c\">// done</span>\n<span class=\"tok-k\">fn</span> f() -&gt; u8 { \
             <span class=\"tok-n\">42</span> }"
        );
    }

    #[test]
    fn languages_differ_in_comments_and_case() {
        let py = highlight("python", "# note\ndef f(): return None").unwrap();
        assert!(
            py.starts_with("<span class=\"tok-c\"># note</span>"),
            "{py}"
        );
        assert!(py.contains("<span class=\"tok-k\">None</span>"), "{py}");
        let sql = highlight("SQL", "SELECT 1 -- one").unwrap();
        assert!(
            sql.starts_with("<span class=\"tok-k\">SELECT</span>"),
            "{sql}"
        );
        assert!(
            sql.ends_with("<span class=\"tok-c\">-- one</span>"),
            "{sql}"
        );
        // A word containing a keyword is not one; an unknown language is left alone.
        assert!(!highlight("rust", "letter").unwrap().contains("tok-k"));
        assert_eq!(highlight("brainfuck", "+++"), None);
    }

    #[test]
    fn unclosed_strings_stop_at_the_line_end_and_escapes_are_kept() {
        let html = highlight("js", "'it\\'s' \"open\nnext").unwrap();
        assert!(
            html.starts_with("<span class=\"tok-s\">'it\\'s'</span>"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"tok-s\">&quot;open</span>\nnext"),
            "{html}"
        );
        let multi = highlight("js", "`a\nb`").unwrap();
        assert_eq!(multi, "<span class=\"tok-s\">`a\nb`</span>");
    }
}
