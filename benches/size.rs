//! What a phone downloads to open a chat the first time (a cold cache), for
//! the build before a change and this one, side by side in one run: the
//! chat page's HTML and the CSS, JS and WASM it names (and the JS those
//! import: a `--split` build's chunk loader), each as the bytes the server
//! sent (compressed as it chose, for a browser's Accept-Encoding) and
//! uncompressed; apart, the chunk of the parts the page builds once it has
//! hydrated (`app::later`, with the code chunks it needs) and the lazy
//! chunks that loader names (the sheets: not needed to be interactive); then where the WASM's bytes go, per crate and
//! per function (twiggy, on rustc's output before wasm-bindgen, wasm-opt and
//! the split, so it weighs all the chunks together), and the split's main
//! module (the chat page's WASM) by the pocketcode module each item is for.
//!
//! `make bench-size` builds both and runs this with, for `BEFORE` and `AFTER`:
//! `SIZE_<which>_BIN` (a `pocketcode` with its `hash.txt` beside it),
//! `SIZE_<which>_SITE` (its site root), `SIZE_<which>_WASM` (rustc's WASM,
//! optional), `SIZE_<which>_MAIN_WASM` (the split's main module, optional)
//! and `SIZE_<which>_LABEL`; `TWIGGY` names the twiggy binary.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[path = "../tests/common/mod.rs"]
mod common;

#[path = "size/wasm_report.rs"]
mod wasm_report;

use common::git_fixture::Remote;
use common::http::NewChat;
use common::{TEST_PASSWORD, TempDir, TestServer};

/// What Chromium sends (Android and desktop alike).
const BROWSER_ACCEPT_ENCODING: &str = "gzip, deflate, br, zstd";
const KINDS: [&str; 4] = ["html", "css", "js", "wasm"];

/// One build to measure.
struct Build {
    label: String,
    bin: PathBuf,
    site: PathBuf,
    wasm: Option<PathBuf>,
    /// The split's main module as rustc's output (`SIZE_<which>_MAIN_WASM`).
    main_wasm: Option<PathBuf>,
}

impl Build {
    fn from_env(which: &str) -> Result<Self, String> {
        let var = |name: &str| std::env::var(format!("SIZE_{which}_{name}"));
        let path = |name: &str| {
            var(name)
                .map(PathBuf::from)
                .map_err(|_| format!("SIZE_{which}_{name} is not set (run `make bench-size`)"))
        };
        Ok(Self {
            label: var("LABEL").unwrap_or_else(|_| which.to_lowercase()),
            bin: path("BIN")?,
            site: path("SITE")?,
            wasm: path("WASM").ok().filter(|p| p.is_file()),
            main_wasm: path("MAIN_WASM").ok().filter(|p| p.is_file()),
        })
    }
}

/// One response of the first load.
struct Fetched {
    kind: &'static str,
    path: String,
    encoding: String,
    wire: usize,
    raw: usize,
}

fn kind_of(path: &str) -> &'static str {
    KINDS
        .into_iter()
        .find(|kind| path.ends_with(&format!(".{kind}")))
        .unwrap_or("html")
}

fn decode(encoding: &str, body: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let read = match encoding {
        "identity" => {
            out.extend_from_slice(body);
            Ok(out.len())
        }
        "br" => brotli::Decompressor::new(body, 64 * 1024).read_to_end(&mut out),
        "gzip" => flate2::read::GzDecoder::new(body).read_to_end(&mut out),
        other => return Err(format!("an encoding this bench cannot read: {other}")),
    };
    read.map_err(|e| format!("{encoding} body does not decode: {e}"))?;
    Ok(out)
}

async fn fetch(server: &TestServer, path: &str) -> Result<(Fetched, Vec<u8>), String> {
    let response = server
        .http
        .get(server.url(path))
        .header("accept-encoding", BROWSER_ACCEPT_ENCODING)
        .send()
        .await
        .map_err(|e| format!("GET {path}: {e}"))?;
    if !response.status().is_success() {
        return Err(format!("GET {path}: {}", response.status()));
    }
    let encoding = response
        .headers()
        .get("content-encoding")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("identity")
        .to_owned();
    let wire = response
        .bytes()
        .await
        .map_err(|e| format!("GET {path}: {e}"))?;
    let body = decode(&encoding, &wire)?;
    let fetched = Fetched {
        kind: kind_of(path),
        path: path.to_owned(),
        encoding,
        wire: wire.len(),
        raw: body.len(),
    };
    Ok((fetched, body))
}

