//! Strangers cannot break the login: wrong passwords from many addresses
//! leave the owner's browsers able to log in, and a flood of wrong logins
//! runs only a few argon2 checks at once, so pocketcode's memory stays
//! bounded.

use std::panic::AssertUnwindSafe;
use std::time::Duration;

use futures::{FutureExt, StreamExt};
use pocketcode::server::auth::password::{CONCURRENT_CHECKS, PasswordCheck};
use pocketcode::server::auth::token::{SESSION_LIFETIME_SECS, SessionToken, TokenKey};
use pocketcode::server::auth::unix_now;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, SET_COOKIE};

use crate::common::{TEST_PASSWORD, TestServer, client_from};

const SECRET: &str = "login-limits-test-secret-0123456789abcdef";

async fn post_login(
    client: &reqwest::Client,
    server: &TestServer,
    password: &str,
    cookies: &[String],
) -> reqwest::Response {
    let mut request = client
        .post(server.url("/login"))
        .form(&[("password", password), ("next", "/")]);
    if !cookies.is_empty() {
        request = request.header(COOKIE, cookies.join("; "));
    }
    request.send().await.expect("POST /login")
}

/// `name=value` of the cookie `name` a response sets.
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|pair| pair.starts_with(&format!("{name}=")))
        .map(str::to_string)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_strangers_cannot_lock_the_owner_out() {
    // Default limits (5 failures a minute per address).
    let server = TestServer::start(&[
        "--opencode-bin",
        "/nonexistent/opencode",
        "--auth-secret",
        SECRET,
    ])
    .await;
    let owner = client_from("127.0.0.1");
    // The owner's phone logged in here before: it keeps its device cookie.
    let earlier = post_login(&owner, &server, TEST_PASSWORD, &[]).await;
    assert_eq!(earlier.status(), StatusCode::SEE_OTHER);
    let device = set_cookie(&earlier, "pocketcode_device");

    let mut answers = Vec::new();
    for i in 2..=61 {
        let stranger = client_from(&format!("127.0.0.{i}"));
        let response = post_login(&stranger, &server, "guess", &[]).await;
        answers.push(response.status().as_u16());
    }
    assert!(
        answers.iter().all(|s| [401, 429].contains(s)),
        "{answers:?}"
    );

    // The owner's browsers log in: with the device cookie, and with a
    // session cookie of ours that has expired.
    let now = unix_now();
    let expired = TokenKey::new(SECRET.as_bytes()).sign(&SessionToken {
        issued_at: now - SESSION_LIFETIME_SECS - 60,
        expires_at: now - 60,
        generation: 0,
    });
    let expired = format!("pocketcode_session={expired}");
    for cookie in [expired.clone()].into_iter().chain(device.clone()) {
        let response = post_login(
            &owner,
            &server,
            TEST_PASSWORD,
            std::slice::from_ref(&cookie),
        )
        .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{cookie}");
        assert!(set_cookie(&response, "pocketcode_session").is_some());
    }
    assert!(device.is_some(), "the earlier login set a device cookie");
    // A browser the server never saw waits for the brake to lift, told so.
    let unknown = post_login(&client_from("127.0.0.62"), &server, TEST_PASSWORD, &[]).await;
    assert_eq!(unknown.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = unknown.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&retry), "{retry}");
    let page = unknown.text().await.expect("page");
    assert!(page.contains("browsers it does not know"), "{page}");
    server.stop().await;
}

/// Concurrent wrong logins in the flood.
const FLOOD: usize = 400;
/// What pocketcode may add to its resident memory beyond the argon2
/// checks themselves: 400 connections, their tasks and login pages.
const SLACK_BYTES: u64 = 64 << 20;

/// `VmRSS` and `VmHWM` of `pid`, in bytes.
fn memory(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().strip_suffix("kB"))
            .and_then(|v| v.trim().parse::<u64>().ok())
            .expect("field")
            * 1024
    };
    (field("VmRSS:"), field("VmHWM:"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_wrong_logins_keeps_memory_bounded() {
    // The hash `--hash-password` makes (argon2id, m=19456 KiB); limits so
    // high that every attempt reaches the password check: the worst case.
    let hash = PasswordCheck::new_hash(TEST_PASSWORD).expect("hash");
    let memory_cost_kib: u64 = hash
        .split(['$', ','])
        .find_map(|p| p.strip_prefix("m="))
        .and_then(|m| m.parse().ok())
        .expect("m= in the hash");
    let server = TestServer::start_binary(
        &[
            ("AUTH_PASSWORD_HASH", &hash),
            ("POCKETCODE_LOGIN_MAX_FAILURES", "100000"),
        ],
        TEST_PASSWORD,
    )
    .await;
    let pid = server.pid();
    let (rss_before, hwm_before) = memory(pid);
    let bound = rss_before + CONCURRENT_CHECKS as u64 * memory_cost_kib * 1024 + SLACK_BYTES;

    let flood = futures::stream::iter(0..FLOOD)
        .map(|_| async {
            let response = server
                .anonymous
                .post(server.url("/login"))
                .form(&[("password", "wrong"), ("next", "/")])
                .send()
                .await
                .expect("POST /login");
            response.status().as_u16()
        })
        .buffer_unordered(FLOOD)
        .collect::<Vec<u16>>();
    let watch = async {
        let mut peak = 0;
        loop {
            let (rss, _) = memory(pid);
            peak = peak.max(rss);
            if rss > bound {
                return peak;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    let outcome = AssertUnwindSafe(async {
        tokio::select! {
            answers = flood => Ok(answers),
            peak = watch => Err(peak),
        }
    })
    .catch_unwind()
    .await;
    // Read before stopping: the kernel's peak over the whole flood.
    let (_, hwm_after) = memory(pid);
    server.stop().await;
    let answers = match outcome {
        Ok(Ok(answers)) => answers,
        Ok(Err(peak)) => panic!(
            "pocketcode's RSS reached {} MiB during the flood, over the bound of {} MiB",
            peak >> 20,
            bound >> 20
        ),
        Err(panic) => std::panic::resume_unwind(panic),
    };
    let count = |code| answers.iter().filter(|s| **s == code).count();
    let (wrong, busy) = (count(401), count(503));
    println!(
        "login flood: {FLOOD} wrong logins: {wrong} checked (401), {busy} turned away (503); \
         RSS before {} MiB, peak {} MiB (before the flood {} MiB), bound {} MiB",
        rss_before >> 20,
        hwm_after >> 20,
        hwm_before >> 20,
        bound >> 20
    );
    assert_eq!(wrong + busy, FLOOD, "{answers:?}");
    assert!(wrong >= CONCURRENT_CHECKS, "some were checked: {answers:?}");
    assert!(
        hwm_after <= hwm_before.max(bound),
        "peak {} MiB over the bound {} MiB",
        hwm_after >> 20,
        bound >> 20
    );
}
