//! Starting the binary without a configured password: it never runs open,
//! but prints a one-time login link (like Jupyter); in production mode a
//! missing secret stops it before anything starts.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::TempDir;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use reqwest::StatusCode;
use reqwest::header::{LOCATION, SET_COOKIE};

const BIN: &str = env!("CARGO_BIN_EXE_pocketcode");

fn command(data: &TempDir) -> Command {
    let mut command = Command::new(BIN);
    command
        .env_remove("AUTH_PASSWORD")
        .env_remove("AUTH_PASSWORD_HASH")
        .env_remove("AUTH_SECRET")
        .env_remove("POCKETCODE_PRODUCTION")
        .env("POCKETCODE_LISTEN", "127.0.0.1:0")
        .env("POCKETCODE_DATA_DIR", data.path())
        .env("POCKETCODE_OPENCODE_BIN", "/nonexistent/opencode");
    command
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_password_a_one_time_login_link_is_printed() {
    let data = TempDir::new();
    let mut child = command(&data)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start pocketcode");
    let stdout = child.stdout.take().expect("stdout");
    let (link, password) = tokio::task::spawn_blocking(move || {
        let mut link = None;
        for line in BufReader::new(stdout).lines() {
            let line = line.expect("line");
            if let Some(url) = line.trim().strip_prefix("Log in (link works once): ") {
                link = Some(url.to_string());
            }
            if let Some(password) = line.trim().strip_prefix("Password for other devices: ") {
                return (link.expect("link before password"), password.to_string());
            }
        }
        panic!("no login banner on stdout");
    })
    .await
    .expect("banner");
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let base = link.split("/login").next().expect("base").to_string();

    // Not open: the app itself still needs a login.
    let page = anonymous
        .get(format!("{base}/"))
        .send()
        .await
        .expect("GET /");
    assert_eq!(page.status(), StatusCode::SEE_OTHER);

    let first = anonymous.get(&link).send().await.expect("use the link");
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    assert_eq!(first.headers()[LOCATION], "/");
    assert!(
        first.headers().get(SET_COOKIE).is_some(),
        "the link logs in"
    );
    let second = anonymous.get(&link).send().await.expect("reuse the link");
    assert_eq!(
        second.status(),
        StatusCode::UNAUTHORIZED,
        "the link works once"
    );
    assert!(second.headers().get(SET_COOKIE).is_none());

    // The printed password works from another device.
    let cookie = common::login(&anonymous, &base, &password).await;
    assert!(cookie.is_ok(), "{cookie:?}");

    kill(Pid::from_raw(child.id() as i32), Signal::SIGTERM).expect("SIGTERM");
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .expect("join")
        .expect("wait");
    assert!(status.success(), "{status:?}");
}

#[test]
fn production_mode_without_a_secret_refuses_to_start() {
    let data = TempDir::new();
    let output = command(&data)
        .env("POCKETCODE_PRODUCTION", "true")
        .env("AUTH_PASSWORD", "pw")
        .output_with_timeout(Duration::from_secs(30));
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("AUTH_SECRET is required in production mode"),
        "{stderr}"
    );
    // Nothing was started: opencode's state directory was never created.
    assert!(!data.path().join("opencode").exists());
}

trait OutputWithTimeout {
    fn output_with_timeout(&mut self, limit: Duration) -> std::process::Output;
}

impl OutputWithTimeout for Command {
    /// Like `output`, but kills the child (and only it, while it is still
    /// ours to wait for) if it runs past `limit`.
    fn output_with_timeout(&mut self, limit: Duration) -> std::process::Output {
        let mut child = self
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start pocketcode");
        let deadline = std::time::Instant::now() + limit;
        while child.try_wait().expect("try_wait").is_none() {
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        child.wait_with_output().expect("wait")
    }
}

#[test]
fn hash_password_prints_a_hash_that_logs_in_and_refuses_empty_input() {
    use std::io::Write as _;
    let hash = |input: &str| {
        let mut child = Command::new(BIN)
            .arg("--hash-password")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write");
        child.wait_with_output().expect("wait")
    };
    let output = hash("s3cret phrase\n");
    assert!(output.status.success());
    let phc = String::from_utf8(output.stdout).expect("utf8");
    let check = pocketcode::server::auth::password::PasswordCheck::hash(phc.trim()).expect("PHC");
    assert!(check.matches("s3cret phrase"));
    assert!(!check.matches("s3cret phrase\n"));
    let empty = hash("\n");
    assert!(!empty.status.success());
    assert!(String::from_utf8_lossy(&empty.stderr).contains("no password on stdin"));
}