/// The site's files a page names (`/pkg/...` in links and its scripts).
fn assets_named(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in html.match_indices("/pkg/") {
        let rest = &html[at..];
        let end = rest
            .find(|c: char| c == '"' || c == '\'' || c == ')' || c.is_whitespace())
            .unwrap_or(rest.len());
        let path = rest[..end].to_owned();
        if kind_of(&path) != "html" && !found.contains(&path) {
            found.push(path);
        }
    }
    found
}

/// The files a fetched JS module names beside itself (`"./name.js"`, its
/// static imports; `"./name.wasm"`, the split chunks a `--split` build's
/// loader fetches when a sheet opens), as `/pkg/` paths; a quoted name
/// followed by `:` is an object's key, not a file.
fn relatives_named(js: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in js.match_indices("\"./") {
        let rest = &js[at + 3..];
        let Some(end) = rest.find('"') else { continue };
        // `"./pocketcode_bg.js":{…}`: a key of wasm-bindgen's imports
        // object, not a file.
        if rest[end + 1..].starts_with(':') {
            continue;
        }
        let path = format!("/pkg/{}", &rest[..end]);
        let named = path.ends_with(".js") || path.ends_with(".wasm");
        if named && !path[5..].contains('/') && !found.contains(&path) {
            found.push(path);
        }
    }
    found
}

/// A `--split` build's lazy chunk (`split_<name>.<hash>.wasm`, or
/// `chunk_<n>.<hash>.wasm`, code chunks share).
fn is_chunk(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.ends_with(".wasm") && (name.starts_with("split_") || name.starts_with("chunk_"))
}

/// The chunk `later` (`app::later`: the parts a page builds once it has
/// hydrated) and the code chunks it needs, as `/pkg/…` paths, read from
/// cargo-leptos's split manifest in `site` (none in a build before it).
fn later_files(site: &Path) -> Vec<String> {
    let Ok(dir) = std::fs::read_dir(site.join("pkg")) else {
        return Vec::new();
    };
    let manifest = dir.flatten().find(|entry| {
        let name = entry.file_name().to_string_lossy().into_owned();
        name.starts_with("__wasm_split_manifest.") && name.ends_with(".json")
    });
    let Some(manifest) = manifest else {
        return Vec::new();
    };
    let text = std::fs::read_to_string(manifest.path()).unwrap_or_default();
    let chunks: HashMap<String, Vec<String>> = serde_json::from_str(&text).unwrap_or_default();
    chunks
        .get("later")
        .map(|files| files.iter().map(|f| format!("/pkg/{f}.wasm")).collect())
        .unwrap_or_default()
}

/// A page's first load (HTML, the files it names and the JS those import),
/// the chunks fetched once it has hydrated, and the lazy chunks.
struct Load {
    first: Vec<Fetched>,
    later: Vec<Fetched>,
    lazy: Vec<Fetched>,
}

/// Starts `build`, opens a new chat's page as a browser would, stops it.
async fn first_load(build: &Build) -> Result<Load, String> {
    let site = build.site.display().to_string();
    let server = TestServer::start_binary_at(
        &build.bin,
        &[
            ("LEPTOS_SITE_ROOT", &site),
            ("AUTH_PASSWORD", TEST_PASSWORD),
        ],
        TEST_PASSWORD,
    )
    .await;
    let fixtures = TempDir::new();
    let remote = Remote::create(fixtures.path(), "sized");
    let chat = NewChat::make(&server, &remote.url()).await;
    let page = format!("/chat/{}/{}", chat.repo, chat.chat_id);
    let result = async {
        let (html, body) = fetch(&server, &page).await?;
        let text = String::from_utf8_lossy(&body).into_owned();
        let mut load = Load {
            first: vec![html],
            later: Vec::new(),
            lazy: Vec::new(),
        };
        let mut queue = assets_named(&text);
        let mut chunks = Vec::new();
        while !queue.is_empty() {
            let asset = queue.remove(0);
            // Named in the page too, by the script that fetches the chunks'
            // bytes ahead once the page is idle: still lazy.
            if is_chunk(&asset) {
                chunks.push(asset);
                continue;
            }
            let (fetched, body) = fetch(&server, &asset).await?;
            if fetched.kind == "js" {
                let js = String::from_utf8_lossy(&body);
                for path in relatives_named(&js) {
                    let seen = load.first.iter().any(|f| f.path == path);
                    if path.ends_with(".wasm") {
                        chunks.push(path);
                    } else if !seen && !queue.contains(&path) && path != asset {
                        queue.push(path);
                    }
                }
            }
            load.first.push(fetched);
        }
        chunks.retain(|c| !load.first.iter().any(|f| &f.path == c));
        chunks.sort();
        chunks.dedup();
        let later = later_files(&build.site);
        for chunk in chunks {
            let fetched = fetch(&server, &chunk).await?.0;
            if later.contains(&chunk) {
                load.later.push(fetched);
            } else {
                load.lazy.push(fetched);
            }
        }
        Ok(load)
    }
    .await;
    server.stop().await;
    result
}

