//! Where pushes may go. A push endpoint comes from a browser (anyone with
//! a login can subscribe any URL), and the server POSTs to it: it must be
//! a public https host, or pocketcode would knock on its own loopback and
//! the private network for whoever subscribed. Checked when subscribing
//! and again at every send, where the host is resolved and the connection
//! goes to the very address that was checked (DNS cannot swap it after).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::Url;

use super::PushError;

/// Strict by default; `allow_loopback` (a hidden flag) lets the tests'
/// loopback push service through, over plain http too.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EndpointPolicy {
    pub allow_loopback: bool,
}

/// Where one push goes: the URL, and for a host name the address it
/// resolved to (the one to connect to).
pub struct Target {
    pub url: Url,
    pub pinned: Option<(String, SocketAddr)>,
}

impl EndpointPolicy {
    /// What can be told without DNS: the scheme, and a literal address.
    pub fn check(&self, url: &Url) -> Result<(), PushError> {
        let refuse = |why: String| Err(PushError::InvalidSubscription(why));
        let Some(host) = url.host_str() else {
            return refuse("the endpoint has no host".into());
        };
        let literal = literal(url);
        let loopback =
            host.eq_ignore_ascii_case("localhost") || literal.is_some_and(|ip| ip.is_loopback());
        if loopback && self.allow_loopback {
            return match url.scheme() {
                "https" | "http" => Ok(()),
                _ => refuse("the endpoint must be an https URL".into()),
            };
        }
        if url.scheme() != "https" {
            return refuse("the endpoint must be an https URL".into());
        }
        if loopback || literal.is_some_and(|ip| !is_public(ip)) {
            return refuse(format!(
                "the endpoint's host {host} is not a public address (loopback, private, link-local and the like are refused)"
            ));
        }
        Ok(())
    }

    /// [`Self::check`], then the host name resolved now: every address it
    /// has must be public. `Ok` with the address to connect to.
    pub async fn resolve(&self, endpoint: &str) -> Result<Target, PushError> {
        let url = Url::parse(endpoint).map_err(|e| {
            PushError::InvalidSubscription(format!("the endpoint is not a URL: {e}"))
        })?;
        self.check(&url)?;
        let name = url.host_str().unwrap_or_default().to_owned();
        if literal(&url).is_some() {
            return Ok(Target { url, pinned: None });
        }
        if self.allow_loopback && name.eq_ignore_ascii_case("localhost") {
            return Ok(Target { url, pinned: None });
        }
        let port = url.port_or_known_default().unwrap_or(443);
        let addresses: Vec<SocketAddr> = tokio::net::lookup_host((name.as_str(), port))
            .await
            .map_err(|e| PushError::Transport(format!("cannot resolve {name}: {e}")))?
            .collect();
        if let Some(bad) = addresses.iter().find(|a| !is_public(a.ip())) {
            return Err(PushError::InvalidSubscription(format!(
                "the endpoint's host {name} resolves to {}, which is not a public address",
                bad.ip()
            )));
        }
        let first = addresses
            .first()
            .copied()
            .ok_or_else(|| PushError::Transport(format!("{name} has no address")))?;
        Ok(Target {
            url,
            pinned: Some((name, first)),
        })
    }
}

/// The host of `url` when it is an IP address.
fn literal(url: &Url) -> Option<IpAddr> {
    let host = url.host_str()?;
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()
}

/// An address on the public internet: not loopback, private, link-local,
/// unique-local, shared, documentation, multicast, unspecified or reserved.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            let s = v6.segments();
            // NAT64 (64:ff9b::/96) reaches the IPv4 address inside.
            if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                return is_public_v4(Ipv4Addr::from((u32::from(s[6]) << 16) | u32::from(s[7])));
            }
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (s[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || s[..6] == [0, 0, 0, 0, 0, 0]) // IPv4-compatible, ::/96
                && v6 != Ipv6Addr::UNSPECIFIED
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared 100.64/10
        || (a == 192 && b == 0 && c == 0) // IETF 192.0.0/24
        || (a == 198 && (18..20).contains(&b)) // benchmarking 198.18/15
        || a >= 240) // reserved
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
        ] {
            assert!(!is_public(private.parse().expect("ip")), "{private}");
        }
        for public in [
            "142.250.74.78",
            "2a00:1450:4001:80b::200a",
            "64:ff9b::8efa:4a4e",
        ] {
            assert!(is_public(public.parse().expect("ip")), "{public}");
        }
    }

    #[tokio::test]
    async fn strict_refuses_http_and_private_hosts_and_loopback_passes_only_when_allowed() {
        let strict = EndpointPolicy::default();
        for endpoint in [
            "http://push.example.com/x",
            "https://127.0.0.1:8443/x",
            "https://[::1]/x",
            "https://localhost/x",
            "https://10.0.0.5/x",
            "http://127.0.0.1:9000/x",
        ] {
            assert!(strict.resolve(endpoint).await.is_err(), "{endpoint}");
        }
        let tests = EndpointPolicy {
            allow_loopback: true,
        };
        assert!(tests.resolve("http://127.0.0.1:9000/x").await.is_ok());
        assert!(tests.resolve("https://10.0.0.5/x").await.is_err());
        assert!(tests.resolve("http://push.example.com/x").await.is_err());
    }
}
