//! The site's built files under `/pkg/` and their names. A release build
//! with cargo-leptos's `hash-files` puts a content hash in each name
//! (`pocketcode.<hash>.wasm`) and lists the hashes in `hash.txt` beside the
//! binary; the page, the login page and the service worker take the names
//! from here, and such files are cached by browsers for good (a new build
//! has new names). Without `hash.txt` (a dev build) the plain names serve.
//!
//! A `--split` build adds the chunk loader the JS imports
//! (`__wasm_split.<hash>.js`, the `split:` line) and the sheets' chunks
//! (`split_<chunk>.<hash>.wasm`, and `chunk_<n>.<hash>.wasm` for code
//! several share, named in the loader and in the split manifest), whose
//! bytes the page fetches once idle (`super::chunks`) and which are compiled
//! when a sheet or page first opens.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// cargo-leptos's file of hashes, next to the server binary.
pub const HASH_FILE: &str = "hash.txt";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteAssets {
    pub css: String,
    pub js: String,
    pub wasm: String,
    /// The split chunks' loader, which the JS imports (a `--split` build).
    pub split: Option<String>,
    /// The split build's manifest: each chunk's files (see `super::chunks`).
    pub manifest: Option<String>,
    /// Whether the names carry content hashes (and never change content).
    pub hashed: bool,
}

/// This binary's assets, read once.
pub fn site_assets() -> &'static SiteAssets {
    static ASSETS: OnceLock<SiteAssets> = OnceLock::new();
    ASSETS.get_or_init(SiteAssets::load)
}

impl SiteAssets {
    /// From `hash.txt` beside the running binary, if there is one.
    pub fn load() -> Self {
        Self::from_hash_file(&hash_file_path())
    }

    pub fn from_hash_file(path: &Path) -> Self {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text).unwrap_or_else(|| {
                tracing::warn!(path = %path.display(), "hash file without js, wasm and css hashes: serving plain names");
                Self::plain()
            }),
            Err(_) => Self::plain(),
        }
    }

    /// `js: <hash>`, `wasm: <hash>`, `css: <hash>` lines (others ignored).
    pub fn parse(text: &str) -> Option<Self> {
        let hash = |kind: &str| {
            text.lines()
                .filter_map(|line| line.split_once(':'))
                .find(|(key, _)| key.trim() == kind)
                .map(|(_, value)| value.trim().to_owned())
                .filter(|value| {
                    !value.is_empty()
                        && value
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                })
        };
        Some(Self {
            css: format!("/pkg/pocketcode.{}.css", hash("css")?),
            js: format!("/pkg/pocketcode.{}.js", hash("js")?),
            wasm: format!("/pkg/pocketcode.{}.wasm", hash("wasm")?),
            split: hash("split").map(|h| format!("/pkg/__wasm_split.{h}.js")),
            manifest: hash("manifest").map(|h| format!("/pkg/__wasm_split_manifest.{h}.json")),
            hashed: true,
        })
    }

    fn plain() -> Self {
        Self {
            css: "/pkg/pocketcode.css".into(),
            js: "/pkg/pocketcode.js".into(),
            wasm: "/pkg/pocketcode.wasm".into(),
            split: None,
            manifest: None,
            hashed: false,
        }
    }

    /// The files a page needs to hydrate: CSS, JS, WASM and the split
    /// chunks' loader (the JS imports it).
    pub fn page_files(&self) -> Vec<&str> {
        [&self.css, &self.js, &self.wasm]
            .into_iter()
            .map(String::as_str)
            .chain(self.split.as_deref())
            .collect()
    }

    /// What tells one build's files from another's (the loader names every
    /// chunk's hash).
    pub fn build_id(&self) -> String {
        if self.hashed {
            self.page_files()
                .iter()
                .filter_map(|name| name.split('.').nth(1))
                .collect::<Vec<_>>()
                .join("-")
        } else {
            "unhashed".into()
        }
    }
}