fn kib(bytes: usize) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

fn change(before: usize, after: usize) -> String {
    if before == 0 {
        return "-".into();
    }
    format!("{:+.1} %", (after as f64 / before as f64 - 1.0) * 100.0)
}

fn totals(loads: &[Fetched], kind: &str) -> (usize, usize, String) {
    let of_kind = loads.iter().filter(|f| kind == "total" || f.kind == kind);
    let (wire, raw) = of_kind
        .clone()
        .fold((0, 0), |(w, r), f| (w + f.wire, r + f.raw));
    let mut encodings: Vec<&str> = of_kind.map(|f| f.encoding.as_str()).collect();
    encodings.sort_unstable();
    encodings.dedup();
    (wire, raw, encodings.join("+"))
}

fn print_first_load(before: (&Build, &Load), after: (&Build, &Load)) {
    println!(
        "\nchat page, first load with a cold cache (Accept-Encoding: {BROWSER_ACCEPT_ENCODING}): \
         the HTML, the files it names and the JS they import, all a chat needs to be \
         interactive; bytes on the wire (uncompressed in brackets)"
    );
    print_table(before.0, &before.1.first, after.0, &after.1.first, true);
    println!(
        "\nfetched once the page has hydrated and is idle: the parts it builds then \
         (`app::later`: the top bar's version, the sidebar, the header's tools, the transcript, \
         the queue, the asks, the composer's interrupted banner and mic; the \
         server's HTML reads until they come) and the code chunks they need"
    );
    print_table(before.0, &before.1.later, after.0, &after.1.later, false);
    println!(
        "\nlazy chunks (a --split build's sheets: fetched when one opens, or once the page \
         is idle), not part of the first load"
    );
    print_table(before.0, &before.1.lazy, after.0, &after.1.lazy, false);
}

fn print_table(before: &Build, b: &[Fetched], after: &Build, a: &[Fetched], kinds: bool) {
    println!(
        "{:<6} {:>34} {:>34} {:>9}",
        "",
        format!("before: {}", before.label),
        format!("after: {}", after.label),
        "change"
    );
    let rows: &[&str] = if kinds { &KINDS } else { &[] };
    for kind in rows.iter().copied().chain(["total"]) {
        let (bw, br, be) = totals(b, kind);
        let (aw, ar, ae) = totals(a, kind);
        let cell = |w, r, e: &str| format!("{} {e} ({})", kib(w), kib(r));
        println!(
            "{kind:<6} {:>34} {:>34} {:>9}",
            cell(bw, br, &be),
            cell(aw, ar, &ae),
            change(bw, aw)
        );
    }
    for (label, loads) in [("before", b), ("after", a)] {
        for f in loads {
            println!(
                "  {label:<6} {:<4} {:<52} {:>8} B {:<8} {:>8} B uncompressed",
                f.kind, f.path, f.wire, f.encoding, f.raw
            );
        }
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let builds = Build::from_env("BEFORE").and_then(|b| Ok((b, Build::from_env("AFTER")?)));
    let (before, after) = match builds {
        Ok(builds) => builds,
        Err(message) => {
            eprintln!("size bench: {message}");
            return ExitCode::FAILURE;
        }
    };
    let mut loads = Vec::new();
    for build in [&before, &after] {
        match first_load(build).await {
            Ok(load) if load.first.iter().any(|f| f.kind == "wasm") => loads.push(load),
            Ok(_) => {
                eprintln!("size bench: {}'s chat page names no WASM", build.label);
                return ExitCode::FAILURE;
            }
            Err(message) => {
                eprintln!("size bench: {}: {message}", build.label);
                return ExitCode::FAILURE;
            }
        }
    }
    print_first_load((&before, &loads[0]), (&after, &loads[1]));
    let twiggy = std::env::var("TWIGGY").unwrap_or_else(|_| "twiggy".into());
    match (&before.wasm, &after.wasm) {
        (Some(b), Some(a)) => {
            if let Err(message) = wasm_report::print(&twiggy, (&before.label, b), (&after.label, a))
            {
                eprintln!("size bench: {message}");
                return ExitCode::FAILURE;
            }
        }
        _ => println!("\n(no SIZE_BEFORE_WASM/SIZE_AFTER_WASM: no per-crate report)"),
    }
    if let Err(message) = wasm_report::print_main(
        &twiggy,
        (&before.label, before.main_wasm.as_deref()),
        (&after.label, after.main_wasm.as_deref()),
    ) {
        eprintln!("size bench: {message}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
