//! How pocketcode's retry loops wait between attempts: the event relays'
//! reconnects, the SSH tunnel's rebuilds and opencode's restarts. The wait
//! starts short, doubles after every failure up to a cap, and starts short
//! again once the loop is back on its feet.

use std::time::Duration;

use rand::Rng as _;

/// The wait before a loop's next attempt.
#[derive(Debug, Clone)]
pub struct Backoff {
    first: Duration,
    longest: Duration,
    jitter: bool,
    failures: u32,
}

impl Backoff {
    /// Waits of `first`, then twice that after each failure, at most `longest`.
    pub const fn new(first: Duration, longest: Duration) -> Self {
        Self {
            first,
            longest,
            jitter: false,
            failures: 0,
        }
    }

    /// Every wait ±25 %, so many loops that broke together do not retry
    /// together.
    #[must_use]
    pub const fn jittered(self) -> Self {
        Self {
            jitter: true,
            ..self
        }
    }

    /// One more failure: the next wait doubles (up to the cap).
    pub fn failed(&mut self) {
        self.failures = self.failures.saturating_add(1);
    }

    /// Back on its feet: the next wait is the first again.
    pub fn reset(&mut self) {
        self.failures = 0;
    }

    /// Failures since the last [`reset`](Self::reset).
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// The wait the failures so far call for.
    pub fn delay(&self) -> Duration {
        let base = self.base();
        if self.jitter {
            base.mul_f64(rand::rng().random_range(0.75..1.25))
        } else {
            base
        }
    }

    /// Waits [`delay`](Self::delay), then counts one more failure.
    pub async fn wait(&mut self) {
        tokio::time::sleep(self.delay()).await;
        self.failed();
    }

    /// The wait before jitter: `first · 2^failures`, at most `longest`.
    fn base(&self) -> Duration {
        self.first
            .saturating_mul(2u32.saturating_pow(self.failures))
            .min(self.longest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIRST: Duration = Duration::from_millis(250);
    const LONGEST: Duration = Duration::from_secs(10);

    fn waits(backoff: &mut Backoff, count: usize) -> Vec<Duration> {
        (0..count)
            .map(|_| {
                let delay = backoff.delay();
                backoff.failed();
                delay
            })
            .collect()
    }

    #[test]
    fn waits_double_up_to_the_cap() {
        let mut backoff = Backoff::new(FIRST, LONGEST);
        let millis: Vec<u128> = waits(&mut backoff, 8)
            .iter()
            .map(Duration::as_millis)
            .collect();
        assert_eq!(millis, [250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
        assert_eq!(backoff.failures(), 8);
    }

    #[test]
    fn many_failures_stay_at_the_cap() {
        let mut backoff = Backoff::new(Duration::from_secs(1), Duration::from_secs(30));
        for _ in 0..1000 {
            backoff.failed();
        }
        assert_eq!(backoff.delay(), Duration::from_secs(30));
    }

    #[test]
    fn a_reset_starts_again_from_the_first_wait() {
        let mut backoff = Backoff::new(FIRST, LONGEST);
        waits(&mut backoff, 5);
        backoff.reset();
        assert_eq!(backoff.failures(), 0);
        assert_eq!(backoff.delay(), FIRST);
        backoff.failed();
        assert_eq!(backoff.delay(), FIRST * 2);
    }

    #[test]
    fn jitter_stays_within_a_quarter_of_the_wait() {
        let mut backoff = Backoff::new(FIRST, LONGEST).jittered();
        for _ in 0..8 {
            let base = backoff.base();
            for _ in 0..50 {
                let delay = backoff.delay();
                assert!(delay >= base.mul_f64(0.75) && delay <= base.mul_f64(1.25));
            }
            backoff.failed();
        }
        let spread: std::collections::BTreeSet<Duration> =
            (0..50).map(|_| backoff.delay()).collect();
        assert!(spread.len() > 1, "jitter varies the wait");
    }

    #[tokio::test]
    async fn wait_sleeps_the_delay_then_counts_a_failure() {
        let first = Duration::from_millis(20);
        let mut backoff = Backoff::new(first, LONGEST);
        let started = std::time::Instant::now();
        backoff.wait().await;
        backoff.wait().await;
        assert!(started.elapsed() >= first * 3);
        assert_eq!(backoff.failures(), 2);
    }
}
