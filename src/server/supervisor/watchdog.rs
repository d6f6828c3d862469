//! The liveness watchdog: an opencode whose event loop is stuck (swapping,
//! a deadlocked SQLite, a busy loop) keeps its process and its port, so
//! only asking it something tells it apart from a healthy one.

use std::time::Duration;

use super::status::Upstream;

/// The two requests of a probe: the cheapest route, then one that goes
/// through opencode's instance and its database (a stuck SQLite leaves
/// `/global/health` answering).
const PROBES: [&str; 2] = ["/global/health", "/session?limit=1"];

/// How the watchdog probes a healthy opencode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Liveness {
    /// Time from one probe's start to the next; zero turns the watchdog off.
    pub every: Duration,
    /// How long a whole probe (both requests) may take.
    pub timeout: Duration,
    /// Misses in a row that make opencode hung; zero turns the watchdog off.
    pub misses: u32,
}

impl Default for Liveness {
    fn default() -> Self {
        Self {
            every: Duration::from_secs(5),
            timeout: Duration::from_secs(3),
            misses: 3,
        }
    }
}

impl Liveness {
    fn enabled(&self) -> bool {
        !self.every.is_zero() && self.misses > 0
    }

    /// The longest a hang goes unnoticed: the misses' probes, the first of
    /// which may start just before the hang.
    pub fn detection_bound(&self) -> Duration {
        self.every.max(self.timeout) * (self.misses + 1)
    }
}

/// Why one probe missed.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    #[error("{path}: {source}")]
    Request {
        path: &'static str,
        #[source]
        source: reqwest::Error,
    },
    #[error("{path} answered {status}")]
    Status {
        path: &'static str,
        status: reqwest::StatusCode,
    },
}

/// opencode missed `misses` probes in a row.
#[derive(Debug, thiserror::Error)]
#[error("hung: {misses} health probes missed in a row (last: {last})")]
pub struct Hung {
    pub misses: u32,
    pub last: ProbeError,
}

/// Probes until opencode misses `liveness.misses` probes in a row; never
/// returns while the watchdog is off. `on_misses` hears every change of
/// the count of misses in a row (so a slow opencode shows before it is
/// declared hung).
pub(super) async fn watch(
    http: &reqwest::Client,
    upstream: &Upstream,
    liveness: Liveness,
    mut on_misses: impl FnMut(u32),
) -> Hung {
    if !liveness.enabled() {
        return std::future::pending().await;
    }
    let mut tick = tokio::time::interval(liveness.every);
    // A probe that outlasts the period starts the next one a period later,
    // not at once: a slow answer is not two misses.
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // The supervisor just saw it healthy.
    tick.tick().await;
    let mut misses = 0;
    loop {
        tick.tick().await;
        match probe(http, upstream, liveness.timeout).await {
            Ok(()) if misses > 0 => {
                tracing::info!(after = misses, "opencode answers its health probes again");
                misses = 0;
                on_misses(0);
            }
            Ok(()) => {}
            Err(last) => {
                misses += 1;
                tracing::warn!(misses, error = %last, "opencode missed a health probe");
                on_misses(misses);
                if misses >= liveness.misses {
                    return Hung { misses, last };
                }
            }
        }
    }
}

async fn probe(
    http: &reqwest::Client,
    upstream: &Upstream,
    timeout: Duration,
) -> Result<(), ProbeError> {
    let both = async {
        for path in PROBES {
            let response = upstream
                .request(http, reqwest::Method::GET, path)
                .send()
                .await
                .map_err(|source| ProbeError::Request { path, source })?;
            let status = response.status();
            if !status.is_success() {
                return Err(ProbeError::Status { path, status });
            }
            // The whole body: a loop that stalls mid-answer is stuck too.
            response
                .bytes()
                .await
                .map_err(|source| ProbeError::Request { path, source })?;
        }
        Ok(())
    };
    tokio::time::timeout(timeout, both)
        .await
        .unwrap_or(Err(ProbeError::Timeout(timeout)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_turns_it_off_and_the_bound_covers_every_miss() {
        assert!(Liveness::default().enabled());
        let off = Liveness {
            every: Duration::ZERO,
            ..Liveness::default()
        };
        assert!(!off.enabled());
        let off = Liveness {
            misses: 0,
            ..Liveness::default()
        };
        assert!(!off.enabled());
        assert_eq!(
            Liveness::default().detection_bound(),
            Duration::from_secs(20)
        );
    }
}
