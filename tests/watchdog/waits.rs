//! How long pocketcode's requests wait while opencode is stopped: each kind
//! is asked again and again, and the longest wait kept.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::common::TestServer;

/// One kind of request, and the longest it may wait.
#[derive(Clone, Copy, Debug)]
pub struct Kind {
    pub name: &'static str,
    pub limit: Duration,
    send: fn(&Target) -> reqwest::RequestBuilder,
}

/// Where the requests go: a logged-in client, the server and its workspace.
#[derive(Clone)]
pub struct Target {
    http: reqwest::Client,
    base_url: String,
    workspace: String,
}

impl Target {
    pub fn of(server: &TestServer) -> Self {
        Self {
            http: server.http.clone(),
            base_url: server.base_url.clone(),
            workspace: server.workspace().display().to_string(),
        }
    }

    fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.get(format!("{}{path}", self.base_url))
    }

    fn post(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.post(format!("{}{path}", self.base_url))
    }
}

/// What one kind of request did while it was measured.
#[derive(Debug)]
pub struct Measured {
    pub kind: Kind,
    pub count: u32,
    pub longest: Duration,
    /// Every status seen, with an error's body (a clear message, not nothing).
    pub failures: Vec<(u16, String)>,
    /// Requests that got no answer at all (the client gave up at twice the limit).
    pub unanswered: Vec<String>,
}

/// `local`: requests pocketcode answers itself; `through_opencode`: requests
/// that need opencode (they wait for a restarting one, up to a limit).
pub fn kinds(local: Duration, through_opencode: Duration) -> Vec<Kind> {
    vec![
        Kind {
            name: "GET /admin/health",
            limit: local,
            send: |t| t.get("/admin/health"),
        },
        Kind {
            name: "get_info",
            limit: local,
            send: |t| t.post("/pocket/fn/info"),
        },
        Kind {
            name: "chat_summaries",
            limit: local,
            send: |t| t.post("/pocket/fn/chat_summaries"),
        },
        Kind {
            name: "list_chats",
            limit: through_opencode,
            send: |t| t.post("/pocket/fn/list_chats"),
        },
        Kind {
            name: "GET /session (proxied)",
            limit: through_opencode,
            send: |t| {
                t.get("/session")
                    .header("x-opencode-directory", &t.workspace)
            },
        },
    ]
}

/// Requests of every kind in a loop, each kind one at a time, until stopped.
pub struct Waits {
    stop: Arc<AtomicBool>,
    tasks: Vec<tokio::task::JoinHandle<Measured>>,
}

impl Waits {
    pub fn start(server: &TestServer, kinds: Vec<Kind>) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let target = Target::of(server);
        let tasks = kinds
            .into_iter()
            .map(|kind| {
                let (target, stop) = (target.clone(), stop.clone());
                tokio::spawn(async move { measure(&target, kind, &stop).await })
            })
            .collect();
        Self { stop, tasks }
    }

    pub async fn finish(self) -> Vec<Measured> {
        self.stop.store(true, Ordering::Relaxed);
        let mut all = Vec::new();
        for task in self.tasks {
            all.push(task.await.expect("measuring task"));
        }
        all
    }
}

async fn measure(target: &Target, kind: Kind, stop: &AtomicBool) -> Measured {
    let mut measured = Measured {
        kind,
        count: 0,
        longest: Duration::ZERO,
        failures: Vec::new(),
        unanswered: Vec::new(),
    };
    while !stop.load(Ordering::Relaxed) {
        let started = Instant::now();
        let answer = (kind.send)(target).timeout(kind.limit * 2).send().await;
        let answer = match answer {
            Ok(response) => {
                let status = response.status().as_u16();
                Ok((status, response.text().await.unwrap_or_default()))
            }
            Err(err) => Err(err.to_string()),
        };
        measured.longest = measured.longest.max(started.elapsed());
        measured.count += 1;
        match answer {
            Ok((status, _)) if status < 400 => {}
            Ok((status, body)) => measured.failures.push((status, body)),
            Err(err) => measured.unanswered.push(err),
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    measured
}
