//! Which directory a request names, read the way the pinned opencode
//! (1.18.33) reads it. Its routing takes `?directory=` first, else the
//! `x-opencode-directory` header, and then `decodeURIComponent`s the value
//! (falling back to it undecoded when that throws); its `/api/*` routes take
//! `?location[directory]=` (not decoded again) or the decoded header. So a
//! query value is decoded twice (`%252e` is a `.`), a header value once.
//! Rather than guess which route reads which, every spelling is read every
//! way opencode might, and all of them must agree.

use axum::http::HeaderMap;

use super::FenceError;

pub const DIRECTORY_HEADER: &str = "x-opencode-directory";
pub const DIRECTORY_PARAMS: [&str; 2] = ["directory", "location[directory]"];
/// An opencode workspace stands for a directory opencode looks up itself,
/// which the fence cannot check; pocketcode never uses them.
const WORKSPACE_HEADER: &str = "x-opencode-workspace";
const WORKSPACE_PARAMS: [&str; 2] = ["workspace", "location[workspace]"];

/// The directory a request names: every way opencode could read it (at
/// least one), the first being the one its routing uses.
#[derive(Debug, PartialEq)]
pub struct Named {
    pub readings: Vec<String>,
}

/// `None` when the request names no directory (opencode then uses its own,
/// the workspace). Refuses workspace selectors and two different directories.
pub fn named(headers: &HeaderMap, query: Option<&str>) -> Result<Option<Named>, FenceError> {
    if let Some(value) = headers.get(WORKSPACE_HEADER) {
        return Err(FenceError::Workspace(
            String::from_utf8_lossy(value.as_bytes()).into_owned(),
        ));
    }
    let params = query_pairs(query.unwrap_or_default());
    if let Some((_, value)) = params
        .iter()
        .find(|(key, value)| WORKSPACE_PARAMS.contains(&key.as_str()) && !value.is_empty())
    {
        return Err(FenceError::Workspace(value.clone()));
    }
    // Each spelling: (the reading opencode's routing uses, the others).
    let mut spellings: Vec<(String, Vec<String>)> = Vec::new();
    for value in headers.get_all(DIRECTORY_HEADER) {
        let text = value.to_str().map_err(|_| FenceError::Unreadable)?;
        // JavaScript's `||` skips an empty value: it names nothing.
        if !text.is_empty() {
            spellings.push((decoded_or_raw(text), Vec::new()));
        }
    }
    for (key, value) in &params {
        if DIRECTORY_PARAMS.contains(&key.as_str()) && !value.is_empty() {
            spellings.push((decoded_or_raw(value), vec![value.clone()]));
        }
    }
    let Some((first, _)) = spellings.first() else {
        return Ok(None);
    };
    if let Some((other, _)) = spellings.iter().find(|(reading, _)| reading != first) {
        return Err(FenceError::Conflicting {
            first: first.clone(),
            second: other.clone(),
        });
    }
    let mut readings = vec![first.clone()];
    for (_, others) in spellings {
        for reading in others {
            if !readings.contains(&reading) {
                readings.push(reading);
            }
        }
    }
    Ok(Some(Named { readings }))
}

/// The query's pairs as `URLSearchParams` decodes them (`+` is a space),
/// keys included, so `location%5Bdirectory%5D` is caught too.
pub fn query_pairs(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// opencode's `try { decodeURIComponent(v) } catch { v }`.
pub fn decoded_or_raw(value: &str) -> String {
    decode_uri_component(value).unwrap_or_else(|| value.to_string())
}

/// JavaScript's `decodeURIComponent`: `None` where it throws (a `%` without
/// two hex digits after it, or bytes that are not UTF-8).
fn decode_uri_component(value: &str) -> Option<String> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let text = std::str::from_utf8(hex).ok()?;
            if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            out.push(u8::from_str_radix(text, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// JavaScript's `encodeURIComponent`, which opencode's own clients apply to
/// the header: everything but `A-Z a-z 0-9 - _ . ! ~ * ' ( )` as `%XX`.
pub fn encode_uri_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn header(value: &'static str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(DIRECTORY_HEADER, HeaderValue::from_static(value));
        map
    }

    fn readings(headers: &HeaderMap, query: &str) -> Vec<String> {
        named(headers, Some(query))
            .expect("accepted")
            .expect("names a directory")
            .readings
    }

    #[test]
    fn decoding_matches_javascript() {
        assert_eq!(decode_uri_component("%2Fetc%2e%2E"), Some("/etc..".into()));
        assert_eq!(decode_uri_component("/a+b"), Some("/a+b".into()));
        assert_eq!(decode_uri_component("%C3%BC"), Some("ü".into()));
        // Where JavaScript throws, opencode keeps the value as it came.
        for bad in ["100%", "%zz", "%C3", "%FF"] {
            assert_eq!(decode_uri_component(bad), None, "{bad}");
            assert_eq!(decoded_or_raw(bad), bad);
        }
        let path = "/tmp/a b/ü%/x";
        assert_eq!(
            decode_uri_component(&encode_uri_component(path)),
            Some(path.into())
        );
    }

    #[test]
    fn nothing_named_is_none_and_empty_values_name_nothing() {
        assert_eq!(named(&HeaderMap::new(), None), Ok(None));
        assert_eq!(named(&HeaderMap::new(), Some("path=a&x=1")), Ok(None));
        assert_eq!(named(&header(""), Some("directory=")), Ok(None));
    }

    #[test]
    fn a_query_value_is_read_once_and_twice_decoded() {
        let none = HeaderMap::new();
        assert_eq!(readings(&none, "directory=/w/a"), ["/w/a"]);
        // `%252e` is `%2e` to URLSearchParams and `.` to decodeURIComponent.
        assert_eq!(
            readings(&none, "directory=/w/%252e%252e/etc"),
            ["/w/../etc", "/w/%2e%2e/etc"]
        );
        assert_eq!(readings(&none, "directory=/w/a+b"), ["/w/a b"]);
        assert_eq!(
            readings(&none, "location%5Bdirectory%5D=%2Fetc"),
            ["/etc"],
            "an encoded key is the same key"
        );
    }

    #[test]
    fn a_header_is_decoded_once() {
        assert_eq!(readings(&header("%2Fw%2F..%2Fetc"), ""), ["/w/../etc"]);
        assert_eq!(readings(&header("/w/a"), "directory=%2Fw%2Fa"), ["/w/a"]);
    }

    #[test]
    fn two_different_directories_are_refused() {
        let err = named(&header("/w/a"), Some("directory=/etc")).unwrap_err();
        assert!(matches!(err, FenceError::Conflicting { .. }), "{err}");
        let err = named(&HeaderMap::new(), Some("directory=/w/a&directory=/etc")).unwrap_err();
        assert!(matches!(err, FenceError::Conflicting { .. }), "{err}");
        let err = named(
            &HeaderMap::new(),
            Some("directory=/w/a&location[directory]=/etc"),
        )
        .unwrap_err();
        assert!(err.to_string().contains("/etc"), "{err}");
    }

    #[test]
    fn workspace_selectors_are_refused() {
        let mut map = HeaderMap::new();
        map.insert(WORKSPACE_HEADER, HeaderValue::from_static("wrk_1"));
        assert!(matches!(named(&map, None), Err(FenceError::Workspace(_))));
        for query in ["workspace=wrk_1", "location[workspace]=wrk_1"] {
            let outcome = named(&HeaderMap::new(), Some(query));
            assert!(matches!(outcome, Err(FenceError::Workspace(_))), "{query}");
        }
    }
}
