//! Brute-force protection for the login form that strangers cannot turn
//! against the owner. Failed attempts are counted per client address (per
//! /64 for IPv6: one host usually holds the whole prefix); too many in a
//! window lock that address out for one window, which no attempt during
//! the lockout extends. A global brake counts only browsers the server does
//! not know (no device cookie, no signed session cookie, expired or not):
//! when many addresses fail together it stops them, never the owner's own
//! devices. The check runs before the password is verified, so a refused
//! attempt costs no argon2 work.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, Ipv6Addr};
use std::time::{Duration, Instant};

/// Unknown browsers together may fail this many times the per-address
/// allowance in one window.
const GLOBAL_FACTOR: u32 = 10;
/// Past this many tracked addresses, idle ones are forgotten; if all are
/// busy, new ones go untracked (the global brake still counts them).
const MAX_TRACKED: usize = 10_000;

/// Who is trying to log in, as far as the limits go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attempt {
    pub client: IpAddr,
    /// The browser logged in here before (device or session cookie).
    pub known_device: bool,
}

/// Which limit refused an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// This address (or IPv6 /64) failed too often.
    Address,
    /// Unknown browsers, from many addresses together, failed too often.
    Strangers,
}

/// Why a login attempt is refused before the password is looked at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Locked {
    pub retry_after: Duration,
    pub scope: Scope,
}

/// The address the limits count under: IPv4 as it is (also when it comes
/// as `::ffff:a.b.c.d`), IPv6 cut to its /64.
pub fn limit_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !u128::from(u64::MAX))),
        },
    }
}

#[derive(Debug, Default)]
struct Failures {
    recent: VecDeque<Instant>,
    locked_until: Option<Instant>,
}

impl Failures {
    fn locked(&self, now: Instant) -> Option<Duration> {
        self.locked_until
            .filter(|until| *until > now)
            .map(|until| until - now)
    }

    /// Counts a failure at `now`; at `max` within `window`, locks for
    /// exactly one window.
    fn count(&mut self, max: u32, window: Duration, now: Instant) -> Option<Duration> {
        if let Some(cutoff) = now.checked_sub(window) {
            while self.recent.front().is_some_and(|t| *t <= cutoff) {
                self.recent.pop_front();
            }
        }
        self.recent.push_back(now);
        if self.recent.len() < max as usize {
            return None;
        }
        self.recent.clear();
        self.locked_until = Some(now + window);
        Some(window)
    }

    fn idle(&self, window: Duration, now: Instant) -> bool {
        self.locked(now).is_none()
            && self
                .recent
                .back()
                .is_none_or(|last| now.saturating_duration_since(*last) >= window)
    }
}

/// Counts failed logins. Time is passed in so tests can move it.
#[derive(Debug)]
pub struct LoginLimiter {
    max_failures: u32,
    window: Duration,
    clients: HashMap<IpAddr, Failures>,
    strangers: Failures,
}

impl LoginLimiter {
    pub fn new(max_failures: u32, window: Duration) -> Self {
        Self {
            max_failures: max_failures.max(1),
            window: window.max(Duration::from_secs(1)),
            clients: HashMap::new(),
            strangers: Failures::default(),
        }
    }

    /// `Err` while the attempt's address, or (for an unknown browser) the
    /// global brake, is locked.
    pub fn check(&self, attempt: Attempt, now: Instant) -> Result<(), Locked> {
        let address = self
            .clients
            .get(&limit_key(attempt.client))
            .and_then(|f| f.locked(now));
        if let Some(retry_after) = address {
            return Err(Locked {
                retry_after,
                scope: Scope::Address,
            });
        }
        match self.strangers.locked(now) {
            Some(retry_after) if !attempt.known_device => Err(Locked {
                retry_after,
                scope: Scope::Strangers,
            }),
            _ => Ok(()),
        }
    }

    /// Counts a wrong password; returns the lockout it caused, if any.
    pub fn record_failure(&mut self, attempt: Attempt, now: Instant) -> Option<Locked> {
        let (max, window) = (self.max_failures, self.window);
        let global = (!attempt.known_device)
            .then(|| {
                self.strangers
                    .count(max.saturating_mul(GLOBAL_FACTOR), window, now)
            })
            .flatten()
            .map(|retry_after| Locked {
                retry_after,
                scope: Scope::Strangers,
            });
        let key = limit_key(attempt.client);
        if self.clients.len() >= MAX_TRACKED && !self.clients.contains_key(&key) {
            self.clients.retain(|_, f| !f.idle(window, now));
        }
        if self.clients.len() >= MAX_TRACKED && !self.clients.contains_key(&key) {
            return global;
        }
        let local = self
            .clients
            .entry(key)
            .or_default()
            .count(max, window, now)
            .map(|retry_after| Locked {
                retry_after,
                scope: Scope::Address,
            });
        local.or(global)
    }

    /// A successful login clears the address's record.
    pub fn record_success(&mut self, client: IpAddr) {
        self.clients.remove(&limit_key(client));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WINDOW: Duration = Duration::from_secs(60);

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("ip")
    }

    fn stranger(text: &str) -> Attempt {
        Attempt {
            client: ip(text),
            known_device: false,
        }
    }

