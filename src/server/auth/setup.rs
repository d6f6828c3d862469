//! Building the wall from the configuration: where the password and the
//! cookie secret come from, and refusing to start without them in
//! production.

use std::path::Path;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore as _;

use super::Auth;
use super::config::AuthConfig;
use super::device::DeviceKey;
use super::generation::{Generation, write_atomically};
use super::password::{BadHash, PasswordCheck, PasswordGate};
use super::rate_limit::LoginLimiter;
use super::token::TokenKey;

/// Shortest accepted AUTH_SECRET, in bytes.
pub const MIN_SECRET_LEN: usize = 32;

#[derive(Debug, thiserror::Error)]
pub enum AuthSetupError {
    #[error(
        "AUTH_SECRET is required in production mode: set it to a random string of at least {MIN_SECRET_LEN} characters (e.g. `openssl rand -base64 48`)"
    )]
    MissingSecret,
    #[error("AUTH_SECRET is too short ({0} characters): use at least {MIN_SECRET_LEN}")]
    ShortSecret(usize),
    #[error("a password is required in production mode: set AUTH_PASSWORD or AUTH_PASSWORD_HASH")]
    MissingPassword,
    #[error("AUTH_PASSWORD is set but empty")]
    EmptyPassword,
    #[error("set only one of AUTH_PASSWORD and AUTH_PASSWORD_HASH")]
    TwoPasswords,
    #[error(transparent)]
    BadHash(#[from] BadHash),
    #[error("cannot use {path}: {source}")]
    State {
        path: String,
        source: std::io::Error,
    },
}

impl Auth {
    /// The wall for `config`, keeping its state in `<data_dir>/auth`.
    pub fn from_config(config: &AuthConfig, data_dir: &Path) -> Result<Self, AuthSetupError> {
        let dir = data_dir.join("auth");
        std::fs::create_dir_all(&dir).map_err(|source| state_error(&dir, source))?;
        let secret = secret(config, &dir)?;
        let (password, generated_password) = password(config)?;
        let generation_path = dir.join("generation");
        let generation = Generation::load(&generation_path)
            .map_err(|source| state_error(&generation_path, source))?;
        let one_time_token = generated_password.as_ref().map(|_| random_token(32));
        let key = TokenKey::new(&secret);
        Ok(Self {
            device: DeviceKey::new(&key),
            key,
            password: PasswordGate::new(password),
            generation,
            limiter: std::sync::Mutex::new(LoginLimiter::new(
                config.login_max_failures,
                Duration::from_secs(config.login_window_secs),
            )),
            trusted_proxies: config.trusted_proxies.clone(),
            generated_password,
            one_time_token: std::sync::Mutex::new(one_time_token),
        })
    }
}

fn secret(config: &AuthConfig, dir: &Path) -> Result<Vec<u8>, AuthSetupError> {
    if let Some(secret) = config.auth_secret.as_deref() {
        if secret.len() < MIN_SECRET_LEN {
            return Err(AuthSetupError::ShortSecret(secret.len()));
        }
        return Ok(secret.as_bytes().to_vec());
    }
    if config.production {
        return Err(AuthSetupError::MissingSecret);
    }
    // Local runs keep a generated secret so logins survive restarts.
    let path = dir.join("secret");
    match std::fs::read_to_string(&path) {
        Ok(text) if text.trim().len() >= MIN_SECRET_LEN => Ok(text.trim().as_bytes().to_vec()),
        Ok(_) => Err(state_error(
            &path,
            std::io::Error::new(std::io::ErrorKind::InvalidData, "secret is too short"),
        )),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            let secret = random_token(48);
            write_atomically(&path, secret.as_bytes())
                .map_err(|source| state_error(&path, source))?;
            Ok(secret.into_bytes())
        }
        Err(source) => Err(state_error(&path, source)),
    }
}

