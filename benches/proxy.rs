//! Through pocketcode vs direct to opencode, measured side by side in one run.
//!
//! A real `opencode serve` runs under pocketcode's supervisor with the
//! scripted model; pocketcode itself is served from this process on a
//! loopback port. Each iteration sends one request each way, alternating
//! which goes first, so machine noise hits both paths equally.
//!
//! Run with `cargo bench --features ssr --bench proxy`.

use std::process::ExitCode;
use std::time::{Duration, Instant};

#[path = "../tests/common/mod.rs"]
mod common;

use common::TestServer;
use common::measure::{percentile, rss_mib};
use futures::StreamExt;
use pocketcode::server::supervisor::Upstream;
use reqwest::{Method, RequestBuilder};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A stream that has not said hello by then is broken, not slow.
const SSE_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Clone, Copy)]
enum Via {
    Direct = 0,
    Proxied = 1,
}

/// Both ways to reach the same opencode.
#[derive(Clone)]
struct Targets {
    http: reqwest::Client,
    upstream: Upstream,
    pocketcode_url: String,
    workspace: String,
}

impl Targets {
    fn request(&self, via: Via, method: Method, path: &str) -> RequestBuilder {
        let request = match via {
            Via::Direct => self.upstream.request(&self.http, method, path),
            Via::Proxied => {
                let url = format!("{}{path}", self.pocketcode_url);
                self.http.request(method, url)
            }
        };
        request.header("x-opencode-directory", &self.workspace)
    }
}

/// One path's measurements: milliseconds per request and bytes received.
#[derive(Default)]
struct Samples {
    ms: Vec<f64>,
    bytes: usize,
}

impl Samples {
    fn percentile(&self, p: f64) -> f64 {
        percentile(&self.ms, p)
    }

    fn mean(&self) -> f64 {
        self.ms.iter().sum::<f64>() / self.ms.len() as f64
    }

    fn mb_per_s(&self) -> f64 {
        self.bytes as f64 / 1e6 / (self.ms.iter().sum::<f64>() / 1e3)
    }
}

/// Runs `probe` `n` times each way after a warm-up that is not recorded.
async fn side_by_side<F, Fut>(n: usize, mut probe: F) -> Result<[Samples; 2], BoxError>
where
    F: FnMut(Via) -> Fut,
    Fut: Future<Output = Result<(Duration, usize), BoxError>>,
{
    let warmup = (n / 5).clamp(3, 20);
    let mut samples = [Samples::default(), Samples::default()];
    for i in 0..warmup + n {
        let order = if i % 2 == 0 {
            [Via::Direct, Via::Proxied]
        } else {
            [Via::Proxied, Via::Direct]
        };
        for via in order {
            let (elapsed, bytes) = probe(via).await?;
            if i >= warmup {
                let s = &mut samples[via as usize];
                s.ms.push(elapsed.as_secs_f64() * 1e3);
                s.bytes += bytes;
            }
        }
    }
    Ok(samples)
}

/// Time to the whole body of a successful response.
async fn full_body(request: RequestBuilder) -> Result<(Duration, usize), BoxError> {
    let start = Instant::now();
    let response = request.send().await?.error_for_status()?;
    let body = response.bytes().await?;
    Ok((start.elapsed(), body.len()))
}

/// Time until the bytes of the stream's `server.connected` event arrive.
async fn first_event(request: RequestBuilder) -> Result<(Duration, usize), BoxError> {
    let start = Instant::now();
    let read = async {
        let mut stream = request.send().await?.error_for_status()?.bytes_stream();
        let mut seen = Vec::new();
        while let Some(chunk) = stream.next().await {
            seen.extend_from_slice(&chunk?);
            if seen.windows(16).any(|w| w == b"server.connected") {
                return Ok((start.elapsed(), seen.len()));
            }
        }
        Err::<_, BoxError>("event stream ended before server.connected".into())
    };
    tokio::time::timeout(SSE_TIMEOUT, read)
        .await
        .map_err(|_| "no server.connected event within 10 s")?
}

