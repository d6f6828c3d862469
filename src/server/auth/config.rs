//! The auth wall's flags and environment variables.

use clap::Args;
use ipnet::IpNet;

/// How users prove who they are, and whom pocketcode trusts to tell it the
/// client's address and scheme.
#[derive(Clone, Debug, Args)]
pub struct AuthConfig {
    /// The login password. Without it (and without a hash) a local run
    /// generates one and prints a one-time login URL.
    #[arg(long, env = "AUTH_PASSWORD", hide_env_values = true)]
    pub auth_password: Option<String>,

    /// An argon2 PHC hash of the login password (instead of AUTH_PASSWORD).
    #[arg(long, env = "AUTH_PASSWORD_HASH", hide_env_values = true)]
    pub auth_password_hash: Option<String>,

    /// Key for the session cookie's HMAC (at least 32 characters). Without it a
    /// local run keeps a generated one in `<data dir>/auth/secret`.
    #[arg(long, env = "AUTH_SECRET", hide_env_values = true)]
    pub auth_secret: Option<String>,

    /// Read a password from standard input, print its argon2 hash (for
    /// AUTH_PASSWORD_HASH) and exit.
    #[arg(long, default_value_t = false)]
    pub hash_password: bool,

    /// Production mode: AUTH_SECRET and a password are required at startup.
    #[arg(long, env = "POCKETCODE_PRODUCTION", default_value_t = false)]
    pub production: bool,

    /// Reverse proxies (IPs or CIDR ranges, comma-separated) whose
    /// X-Forwarded-For / X-Forwarded-Proto / Fly-Client-IP headers are believed.
    #[arg(
        long,
        env = "POCKETCODE_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_parser = parse_proxy
    )]
    pub trusted_proxies: Vec<IpNet>,

    /// Failed logins allowed per client address (IPv6: per /64) in one
    /// window before it is locked out; browsers the server does not know
    /// may fail ten times as often together before they all wait.
    #[arg(long, env = "POCKETCODE_LOGIN_MAX_FAILURES", default_value_t = 5)]
    pub login_max_failures: u32,

    /// Length of the failed-login window, in seconds; a lockout lasts one
    /// window.
    #[arg(long, env = "POCKETCODE_LOGIN_WINDOW_SECS", default_value_t = 60)]
    pub login_window_secs: u64,
}

/// Accepts `10.0.0.1` as well as `10.0.0.0/8`.
fn parse_proxy(value: &str) -> Result<IpNet, String> {
    let value = value.trim();
    if let Ok(net) = value.parse::<IpNet>() {
        return Ok(net);
    }
    value
        .parse::<std::net::IpAddr>()
        .map(IpNet::from)
        .map_err(|_| format!("`{value}` is not an IP address or CIDR range"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Wrapper {
        #[command(flatten)]
        auth: AuthConfig,
    }

    #[test]
    fn trusted_proxies_take_addresses_and_ranges_and_refuse_garbage() {
        let parsed =
            Wrapper::try_parse_from(["x", "--trusted-proxies", "127.0.0.1, fdaa::/16,10.0.0.0/8"])
                .expect("parses");
        let nets: Vec<String> = parsed
            .auth
            .trusted_proxies
            .iter()
            .map(|n| n.to_string())
            .collect();
        assert_eq!(nets, ["127.0.0.1/32", "fdaa::/16", "10.0.0.0/8"]);
        assert!(Wrapper::try_parse_from(["x", "--trusted-proxies", "proxy.local"]).is_err());
    }

    #[test]
    fn defaults_are_a_few_failures_per_minute() {
        let parsed = Wrapper::try_parse_from(["x"]).expect("parses");
        assert_eq!(parsed.auth.login_max_failures, 5);
        assert_eq!(parsed.auth.login_window_secs, 60);
        assert!(!parsed.auth.production);
    }
}
