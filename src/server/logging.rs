//! Structured logs through `tracing`.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber. `filter` uses `tracing`'s directive syntax;
/// an invalid filter falls back to `info` and says so.
pub fn init(filter: &str, json: bool) {
    let (env_filter, bad) = match EnvFilter::try_new(filter) {
        Ok(f) => (f, None),
        Err(err) => (EnvFilter::new("info"), Some(err)),
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(env_filter)
        .with_writer(std::io::stderr);
    // `try_init` so tests that start several servers in one process don't panic.
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
    if let Some(err) = bad {
        tracing::warn!(%filter, %err, "invalid log filter, using `info`");
    }
}
