//! Case-insensitive matching in a message's text, and the few words shown
//! around a match.

/// Characters of context kept before a match.
const BEFORE: usize = 60;
/// Characters of context kept after a match.
const AFTER: usize = 100;

/// The byte range of `text` where `needle` (lowercase) first occurs,
/// ignoring case; Unicode letters whose lowercase is longer are handled.
pub fn find(text: &str, needle: &str) -> Option<(usize, usize)> {
    let mut lower = String::with_capacity(text.len());
    // For each byte of `lower`, where its character starts in `text`.
    let mut origin = Vec::with_capacity(text.len());
    for (at, ch) in text.char_indices() {
        for low in ch.to_lowercase() {
            let before = lower.len();
            lower.push(low);
            origin.resize(origin.len() + lower.len() - before, at);
        }
    }
    let start = lower.find(needle)?;
    let end = start + needle.len();
    let end = origin.get(end).copied().unwrap_or(text.len());
    Some((origin[start], end.max(origin[start])))
}

/// The match of `range` in `text` with up to [`BEFORE`] and [`AFTER`]
/// characters around it, each run of white space made one space and an
/// ellipsis where text was cut: `(before, matched, after)`.
pub fn snippet(text: &str, (start, end): (usize, usize)) -> (String, String, String) {
    let head = &text[..start];
    let skipped = head.chars().count().saturating_sub(BEFORE);
    let mut before: String = head.chars().skip(skipped).collect();
    if skipped > 0 {
        before.insert(0, '…');
    }
    let tail = &text[end..];
    let mut after: String = tail.chars().take(AFTER).collect();
    if tail.chars().nth(AFTER).is_some() {
        after.push('…');
    }
    (
        one_line(&before),
        one_line(&text[start..end]),
        one_line(&after),
    )
}

/// `text` with each run of white space made one space (ends kept, so the
/// three pieces of a snippet still join with their spaces).
fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for ch in text.chars() {
        if ch.is_whitespace() {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(ch);
            space = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_regardless_of_case_and_gives_the_text_as_written() {
        let text = "The Zebra crossed";
        let range = find(text, "zebra").expect("found");
        assert_eq!(&text[range.0..range.1], "Zebra");
        assert_eq!(find(text, "lion"), None);
    }

    #[test]
    fn letters_whose_lowercase_is_longer_keep_the_offsets_right() {
        // 'İ' lowercases to two characters; the match after it must still
        // point at the original bytes.
        let text = "İstanbul Straße NEEDLE here";
        let range = find(text, "needle").expect("found");
        assert_eq!(&text[range.0..range.1], "NEEDLE");
        let range = find(text, "straße").expect("found");
        assert_eq!(&text[range.0..range.1], "Straße");
    }

    #[test]
    fn the_snippet_cuts_long_context_and_flattens_lines() {
        let text = format!(
            "{}\n\nthe word\tnEEdle and\n{}",
            "a".repeat(200),
            "b".repeat(300)
        );
        let range = find(&text, "needle").expect("found");
        let (before, matched, after) = snippet(&text, range);
        assert_eq!(matched, "nEEdle");
        assert!(before.starts_with('…'), "{before}");
        assert!(before.ends_with(" the word "), "{before}");
        assert!(before.chars().count() <= BEFORE + 1, "{before}");
        assert!(before.contains("aaaa"), "{before}");
        assert!(after.starts_with(" and "), "{after}");
        assert!(after.ends_with('…'), "{after}");
        assert!(!after.contains('\n'));
    }

    #[test]
    fn a_short_text_is_kept_whole() {
        let text = "find me";
        let (before, matched, after) = snippet(text, find(text, "me").expect("found"));
        assert_eq!(
            (before.as_str(), matched.as_str(), after.as_str()),
            ("find ", "me", "")
        );
    }
}
