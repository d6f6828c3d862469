//! The site's hashed files under `/pkg/`: their brotli or gzip copies
//! (what `deploy/precompress.mjs` writes) go as they are to a browser that
//! accepts them, the file itself to one that does not, each with the headers
//! a cache needs (Vary, a year's immutable Cache-Control for hashed names).

mod common;

use std::io::{Read, Write};

use common::{TempDir, TestServer};

const HASHED: &str = "/pkg/pocketcode.t3st-Hash_1.wasm";
const PLAIN: &str = "/pkg/pocketcode.wasm";

/// Compressible but not trivial, like a WASM bundle's text and tables.
fn content() -> Vec<u8> {
    (0u32..40_000)
        .flat_map(|i| format!("fn_{}:{};", i % 977, i * 31 % 101).into_bytes())
        .collect()
}

fn brotli_of(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        // Not the compression layer's level: its own output would differ.
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 9, 20);
        writer.write_all(data).expect("brotli");
    }
    out
}

fn gzip_of(data: &[u8]) -> Vec<u8> {
    let mut writer = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(7));
    writer.write_all(data).expect("gzip");
    writer.finish().expect("gzip")
}

fn unbrotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(data, 4096)
        .read_to_end(&mut out)
        .expect("a brotli body");
    out
}

fn ungzip(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(data)
        .read_to_end(&mut out)
        .expect("a gzip body");
    out
}

/// Status, the headers the test checks, and the body as sent.
async fn get(server: &TestServer, path: &str, accept: Option<&str>) -> (u16, Vec<String>, Vec<u8>) {
    let mut request = server.http.get(server.url(path));
    if let Some(accept) = accept {
        request = request.header("accept-encoding", accept);
    }
    let response = request.send().await.expect("request");
    let header = |name: &str| {
        let value = response
            .headers()
            .get(name)
            .map(|v| v.to_str().expect("ascii"));
        format!("{name}: {}", value.unwrap_or("-"))
    };
    let headers = [
        "content-encoding",
        "content-type",
        "content-length",
        "vary",
        "cache-control",
    ]
    .map(header)
    .to_vec();
    let status = response.status().as_u16();
    (
        status,
        headers,
        response.bytes().await.expect("body").to_vec(),
    )
}

fn headers(encoding: &str, length: usize, cache: &str) -> Vec<String> {
    vec![
        format!("content-encoding: {encoding}"),
        "content-type: application/wasm".into(),
        format!("content-length: {length}"),
        "vary: accept-encoding".into(),
        format!("cache-control: {cache}"),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hashed_files_go_precompressed_when_accepted() {
    let site = TempDir::new();
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).expect("pkg dir");
    let data = content();
    let (br, gz) = (brotli_of(&data), gzip_of(&data));
    for name in [HASHED, PLAIN] {
        let file = site.path().join(name.trim_start_matches('/'));
        std::fs::write(&file, &data).expect("file");
        std::fs::write(file.with_extension("wasm.br"), &br).expect("br copy");
        std::fs::write(file.with_extension("wasm.gz"), &gz).expect("gzip copy");
    }
    let site_root = format!("--site-root={}", site.path().display());
    let server = TestServer::start(&[&site_root]).await;
    let year = "public, max-age=31536000, immutable";

    // Chromium's header: the brotli copy, byte for byte, with its length.
    let (status, got, body) = get(&server, HASHED, Some("gzip, deflate, br, zstd")).await;
    assert_eq!((status, got), (200, headers("br", br.len(), year)));
    assert_eq!(body, br);
    assert_eq!(unbrotli(&body), data);

    // No brotli: the gzip copy.
    let (status, got, body) = get(&server, HASHED, Some("gzip")).await;
    assert_eq!((status, got), (200, headers("gzip", gz.len(), year)));
    assert_eq!(ungzip(&body), data);
    let (status, got, _) = get(&server, HASHED, Some("br;q=0, gzip;q=1")).await;
    assert_eq!((status, got), (200, headers("gzip", gz.len(), year)));

    // Nothing accepted: the file itself.
    for accept in [None, Some("identity")] {
        let (status, got, body) = get(&server, HASHED, accept).await;
        assert_eq!(
            (status, got),
            (200, headers("-", data.len(), year)),
            "{accept:?}"
        );
        assert_eq!(body, data, "{accept:?}");
    }

    // A plain name (a dev build's) may change: compressed, never kept.
    let (status, got, body) = get(&server, PLAIN, Some("br")).await;
    assert_eq!((status, got), (200, headers("br", br.len(), "-")));
    assert_eq!(unbrotli(&body), data);

    // A missing file is still a 404, whatever is accepted.
    let (status, _, _) = get(&server, "/pkg/pocketcode.n0ne.wasm", Some("br")).await;
    assert_eq!(status, 404);
    server.stop().await;
}
