//! Is there an opencode at the other end of the tunnel, and one pocketcode
//! can work with? `GET /global/health` through the forward: 200 JSON with
//! `healthy` and `version`, of the same major version as the pinned one.
//! Asked first without a password: an opencode that answers is open to
//! every user of its machine (anyone there can reach its loopback port),
//! which the caller must not use unless the user accepted it. One that
//! wants a password gets the stored one.

use std::time::Duration;

use serde::Deserialize;

use super::SshError;
use crate::server::supervisor::Upstream;

/// Each health request's limit.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Tries before giving up (opencode may still be starting).
const ATTEMPTS: usize = 3;
const BETWEEN_ATTEMPTS: Duration = Duration::from_millis(500);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteOpencode {
    pub version: String,
    /// It answered without a password.
    pub open: bool,
}

#[derive(Deserialize)]
struct Health {
    healthy: bool,
    version: String,
}

/// Asks the opencode behind `127.0.0.1:<local_port>`; `where_` names the
/// remote end in messages (e.g. `port 4096 of box`); `password` is the
/// one pocketcode stored for it, if any.
pub async fn discover(
    http: &reqwest::Client,
    local_port: u16,
    where_: &str,
    pinned: &str,
    password: Option<&str>,
) -> Result<RemoteOpencode, SshError> {
    let url = format!("http://127.0.0.1:{local_port}/global/health");
    let mut last = String::new();
    for attempt in 0..ATTEMPTS {
        if attempt > 0 {
            tokio::time::sleep(BETWEEN_ATTEMPTS).await;
        }
        let request = || http.get(&url).timeout(REQUEST_TIMEOUT);
        let mut open = true;
        let mut sent = request().send().await;
        if let (Ok(response), Some(password)) = (&sent, password)
            && response.status() == reqwest::StatusCode::UNAUTHORIZED
        {
            open = false;
            sent = request()
                .basic_auth(Upstream::USER, Some(password))
                .send()
                .await;
        }
        let response = match sent {
            Ok(response) => response,
            Err(error) => {
                last = if error.is_timeout() {
                    format!("no answer within {} s", REQUEST_TIMEOUT.as_secs())
                } else {
                    "the connection was closed: nothing listens there".to_owned()
                };
                continue;
            }
        };
        let status = response.status();
        if status == reqwest::StatusCode::UNAUTHORIZED {
            return Err(SshError::Password(if password.is_some() {
                format!(
                    "the opencode on {where_} refuses the password pocketcode gave it when it started it (it was restarted with another one): stop that opencode on the remote and connect again with bootstrap on, so that pocketcode starts one with a new password"
                )
            } else {
                format!(
                    "the opencode on {where_} wants a password, and pocketcode has none for it (pocketcode did not start it): stop that opencode on the remote and connect again with bootstrap on, so that pocketcode starts one with a password of its own"
                )
            }));
        }
        let body = response.text().await.unwrap_or_default();
        let health: Health = match (status.is_success(), serde_json::from_str(&body)) {
            (true, Ok(health)) => health,
            _ => {
                let shown: String = body.chars().take(120).collect();
                return Err(SshError::Discovery(format!(
                    "something answers on {where_}, but not as opencode does (GET /global/health gave {status}: {shown:?})"
                )));
            }
        };
        if !health.healthy {
            last = format!("opencode {} says it is not healthy", health.version);
            continue;
        }
        let version = check_version(health.version, pinned)?;
        return Ok(RemoteOpencode { version, open });
    }
    Err(SshError::Discovery(format!(
        "no opencode answers on {where_} ({last}). Start `opencode serve --port <port>` there, or turn on bootstrap in the profile"
    )))
}

fn major(version: &str) -> &str {
    version
        .trim_start_matches('v')
        .split('.')
        .next()
        .unwrap_or_default()
}

fn check_version(version: String, pinned: &str) -> Result<String, SshError> {
    if major(&version) != major(pinned) {
        return Err(SshError::Compatibility(format!(
            "the remote runs opencode {version}, and pocketcode works with opencode {pinned} (major version {}): install it there with `npm i -g opencode-ai@{pinned}`",
            major(pinned)
        )));
    }
    Ok(version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_major_version_must_match() {
        assert!(check_version("1.2.0".into(), "1.18.33").is_ok());
        let error = check_version("2.0.1".into(), "1.18.33").expect_err("another major");
        assert_eq!(error.kind(), "Compatibility");
        assert!(error.to_string().contains("2.0.1") && error.to_string().contains("1.18.33"));
    }
}
