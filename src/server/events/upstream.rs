//! How the upstream relays (`global` for local directories, `remote` for
//! each connected remote) retry: with backoff and jitter whenever their
//! stream ends (opencode restarted, network hiccup).

use std::time::Duration;

use rand::Rng as _;

pub(super) const FIRST_RETRY: Duration = Duration::from_millis(250);
pub(super) const LONGEST_RETRY: Duration = Duration::from_secs(10);
/// A connection that lasted this long resets the backoff.
pub(super) const STABLE: Duration = Duration::from_secs(30);

/// ±25 %, so many upstreams that broke together do not retry together.
pub(super) fn jittered(base: Duration) -> Duration {
    base.mul_f64(rand::rng().random_range(0.75..1.25))
}