fn password(config: &AuthConfig) -> Result<(PasswordCheck, Option<String>), AuthSetupError> {
    match (&config.auth_password, &config.auth_password_hash) {
        (Some(_), Some(_)) => Err(AuthSetupError::TwoPasswords),
        (Some(password), None) if password.is_empty() => Err(AuthSetupError::EmptyPassword),
        (Some(password), None) => Ok((PasswordCheck::plain(password), None)),
        (None, Some(hash)) => Ok((PasswordCheck::hash(hash)?, None)),
        (None, None) if config.production => Err(AuthSetupError::MissingPassword),
        (None, None) => {
            let generated = random_token(18);
            Ok((PasswordCheck::plain(&generated), Some(generated)))
        }
    }
}

/// `bytes` random bytes, base64url without padding.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

fn state_error(path: &Path, source: std::io::Error) -> AuthSetupError {
    AuthSetupError::State {
        path: path.display().to_string(),
        source,
    }
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

    fn config(args: &[&str]) -> AuthConfig {
        let mut all = vec!["x"];
        all.extend_from_slice(args);
        Wrapper::try_parse_from(all).expect("parses").auth
    }

    fn temp(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("pocketcode-auth-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn production_needs_a_secret_and_a_password() {
        let dir = temp("prod");
        let err = Auth::from_config(&config(&["--production", "--auth-password", "pw"]), &dir)
            .expect_err("no secret");
        assert!(matches!(err, AuthSetupError::MissingSecret), "{err}");
        assert!(err.to_string().contains("AUTH_SECRET"));
        let secret = "s".repeat(40);
        let err = Auth::from_config(&config(&["--production", "--auth-secret", &secret]), &dir)
            .expect_err("no password");
        assert!(matches!(err, AuthSetupError::MissingPassword), "{err}");
        let err = Auth::from_config(&config(&["--auth-secret", "short"]), &dir)
            .expect_err("short secret");
        assert!(matches!(err, AuthSetupError::ShortSecret(5)), "{err}");
        let auth = Auth::from_config(
            &config(&[
                "--production",
                "--auth-secret",
                &secret,
                "--auth-password",
                "pw",
            ]),
            &dir,
        )
        .expect("complete production config");
        assert!(auth.generated_password().is_none());
        assert!(auth.one_time_login_path().is_none());
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }

    #[test]
    fn a_local_run_generates_a_password_a_one_time_link_and_a_lasting_secret() {
        let dir = temp("local");
        let auth = Auth::from_config(&config(&[]), &dir).expect("local run");
        let password = auth.generated_password().expect("generated").to_string();
        assert!(password.len() >= 20);
        assert!(auth.password().check().matches(&password));
        let path = auth.one_time_login_path().expect("link");
        let token = path.strip_prefix("/login?token=").expect("shape");
        assert!(!auth.redeem_one_time_token("wrong"));
        assert!(auth.redeem_one_time_token(token));
        assert!(!auth.redeem_one_time_token(token), "single use");
        assert!(auth.one_time_login_path().is_none());
        let secret = std::fs::read_to_string(dir.join("auth/secret")).expect("secret kept");
        let again = Auth::from_config(&config(&[]), &dir).expect("second run");
        assert_eq!(
            std::fs::read_to_string(dir.join("auth/secret")).expect("secret"),
            secret
        );
        // A cookie from the first run is still valid after a restart.
        let cookie = auth.login_cookie(false);
        let mut headers = axum::http::HeaderMap::new();
        headers.insert(
            axum::http::header::COOKIE,
            format!("{}={}", cookie.name(), cookie.value())
                .parse()
                .expect("header"),
        );
        assert!(again.session(&headers).is_ok());
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }

    #[test]
    fn conflicting_or_empty_passwords_are_refused() {
        let dir = temp("conflict");
        let err = Auth::from_config(
            &config(&[
                "--auth-password",
                "a",
                "--auth-password-hash",
                "$argon2id$x",
            ]),
            &dir,
        )
        .expect_err("two passwords");
        assert!(matches!(err, AuthSetupError::TwoPasswords));
        let err = Auth::from_config(&config(&["--auth-password", ""]), &dir).expect_err("empty");
        assert!(matches!(err, AuthSetupError::EmptyPassword));
        let err = Auth::from_config(&config(&["--auth-password-hash", "plain"]), &dir)
            .expect_err("bad hash");
        assert!(err.to_string().contains("PHC"));
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }
}
