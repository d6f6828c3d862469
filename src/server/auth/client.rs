//! Who is asking, and over what: the client's address (for rate limiting),
//! whether the request came over HTTPS (for `Secure` cookies) and the origin
//! it was addressed to (for the Origin check). Forwarded headers are believed
//! only from a configured trusted proxy.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::http::HeaderMap;
use axum::http::header::HOST;
use ipnet::IpNet;

/// What the auth wall knows about a request's client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientInfo {
    pub ip: IpAddr,
    pub https: bool,
    /// `host[:port]` the client addressed, when it said.
    pub host: Option<String>,
}

impl ClientInfo {
    /// `peer` is the TCP peer; `None` when the router is driven in-process.
    pub fn of(headers: &HeaderMap, peer: Option<SocketAddr>, trusted: &[IpNet]) -> Self {
        let peer_ip = peer.map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |p| p.ip());
        let from_proxy = peer.is_some() && is_trusted(peer_ip, trusted);
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        let mut info = Self {
            ip: peer_ip,
            https: false,
            host: header(HOST.as_str()).map(str::to_ascii_lowercase),
        };
        if from_proxy {
            info.ip = header("fly-client-ip")
                .and_then(|v| v.parse().ok())
                .or_else(|| forwarded_for(header("x-forwarded-for"), trusted))
                .unwrap_or(peer_ip);
            info.https = header("x-forwarded-proto")
                .and_then(|v| v.split(',').next())
                .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"));
            if let Some(host) = header("x-forwarded-host") {
                info.host = Some(host.to_ascii_lowercase());
            }
        }
        info
    }

    /// `scheme://host[:port]` as a browser would send it in `Origin`.
    pub fn origin(&self) -> Option<String> {
        let scheme = if self.https { "https" } else { "http" };
        self.host.as_ref().map(|host| format!("{scheme}://{host}"))
    }
}

fn is_trusted(ip: IpAddr, trusted: &[IpNet]) -> bool {
    let ip = canonical(ip);
    trusted.iter().any(|net| net.contains(&ip))
}

/// IPv4 clients of a dual-stack socket show up as `::ffff:a.b.c.d`.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The rightmost address in X-Forwarded-For that is not one of our proxies:
/// anything left of it could have been written by the client.
fn forwarded_for(value: Option<&str>, trusted: &[IpNet]) -> Option<IpAddr> {
    value?
        .rsplit(',')
        .filter_map(|hop| hop.trim().parse::<IpAddr>().ok())
        .find(|ip| !is_trusted(*ip, trusted))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().expect("header value"));
        }
        map
    }

    fn peer(ip: &str) -> Option<SocketAddr> {
        Some(SocketAddr::new(ip.parse().expect("ip"), 40000))
    }

    #[test]
    fn forwarded_headers_from_an_untrusted_peer_are_ignored() {
        let h = headers(&[
            ("host", "pocket.example"),
            ("x-forwarded-for", "203.0.113.9"),
            ("x-forwarded-proto", "https"),
            ("fly-client-ip", "203.0.113.9"),
        ]);
        let info = ClientInfo::of(&h, peer("198.51.100.7"), &[]);
        assert_eq!(info.ip, "198.51.100.7".parse::<IpAddr>().expect("ip"));
        assert!(!info.https);
        assert_eq!(info.origin().as_deref(), Some("http://pocket.example"));
    }

    #[test]
    fn a_trusted_proxy_sets_client_address_and_scheme() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().expect("net")];
        let h = headers(&[
            ("host", "Pocket.Example"),
            ("x-forwarded-for", "6.6.6.6, 203.0.113.9, 10.1.1.1"),
            ("x-forwarded-proto", "https"),
        ]);
        let info = ClientInfo::of(&h, peer("10.0.0.2"), &trusted);
        // The client may have forged 6.6.6.6; 203.0.113.9 is what our proxy saw.
        assert_eq!(info.ip, "203.0.113.9".parse::<IpAddr>().expect("ip"));
        assert!(info.https);
        assert_eq!(info.origin().as_deref(), Some("https://pocket.example"));
        let fly = headers(&[("fly-client-ip", "2001:db8::1"), ("host", "a")]);
        let info = ClientInfo::of(&fly, peer("::ffff:10.0.0.3"), &trusted);
        assert_eq!(info.ip, "2001:db8::1".parse::<IpAddr>().expect("ip"));
    }
}
