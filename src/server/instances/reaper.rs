//! Disposes the instances nobody needed for the idle time, every few
//! seconds, for as long as pocketcode runs.

use std::sync::Weak;
use std::time::Duration;

use super::Instances;

/// Looks often enough that an instance goes soon after its idle time.
fn period(idle: Duration) -> Duration {
    (idle / 4).clamp(Duration::from_millis(500), Duration::from_secs(10))
}

pub(super) async fn run(instances: Weak<Instances>, idle: Duration) {
    let mut tick = tokio::time::interval(period(idle));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let Some(instances) = instances.upgrade() else {
            return;
        };
        instances.dispose_idle(idle).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_period_follows_the_idle_time_within_bounds() {
        assert_eq!(period(Duration::from_secs(600)), Duration::from_secs(10));
        assert_eq!(period(Duration::from_secs(8)), Duration::from_secs(2));
        assert_eq!(period(Duration::from_secs(1)), Duration::from_millis(500));
    }
}