    #[test]
    fn ipv6_counts_per_64_and_mapped_ipv4_as_ipv4() {
        assert_eq!(
            limit_key(ip("2001:db8:1:2:aaaa:bbbb:cccc:dddd")),
            ip("2001:db8:1:2::")
        );
        assert_eq!(limit_key(ip("2001:db8:1:2::1")), ip("2001:db8:1:2::"));
        assert_ne!(limit_key(ip("2001:db8:1:3::1")), ip("2001:db8:1:2::"));
        assert_eq!(limit_key(ip("::ffff:192.0.2.7")), ip("192.0.2.7"));
        assert_eq!(limit_key(ip("192.0.2.7")), ip("192.0.2.7"));

        let now = Instant::now();
        let mut limiter = LoginLimiter::new(3, WINDOW);
        // Three addresses of one /64 share one allowance.
        for host in ["2001:db8:1:2::1", "2001:db8:1:2::2"] {
            assert_eq!(limiter.record_failure(stranger(host), now), None);
        }
        let locked = limiter
            .record_failure(stranger("2001:db8:1:2:ffff::9"), now)
            .expect("the /64's third failure locks it");
        assert_eq!(locked.scope, Scope::Address);
        assert!(limiter.check(stranger("2001:db8:1:2::77"), now).is_err());
        assert!(limiter.check(stranger("2001:db8:1:3::1"), now).is_ok());
        // A mapped IPv4 address is the same client as the plain one.
        limiter.record_failure(stranger("::ffff:192.0.2.7"), now);
        limiter.record_failure(stranger("192.0.2.7"), now);
        limiter.record_failure(stranger("::ffff:192.0.2.7"), now);
        assert!(limiter.check(stranger("192.0.2.7"), now).is_err());
    }

    #[test]
    fn a_lockout_ends_with_its_window_whatever_is_tried_meanwhile() {
        let start = Instant::now();
        let mut limiter = LoginLimiter::new(3, WINDOW);
        let client = stranger("192.0.2.1");
        for _ in 0..2 {
            assert_eq!(limiter.record_failure(client, start), None);
        }
        let locked = limiter.record_failure(client, start).expect("locks");
        assert_eq!(locked.retry_after, WINDOW);
        // Trying during the lockout is refused, and does not extend it.
        for second in [1, 30, 59] {
            let at = start + Duration::from_secs(second);
            let refused = limiter.check(client, at).expect_err("still locked");
            assert_eq!(refused.retry_after, WINDOW - Duration::from_secs(second));
        }
        assert!(limiter.check(client, start + WINDOW).is_ok());
        // Locking again costs a full allowance, and lasts one window again
        // (no doubling).
        let later = start + WINDOW;
        for _ in 0..2 {
            assert_eq!(limiter.record_failure(client, later), None);
        }
        let again = limiter.record_failure(client, later).expect("locks");
        assert_eq!(again.retry_after, WINDOW);
        assert!(limiter.check(client, later + WINDOW).is_ok());
        // A success forgets the address's failures.
        limiter.record_failure(client, later + WINDOW);
        limiter.record_success(client.client);
        limiter.record_failure(client, later + WINDOW);
        assert!(limiter.check(client, later + WINDOW).is_ok());
    }

    #[test]
    fn failures_older_than_the_window_do_not_count() {
        let start = Instant::now();
        let mut limiter = LoginLimiter::new(2, WINDOW);
        let client = stranger("192.0.2.1");
        assert_eq!(limiter.record_failure(client, start), None);
        let later = start + WINDOW;
        assert_eq!(limiter.record_failure(client, later), None);
        assert!(limiter.record_failure(client, later).is_some());
    }

    #[test]
    fn many_strangers_brake_strangers_but_never_a_known_device() {
        let now = Instant::now();
        let mut limiter = LoginLimiter::new(5, WINDOW);
        // 50 failures from 50 addresses: none is locked on its own.
        let mut tripped = None;
        for i in 0..50u8 {
            tripped = limiter.record_failure(stranger(&format!("198.51.100.{i}")), now);
        }
        let locked = tripped.expect("the 50th failure brakes strangers");
        assert_eq!(locked.scope, Scope::Strangers);
        let fresh = limiter
            .check(stranger("203.0.113.1"), now)
            .expect_err("a new browser waits");
        assert_eq!(fresh.scope, Scope::Strangers);
        let owner = Attempt {
            client: ip("203.0.113.1"),
            known_device: true,
        };
        assert_eq!(limiter.check(owner, now), Ok(()));
        // A known device's failures count for its own address only: with
        // the strangers one short of the brake, they do not tip it.
        let mut limiter = LoginLimiter::new(5, WINDOW);
        for i in 0..49u8 {
            limiter.record_failure(stranger(&format!("198.51.100.{i}")), now);
        }
        for i in 0..20u8 {
            let device = Attempt {
                client: ip(&format!("192.0.2.{i}")),
                known_device: true,
            };
            assert_eq!(limiter.record_failure(device, now), None);
        }
        assert!(limiter.check(stranger("203.0.113.2"), now).is_ok());
    }

    #[test]
    fn a_full_table_forgets_idle_addresses_and_stays_bounded() {
        let start = Instant::now();
        let mut limiter = LoginLimiter::new(1000, WINDOW);
        let known = |n: u32| Attempt {
            client: IpAddr::from(n.to_be_bytes()),
            known_device: true,
        };
        for n in 0..MAX_TRACKED as u32 {
            limiter.record_failure(known(n), start);
        }
        assert_eq!(limiter.clients.len(), MAX_TRACKED);
        // All busy: a new address is not tracked.
        limiter.record_failure(known(u32::MAX), start);
        assert_eq!(limiter.clients.len(), MAX_TRACKED);
        // A window later, the idle ones make room.
        limiter.record_failure(known(u32::MAX), start + WINDOW);
        assert_eq!(limiter.clients.len(), 1);
    }
}
