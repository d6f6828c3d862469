//! Brute-force protection for the login form: failed attempts are counted per
//! client address and globally; too many in a window lock the address out,
//! for one window at first and twice as long at each repeat (up to an hour).
//! The check runs before the password is verified, so a flood costs no
//! argon2 work either.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// Longest lockout, however often an address repeats.
const MAX_LOCKOUT: Duration = Duration::from_secs(3600);
/// All clients together may fail this many times the per-client allowance.
const GLOBAL_FACTOR: u32 = 10;
/// Past this many tracked addresses, idle ones are forgotten.
const MAX_TRACKED: usize = 10_000;

/// Why a login attempt is refused before the password is looked at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Locked {
    pub retry_after: Duration,
    /// Whether it is the global limit (many addresses failing) rather than
    /// this address's own.
    pub global: bool,
}

#[derive(Debug, Default)]
struct Failures {
    recent: VecDeque<Instant>,
    locked_until: Option<Instant>,
    lockouts: u32,
    last_failure: Option<Instant>,
}

impl Failures {
    fn forget_before(&mut self, cutoff: Option<Instant>) {
        while self
            .recent
            .front()
            .is_some_and(|t| cutoff.is_some_and(|c| *t < c))
        {
            self.recent.pop_front();
        }
    }

    fn locked(&self, now: Instant) -> Option<Duration> {
        self.locked_until
            .filter(|until| *until > now)
            .map(|until| until - now)
    }
}

/// Counts failed logins. Time is passed in so tests can move it.
#[derive(Debug)]
pub struct LoginLimiter {
    max_failures: u32,
    window: Duration,
    clients: HashMap<IpAddr, Failures>,
    global: Failures,
}

impl LoginLimiter {
    pub fn new(max_failures: u32, window: Duration) -> Self {
        Self {
            max_failures: max_failures.max(1),
            window: window.max(Duration::from_secs(1)),
            clients: HashMap::new(),
            global: Failures::default(),
        }
    }

    /// `Err` while `client` (or everyone) is locked out.
    pub fn check(&self, client: IpAddr, now: Instant) -> Result<(), Locked> {
        if let Some(retry_after) = self.clients.get(&client).and_then(|f| f.locked(now)) {
            return Err(Locked {
                retry_after,
                global: false,
            });
        }
        if let Some(retry_after) = self.global.locked(now) {
            return Err(Locked {
                retry_after,
                global: true,
            });
        }
        Ok(())
    }

    /// Counts a wrong password; returns the lockout it caused, if any.
    pub fn record_failure(&mut self, client: IpAddr, now: Instant) -> Option<Locked> {
        if self.clients.len() >= MAX_TRACKED {
            self.forget_idle(now);
        }
        let cutoff = now.checked_sub(self.window);
        let quiet_for = MAX_LOCKOUT.max(self.window * 4);
        let failures = self.clients.entry(client).or_default();
        if failures
            .last_failure
            .is_some_and(|last| now.saturating_duration_since(last) > quiet_for)
        {
            // A long quiet spell wipes the address's record of repeats.
            failures.lockouts = 0;
        }
        let local =
            Self::count(failures, self.max_failures, self.window, cutoff, now).map(|retry_after| {
                Locked {
                    retry_after,
                    global: false,
                }
            });
        let global = Self::count(
            &mut self.global,
            self.max_failures.saturating_mul(GLOBAL_FACTOR),
            self.window,
            cutoff,
            now,
        )
        .map(|retry_after| Locked {
            retry_after,
            global: true,
        });
        local.or(global)
    }

    /// A successful login clears the address's record.
    pub fn record_success(&mut self, client: IpAddr) {
        self.clients.remove(&client);
    }

    fn count(
        failures: &mut Failures,
        max: u32,
        window: Duration,
        cutoff: Option<Instant>,
        now: Instant,
    ) -> Option<Duration> {
        failures.forget_before(cutoff);
        failures.recent.push_back(now);
        failures.last_failure = Some(now);
        if failures.recent.len() < max as usize {
            return None;
        }
        failures.recent.clear();
        let doubling = 2u32.saturating_pow(failures.lockouts.min(16));
        let lockout = window.saturating_mul(doubling).min(MAX_LOCKOUT);
        failures.lockouts = failures.lockouts.saturating_add(1);
        failures.locked_until = Some(now + lockout);
        Some(lockout)
    }

    fn forget_idle(&mut self, now: Instant) {
        let window = self.window;
        self.clients.retain(|_, f| {
            f.locked(now).is_some()
                || f.last_failure
                    .is_some_and(|last| now.saturating_duration_since(last) < window)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([192, 0, 2, last])
    }

    #[test]
    fn an_address_is_locked_after_max_failures_and_recovers_after_the_window() {
        let start = Instant::now();
        let mut limiter = LoginLimiter::new(3, Duration::from_secs(60));
        assert_eq!(limiter.record_failure(ip(1), start), None);
        assert_eq!(limiter.record_failure(ip(1), start), None);
        let locked = limiter
            .record_failure(ip(1), start)
            .expect("third failure locks");
        assert_eq!(locked.retry_after, Duration::from_secs(60));
        assert!(!locked.global);
        assert!(
            limiter
                .check(ip(1), start + Duration::from_secs(59))
                .is_err()
        );
        // Other addresses are not affected.
        assert!(limiter.check(ip(2), start).is_ok());
        assert!(
            limiter
                .check(ip(1), start + Duration::from_secs(60))
                .is_ok()
        );
    }

    #[test]
    fn repeated_lockouts_double_up_to_an_hour_and_success_resets() {
        let mut now = Instant::now();
        let mut limiter = LoginLimiter::new(2, Duration::from_secs(60));
        let mut lockouts = Vec::new();
        for _ in 0..8 {
            limiter.record_failure(ip(1), now);
            let locked = limiter.record_failure(ip(1), now).expect("locks");
            lockouts.push(locked.retry_after.as_secs());
            now += locked.retry_after;
        }
        assert_eq!(lockouts, [60, 120, 240, 480, 960, 1920, 3600, 3600]);
        limiter.record_success(ip(1));
        limiter.record_failure(ip(1), now);
        let locked = limiter.record_failure(ip(1), now).expect("locks");
        assert_eq!(locked.retry_after.as_secs(), 60);
    }

    #[test]
    fn failures_outside_the_window_do_not_count() {
        let start = Instant::now();
        let mut limiter = LoginLimiter::new(2, Duration::from_secs(60));
        assert_eq!(limiter.record_failure(ip(1), start), None);
        let later = start + Duration::from_secs(61);
        assert_eq!(limiter.record_failure(ip(1), later), None);
        assert!(limiter.record_failure(ip(1), later).is_some());
    }

    #[test]
    fn many_addresses_failing_trip_the_global_limit() {
        let now = Instant::now();
        let mut limiter = LoginLimiter::new(5, Duration::from_secs(60));
        // 50 failures from 50 addresses: none is locked on its own.
        let mut tripped = None;
        for i in 0..50u8 {
            tripped = limiter.record_failure(ip(i), now);
        }
        let locked = tripped.expect("the 50th failure trips the global limit");
        assert!(locked.global);
        let fresh = limiter.check(ip(200), now).expect_err("everyone waits");
        assert!(fresh.global);
        assert!(
            limiter
                .check(ip(200), now + Duration::from_secs(60))
                .is_ok()
        );
    }
}
