//! Which headers cross the proxy.

use axum::http::{HeaderMap, HeaderName, HeaderValue, header};

/// Headers that describe one hop, not the message, plus those the proxy sets
/// itself: the credentials (the client's never reach opencode; pocketcode
/// adds its own) and the host.
const HOP_BY_HOP: &[HeaderName] = &[
    header::CONNECTION,
    header::HOST,
    header::PROXY_AUTHENTICATE,
    header::PROXY_AUTHORIZATION,
    header::TE,
    header::TRAILER,
    header::TRANSFER_ENCODING,
    header::UPGRADE,
    header::AUTHORIZATION,
    header::COOKIE,
    header::SET_COOKIE,
];

/// The headers of `map` that are forwarded, in order, repeats kept.
pub fn forwardable(map: &HeaderMap) -> impl Iterator<Item = (&HeaderName, &HeaderValue)> {
    // Headers named by `Connection` are hop-by-hop too (RFC 9110 §7.6.1).
    let named_by_connection: Vec<String> = map
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|name| name.trim().to_ascii_lowercase())
        .collect();
    map.iter().filter(move |(name, _)| {
        !HOP_BY_HOP.contains(name)
            && name.as_str() != "keep-alive"
            && !named_by_connection.iter().any(|n| n == name.as_str())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hop_by_hop_and_credentials_are_dropped_the_rest_kept() {
        let mut map = HeaderMap::new();
        map.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Basic eA=="),
        );
        map.insert(
            header::CONNECTION,
            HeaderValue::from_static("keep-alive, x-private"),
        );
        map.insert("keep-alive", HeaderValue::from_static("timeout=5"));
        map.insert("x-private", HeaderValue::from_static("1"));
        map.insert(header::HOST, HeaderValue::from_static("example.test"));
        map.insert("x-opencode-directory", HeaderValue::from_static("/tmp/w"));
        map.append(header::ACCEPT, HeaderValue::from_static("text/html"));
        map.append(header::ACCEPT, HeaderValue::from_static("application/json"));
        let kept: Vec<_> = forwardable(&map)
            .map(|(n, _)| n.as_str().to_string())
            .collect();
        assert_eq!(kept, ["x-opencode-directory", "accept", "accept"]);
    }
}
