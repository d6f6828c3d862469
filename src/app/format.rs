//! Numbers as people read them.

/// `1.5 GiB`, `320 KiB`, `12 B`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else if value < 10.0 {
        format!("{value:.1} {}", UNITS[unit])
    } else {
        format!("{value:.0} {}", UNITS[unit])
    }
}

/// `42s`, `5m`, `3h 20m`, `2d 4h`.
pub fn duration(seconds: u64) -> String {
    match seconds {
        0..60 => format!("{seconds}s"),
        60..3_600 => format!("{}m", seconds / 60),
        3_600..86_400 => format!("{}h {}m", seconds / 3_600, seconds % 3_600 / 60),
        _ => format!("{}d {}h", seconds / 86_400, seconds % 86_400 / 3_600),
    }
}

/// A token count, short: `950`, `12.3k`, `128k`, `1.5M`.
pub fn tokens(n: u64) -> String {
    let value = n as f64;
    match n {
        0..1_000 => n.to_string(),
        1_000..10_000 => format!("{:.1}k", value / 1e3),
        10_000..1_000_000 => format!("{:.0}k", value / 1e3),
        _ => format!("{:.1}M", value / 1e6),
    }
}

/// A count with thousands separated: `12,345`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// `1 model call`, `3 model calls`.
pub fn model_calls(n: u32) -> String {
    match n {
        1 => "1 model call".to_owned(),
        n => format!("{n} model calls"),
    }
}

/// US dollars: `$0`, `$0.0042` (cents and below), `$1.25`, `$340`.
pub fn dollars(amount: f64) -> String {
    match amount {
        a if !a.is_finite() || a <= 0.0 => "$0".to_owned(),
        a if a < 0.01 => format!("${a:.4}"),
        a if a < 100.0 => format!("${a:.2}"),
        a => format!("${a:.0}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_durations_read_short() {
        assert_eq!(bytes(12), "12 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(320 * 1024), "320 KiB");
        assert_eq!(bytes(3 * 1024 * 1024 * 1024), "3.0 GiB");
        assert_eq!(duration(42), "42s");
        assert_eq!(duration(300), "5m");
        assert_eq!(duration(3 * 3600 + 20 * 60), "3h 20m");
        assert_eq!(duration(2 * 86_400 + 4 * 3600), "2d 4h");
    }

    #[test]
    fn tokens_and_dollars_read_short() {
        assert_eq!(tokens(950), "950");
        assert_eq!(tokens(12_345), "12k");
        assert_eq!(tokens(1_234), "1.2k");
        assert_eq!(tokens(128_000), "128k");
        assert_eq!(tokens(1_500_000), "1.5M");
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_234_567), "1,234,567");
        assert_eq!(dollars(0.0), "$0");
        assert_eq!(dollars(0.004_21), "$0.0042");
        assert_eq!(dollars(1.254), "$1.25");
        assert_eq!(dollars(340.2), "$340");
        assert_eq!(model_calls(1), "1 model call");
        assert_eq!(model_calls(0), "0 model calls");
    }
}