/// One line of the table: a name and three right-aligned cells.
fn line([name, direct, proxied, ratio]: [&str; 4]) {
    let text = format!("{name:<36} {direct:>10} {proxied:>10} {ratio:>9}");
    println!("{}", text.trim_end());
}

fn row(name: &str, direct: f64, proxied: f64) {
    let [d, p] = [direct, proxied].map(|v| format!("{v:.2}"));
    let ratio = format!("{:.2}x", proxied / direct);
    line([name, &d, &p, &ratio]);
}

fn latency_rows(name: &str, [direct, proxied]: &[Samples; 2]) {
    for (stat, q) in [("p50", 0.5), ("p95", 0.95)] {
        let name = format!("{name} {stat} ms");
        row(&name, direct.percentile(q), proxied.percentile(q));
    }
    row(&format!("{name} mean ms"), direct.mean(), proxied.mean());
}

fn memory_row(name: &str, pid: &str, idle: Option<f64>) {
    let mib = |v: Option<f64>| v.map_or("?".to_string(), |v| format!("{v:.1}"));
    line([name, &mib(idle), &mib(rss_mib(pid)), ""]);
}

async fn run(t: Targets, opencode_pid: String) -> Result<(), BoxError> {
    // Let start-up work (plugin loading, first project scan) settle first.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let idle = [rss_mib("self"), rss_mib(&opencode_pid)];

    line([
        "measurement (ratio = proxied/direct)",
        "direct",
        "proxied",
        "ratio",
    ]);
    let small = side_by_side(300, |via| {
        full_body(t.request(via, Method::GET, "/session"))
    })
    .await?;
    latency_rows("GET /session", &small);

    let doc = side_by_side(50, |via| full_body(t.request(via, Method::GET, "/doc"))).await?;
    if doc[0].bytes != doc[1].bytes {
        return Err(format!("/doc differs: {} vs {} bytes", doc[0].bytes, doc[1].bytes).into());
    }
    latency_rows("GET /doc", &doc);
    let kib = doc[0].bytes / doc[0].ms.len() / 1024;
    let name = format!("GET /doc MB/s ({kib} KiB body)");
    row(&name, doc[0].mb_per_s(), doc[1].mb_per_s());

    let event = format!("/event?directory={}", t.workspace);
    let sse = side_by_side(30, |via| first_event(t.request(via, Method::GET, &event))).await?;
    latency_rows("SSE first event", &sse);

    let create = side_by_side(50, |via| {
        full_body(
            t.request(via, Method::POST, "/session")
                .json(&serde_json::json!({})),
        )
    })
    .await?;
    latency_rows("POST /session", &create);

    println!();
    line(["VmRSS MiB", "idle", "after", ""]);
    memory_row("bench process (hosts pocketcode)", "self", idle[0]);
    memory_row(
        &format!("opencode child (pid {opencode_pid})"),
        &opencode_pid,
        idle[1],
    );
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let wall = Instant::now();
    let server = TestServer::start(&[]).await;
    let upstream = server.wait_ready().await;
    let targets = Targets {
        // Logged in: the proxied half must pass the auth wall.
        http: server.http.clone(),
        upstream,
        pocketcode_url: server.base_url.clone(),
        workspace: server.workspace().display().to_string(),
    };
    let pid = server
        .pocketcode
        .as_ref()
        .and_then(|p| p.supervisor().status().pid)
        .map_or("?".into(), |p| p.to_string());
    // A task of its own, so that even a panic reaches the shutdown below.
    let outcome = match tokio::spawn(run(targets, pid)).await {
        Ok(result) => result.map_err(|err| err.to_string()),
        Err(panic) => Err(panic.to_string()),
    };
    server.stop().await;
    println!("\nwall time {:.1} s", wall.elapsed().as_secs_f64());
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("bench failed: {err}");
            ExitCode::FAILURE
        }
    }
}
