//! Through the provider gateway vs direct to the provider, side by side in
//! one run, with the scripted model as the provider.
//!
//! Each iteration streams one chat completion each way (alternating which
//! goes first, so machine noise hits both equally) and records the time to
//! the first body byte and to the end of the stream. Both ways use one
//! client with keep-alive, as opencode does.
//!
//! Run with `cargo bench --features ssr --bench gateway`.

use std::process::ExitCode;
use std::time::{Duration, Instant};

#[path = "../tests/common/mod.rs"]
mod common;

use common::measure::percentile;
use futures::StreamExt as _;
use pocketcode::server::gateway::{Gateway, KeyHeader, ProviderRoute};
use pocketcode::server::scripted_model::{MODEL_ID, PROVIDER_ID, ScriptedModel};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

const ITERATIONS: usize = 400;
const WARMUP: usize = 40;
/// A stream that has not ended by then is broken, not slow.
const STREAM_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Clone, Copy)]
enum Via {
    Direct = 0,
    Gateway = 1,
}

/// Milliseconds to the first byte and to the end, per stream.
#[derive(Default)]
struct Samples {
    first_byte: Vec<f64>,
    full: Vec<f64>,
    bytes: usize,
}

/// The request the agent makes: tools offered, a streamed answer of
/// `chunks` pieces sent without pauses.
fn body(chunks: u32) -> serde_json::Value {
    serde_json::json!({
        "model": MODEL_ID,
        "stream": true,
        "tools": [{ "type": "function", "function": { "name": "bash", "parameters": {} } }],
        "messages": [
            { "role": "system", "content": "<env>\n  Working directory: /tmp\n</env>" },
            { "role": "user", "content": format!("Go [scenario:slow chunks={chunks} ms=0]") },
        ],
    })
}

/// One streamed completion: (ms to first byte, ms to end, bytes).
async fn stream(request: reqwest::RequestBuilder) -> Result<(f64, f64, usize), BoxError> {
    let start = Instant::now();
    let read = async {
        let response = request.send().await?.error_for_status()?;
        let mut body = response.bytes_stream();
        let mut first = None;
        let mut bytes = 0;
        let mut tail = Vec::new();
        while let Some(chunk) = body.next().await {
            let chunk = chunk?;
            first.get_or_insert_with(|| start.elapsed());
            bytes += chunk.len();
            tail = chunk.to_vec();
        }
        if !String::from_utf8_lossy(&tail).contains("[DONE]") {
            return Err::<_, BoxError>("the stream ended without [DONE]".into());
        }
        let first = first.ok_or("an empty stream")?;
        Ok((ms(first), ms(start.elapsed()), bytes))
    };
    tokio::time::timeout(STREAM_TIMEOUT, read)
        .await
        .map_err(|_| "no complete stream within 10 s")?
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

async fn side_by_side(
    http: &reqwest::Client,
    model: &ScriptedModel,
    gateway: &Gateway,
    chunks: u32,
) -> Result<[Samples; 2], BoxError> {
    let direct = format!("{}/chat/completions", model.base_url());
    let through = format!("{}/chat/completions", gateway.url(PROVIDER_ID));
    let mut samples = [Samples::default(), Samples::default()];
    for i in 0..WARMUP + ITERATIONS {
        let order = if i % 2 == 0 {
            [Via::Direct, Via::Gateway]
        } else {
            [Via::Gateway, Via::Direct]
        };
        for via in order {
            let request = match via {
                Via::Direct => http.post(&direct).bearer_auth(model.api_key()),
                Via::Gateway => http.post(&through).bearer_auth(gateway.token()),
            };
            let (first, full, bytes) = stream(request.json(&body(chunks))).await?;
            if i >= WARMUP {
                let s = &mut samples[via as usize];
                s.first_byte.push(first);
                s.full.push(full);
                s.bytes += bytes;
            }
        }
    }
    // Completion ids carry a request number, so sizes differ by a few bytes.
    let (direct, through) = (samples[0].bytes as f64, samples[1].bytes as f64);
    if (direct - through).abs() > direct / 100.0 {
        return Err(format!("bodies differ: {direct} vs {through} bytes").into());
    }
    Ok(samples)
}

fn line([name, direct, gateway, ratio, added]: [&str; 5]) {
    let text = format!("{name:<34} {direct:>9} {gateway:>9} {ratio:>7} {added:>9}");
    println!("{}", text.trim_end());
}

fn rows(name: &str, [direct, gateway]: &[Samples; 2]) {
    for (what, pick) in [
        (
            "first byte",
            (|s: &Samples| &s.first_byte) as fn(&Samples) -> &Vec<f64>,
        ),
        ("full stream", |s: &Samples| &s.full),
    ] {
        for (stat, q) in [("p50", 0.5), ("p99", 0.99)] {
            let (d, g) = (percentile(pick(direct), q), percentile(pick(gateway), q));
            line([
                &format!("{name}: {what} {stat} ms"),
                &format!("{d:.3}"),
                &format!("{g:.3}"),
                &format!("{:.2}x", g / d),
                &format!("{:+.3}", g - d),
            ]);
        }
    }
}

async fn run(model: &ScriptedModel, gateway: &Gateway) -> Result<(), BoxError> {
    let http = reqwest::Client::new();
    println!("{ITERATIONS} streamed completions each way (after {WARMUP} unrecorded), alternating");
    line(["measurement", "direct", "gateway", "ratio", "added ms"]);
    for chunks in [10, 200] {
        let samples = side_by_side(&http, model, gateway, chunks).await?;
        let kib = samples[0].bytes as f64 / ITERATIONS as f64 / 1024.0;
        rows(&format!("{chunks} chunks ({kib:.1} KiB)"), &samples);
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let wall = Instant::now();
    let model = match ScriptedModel::start().await {
        Ok(model) => model,
        Err(err) => {
            eprintln!("cannot start the scripted model: {err}");
            return ExitCode::FAILURE;
        }
    };
    let route = ProviderRoute::new(
        PROVIDER_ID,
        &model.base_url(),
        KeyHeader::Bearer,
        model.api_key().to_owned(),
    );
    let gateway = match Gateway::start(route.into_iter().collect()).await {
        Ok(gateway) => gateway,
        Err(err) => {
            eprintln!("cannot start the gateway: {err}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = run(&model, &gateway).await;
    gateway.stop().await;
    model.stop().await;
    println!("\nwall time {:.1} s", wall.elapsed().as_secs_f64());
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("bench failed: {err}");
            ExitCode::FAILURE
        }
    }
}