/// Middleware for `/pkg/`: a content-hashed file never changes, so
/// browsers may keep it for a year without asking again; and every file may
/// come as its brotli or gzip copy (see `deploy/precompress.mjs`), so caches
/// must key on Accept-Encoding.
pub async fn cache_hashed(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    // Nested under /pkg: the request's own URI has lost the prefix.
    let path = request
        .extensions()
        .get::<axum::extract::OriginalUri>()
        .map_or_else(
            || request.uri().path().to_owned(),
            |uri| uri.path().to_owned(),
        );
    let mut response = next.run(request).await;
    if !response.status().is_success() {
        return response;
    }
    let headers = response.headers_mut();
    headers.insert(
        axum::http::header::VARY,
        axum::http::HeaderValue::from_static("accept-encoding"),
    );
    if is_content_hashed(&path) {
        headers.insert(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
    }
    response
}

/// cargo-leptos's `hash-files` names, of this build or an earlier one (the
/// service worker's pattern): `/pkg/pocketcode.<hash>.<css|js|wasm>`,
/// `/pkg/__wasm_split.<hash>.js`, `/pkg/split_<chunk>.<hash>.wasm` and the
/// code chunks share, `/pkg/chunk_<n>.<hash>.wasm`.
pub fn is_content_hashed(path: &str) -> bool {
    let Some(name) = path.strip_prefix("/pkg/") else {
        return false;
    };
    let Some((stem, rest)) = name.split_once('.') else {
        return false;
    };
    let Some((hash, kind)) = rest.split_once('.') else {
        return false;
    };
    let word = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    let known = match stem {
        "pocketcode" => ["css", "js", "wasm"].contains(&kind),
        "__wasm_split" => kind == "js",
        chunk => {
            let split = chunk.strip_prefix("split_").is_some_and(word);
            let shared = chunk
                .strip_prefix("chunk_")
                .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
            (split || shared) && kind == "wasm"
        }
    };
    known && word(hash)
}

fn hash_file_path() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .unwrap_or_default()
        .join(HASH_FILE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cargo_leptos_hashes_and_refuses_odd_ones() {
        let assets = SiteAssets::parse("js: aB1_-\nwasm: w9\ncss: c7\n").expect("hashes");
        assert_eq!(assets.js, "/pkg/pocketcode.aB1_-.js");
        assert_eq!(assets.wasm, "/pkg/pocketcode.w9.wasm");
        assert_eq!(assets.css, "/pkg/pocketcode.c7.css");
        assert!(assets.hashed);
        assert_eq!(assets.build_id(), "c7-aB1_--w9");
        assert_eq!(assets.split, None);
        // A --split build's chunk loader.
        let split =
            SiteAssets::parse("js: j\nwasm: w\ncss: c\nsplit: s1\nmanifest: m\n").expect("hashes");
        assert_eq!(split.split.as_deref(), Some("/pkg/__wasm_split.s1.js"));
        assert_eq!(
            split.manifest.as_deref(),
            Some("/pkg/__wasm_split_manifest.m.json")
        );
        assert_eq!(split.page_files().len(), 4);
        assert_eq!(split.build_id(), "c-j-w-s1");
        // A hash that could leave /pkg/ or break a string, or a missing one.
        assert_eq!(SiteAssets::parse("js: ../x\nwasm: w\ncss: c"), None);
        assert_eq!(SiteAssets::parse("js: \"x\nwasm: w\ncss: c"), None);
        assert_eq!(SiteAssets::parse("js: a\nwasm: w"), None);
        let missing = SiteAssets::from_hash_file(Path::new("/nonexistent/hash.txt"));
        assert_eq!(missing.css, "/pkg/pocketcode.css");
        assert!(!missing.hashed);
    }

    #[test]
    fn knows_content_hashed_names() {
        assert!(is_content_hashed("/pkg/pocketcode.aB1_-.wasm"));
        assert!(is_content_hashed("/pkg/pocketcode.c7.css"));
        assert!(is_content_hashed("/pkg/__wasm_split._gf-Ph93.js"));
        assert!(is_content_hashed("/pkg/split_terminal.px-On1v_k.wasm"));
        assert!(is_content_hashed("/pkg/chunk_12.FYATF_-1.wasm"));
        // A dev build's plain names, copies, other files, odd hashes.
        for path in [
            "/pkg/pocketcode.wasm",
            "/pkg/pocketcode.c7.css.br",
            "/pkg/pocketcode..js",
            "/pkg/pocketcode.a.b.js",
            "/pkg/other.c7.css",
            "/pkg/split_.h1.wasm",
            "/pkg/chunk_.h1.wasm",
            "/pkg/chunk_x.h1.wasm",
            "/pkg/split_terminal.h1.js",
            "/pkg/split_terminal.h1.wasm.br",
            "/pkg/__wasm_split.h1.wasm",
            "/pkg/__wasm_split_manifest.h1.json",
            "/icons/pocketcode.c7.css",
        ] {
            assert!(!is_content_hashed(path), "{path}");
        }
    }
}
