//! What the shared browser may reach. Judged on the addresses a name
//! resolves to, and the connection then goes to exactly those addresses:
//! a name that resolves to loopback (DNS rebinding) is judged as loopback.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use super::EgressError;
use crate::server::sandbox::internal_ports::InternalPorts;

/// A resolver that does not answer is a refusal, not a hung page.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(10);

/// Cloud instance metadata services (AWS, GCP, Azure, OCI and others use
/// 169.254.169.254, which is link-local anyway; AWS's IPv6 one and
/// Alibaba's are not).
const METADATA_ADDRESSES: [IpAddr; 3] = [
    IpAddr::V4(Ipv4Addr::new(169, 254, 169, 254)),
    IpAddr::V6(Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254)),
    IpAddr::V4(Ipv4Addr::new(100, 100, 100, 200)),
];

/// Names of metadata services, refused before they are even resolved.
const METADATA_NAMES: [&str; 4] = [
    "metadata.google.internal",
    "metadata.goog",
    "metadata",
    "instance-data.ec2.internal",
];

/// Why a destination is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    InternalPort,
    LinkLocal,
    Metadata,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::InternalPort => {
                "that port is one of pocketcode's own (its server, opencode, the \
                 provider gateway, a browser's debugging port or gate, an ssh tunnel)"
            }
            Self::LinkLocal => "link-local addresses (169.254.0.0/16, fe80::/10) are out of reach",
            Self::Metadata => "cloud metadata services are out of reach",
        })
    }
}

/// Decides where the shared browser's connections may go.
#[derive(Clone)]
pub struct Reach {
    internal: Arc<InternalPorts>,
}

impl Reach {
    pub fn new(internal: Arc<InternalPorts>) -> Self {
        Self { internal }
    }

    /// The addresses `host`:`port` may be connected to, or why none: every
    /// address the name has must be allowed.
    pub async fn resolve(&self, host: &str, port: u16) -> Result<Vec<SocketAddr>, EgressError> {
        let refused = |why| EgressError::Refused {
            target: format!("{host}:{port}"),
            why,
        };
        let name = host.trim_start_matches('[').trim_end_matches(']');
        if METADATA_NAMES.contains(&name.trim_end_matches('.').to_ascii_lowercase().as_str()) {
            return Err(refused(Refusal::Metadata));
        }
        let addresses: Vec<SocketAddr> = match name.parse::<IpAddr>() {
            Ok(ip) => vec![SocketAddr::new(ip, port)],
            Err(_) => tokio::time::timeout(RESOLVE_TIMEOUT, tokio::net::lookup_host((name, port)))
                .await
                .map_err(|_| EgressError::Unresolvable {
                    host: name.to_owned(),
                    reason: format!("no answer within {RESOLVE_TIMEOUT:?}"),
                })?
                .map_err(|e| EgressError::Unresolvable {
                    host: name.to_owned(),
                    reason: e.to_string(),
                })?
                .collect(),
        };
        let internal = self.internal.all();
        for address in &addresses {
            judge(*address, &internal).map_err(refused)?;
        }
        if addresses.is_empty() {
            return Err(EgressError::Unresolvable {
                host: name.to_owned(),
                reason: "the name has no address".into(),
            });
        }
        Ok(addresses)
    }
}

/// Whether a connection to `address` is allowed, given pocketcode's own
/// ports.
pub fn judge(address: SocketAddr, internal: &BTreeSet<u16>) -> Result<(), Refusal> {
    let ip = address.ip().to_canonical();
    if METADATA_ADDRESSES.contains(&ip) {
        return Err(Refusal::Metadata);
    }
    let link_local = match ip {
        IpAddr::V4(v4) => v4.is_link_local(),
        IpAddr::V6(v6) => v6.segments()[0] & 0xffc0 == 0xfe80,
    };
    if link_local {
        return Err(Refusal::LinkLocal);
    }
    if internal.contains(&address.port()) && is_this_machine(ip) {
        return Err(Refusal::InternalPort);
    }
    Ok(())
}

/// Loopback, the unspecified address (which Linux connects to this
/// machine) and every address of this machine's interfaces: a port of
/// pocketcode's listening on all interfaces is reachable on each.
fn is_this_machine(ip: IpAddr) -> bool {
    // Binding succeeds exactly for addresses this machine has.
    ip.is_loopback() || ip.is_unspecified() || std::net::UdpSocket::bind((ip, 0)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> SocketAddr {
        text.parse().unwrap()
    }

    #[test]
    fn pocketcodes_ports_on_this_machine_are_refused_others_are_not() {
        let internal = BTreeSet::from([4096, 8080]);
        for own in [
            "127.0.0.1:4096",
            "127.3.4.5:8080",
            "[::1]:4096",
            "0.0.0.0:8080",
            "[::ffff:127.0.0.1]:4096",
        ] {
            assert_eq!(
                judge(at(own), &internal),
                Err(Refusal::InternalPort),
                "{own}"
            );
        }
        // A dev server the agent runs, and the same port number elsewhere.
        assert_eq!(judge(at("127.0.0.1:3000"), &internal), Ok(()));
        assert_eq!(judge(at("93.184.215.14:8080"), &internal), Ok(()));
    }

    #[test]
    fn link_local_and_metadata_are_refused_on_any_port() {
        let none = BTreeSet::new();
        assert_eq!(
            judge(at("169.254.169.254:80"), &none),
            Err(Refusal::Metadata)
        );
        assert_eq!(
            judge(at("[fd00:ec2::254]:80"), &none),
            Err(Refusal::Metadata)
        );
        assert_eq!(
            judge(at("100.100.100.200:80"), &none),
            Err(Refusal::Metadata)
        );
        assert_eq!(judge(at("169.254.1.1:443"), &none), Err(Refusal::LinkLocal));
        assert_eq!(judge(at("[fe80::1]:443"), &none), Err(Refusal::LinkLocal));
        assert_eq!(
            judge(at("[::ffff:169.254.0.9]:443"), &none),
            Err(Refusal::LinkLocal)
        );
    }

    #[tokio::test]
    async fn names_are_judged_by_what_they_resolve_to() {
        let internal = Arc::new(InternalPorts::default());
        internal.add(4096);
        let reach = Reach::new(internal);
        assert!(matches!(
            reach.resolve("localhost", 4096).await,
            Err(EgressError::Refused {
                why: Refusal::InternalPort,
                ..
            })
        ));
        assert!(reach.resolve("localhost", 3000).await.is_ok());
        assert!(matches!(
            reach.resolve("[::1]", 4096).await,
            Err(EgressError::Refused { .. })
        ));
        assert!(matches!(
            reach.resolve("Metadata.Google.Internal.", 80).await,
            Err(EgressError::Refused {
                why: Refusal::Metadata,
                ..
            })
        ));
    }
}
