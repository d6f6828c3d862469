//! Times shown in the UI: absolute ones formatted from the number alone
//! (UTC, no local zone), so server and browser render the same text; ages
//! ("5m") against a clock that ticks in the browser.

use leptos::prelude::*;

use super::web::clock;

/// How often ages are brought up to date.
const TICK: std::time::Duration = std::time::Duration::from_secs(30);

/// Milliseconds since the Unix epoch, now; in the browser it ticks.
pub fn use_now() -> Signal<u64> {
    let now = RwSignal::new(clock::now_ms());
    clock::every(TICK, move || now.set(clock::now_ms()));
    now.into()
}

/// How long ago `ms` was at `now_ms`: `now`, `5m`, `3h`, `2d`, then the date.
pub fn relative(ms: u64, now_ms: u64) -> String {
    let seconds = now_ms.saturating_sub(ms) / 1000;
    match seconds {
        0..60 => "now".into(),
        60..3_600 => format!("{}m", seconds / 60),
        3_600..86_400 => format!("{}h", seconds / 3_600),
        86_400..2_592_000 => format!("{}d", seconds / 86_400),
        _ => utc_minutes(ms)[..10].to_owned(),
    }
}

/// `2026-11-22 05:16 UTC` for milliseconds since the Unix epoch.
pub fn utc_minutes(ms: u64) -> String {
    let minutes = ms / 60_000;
    let (hour, minute) = ((minutes / 60) % 24, minutes % 60);
    let (year, month, day) = civil_from_days(minutes / (60 * 24));
    format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02} UTC")
}

/// Howard Hinnant's `civil_from_days`, for days since 1970-01-01 (no
/// negative days: opencode's times are after 1970).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_short() {
        let now = 1_795_324_613_302;
        assert_eq!(relative(now - 5_000, now), "now");
        assert_eq!(relative(now - 5 * 60_000, now), "5m");
        assert_eq!(relative(now - 3 * 3_600_000, now), "3h");
        assert_eq!(relative(now - 2 * 86_400_000, now), "2d");
        assert_eq!(relative(now - 40 * 86_400_000, now), "2026-10-13");
        assert_eq!(relative(now + 10_000, now), "now");
    }

    #[test]
    fn formats_known_instants() {
        assert_eq!(utc_minutes(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc_minutes(951_782_400_000), "2000-02-29 00:00 UTC");
        assert_eq!(utc_minutes(1_795_324_613_302), "2026-11-22 05:16 UTC");
        assert_eq!(utc_minutes(1_735_689_599_999), "2024-12-31 23:59 UTC");
    }
}
