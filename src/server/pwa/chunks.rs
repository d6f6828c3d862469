//! The split build's chunks, as the page fetches them ahead: every
//! `split_<name>.<hash>.wasm` and shared `chunk_<n>.<hash>.wasm` the split
//! manifest names (`__wasm_split_manifest.<hash>.json`, which cargo-leptos
//! writes beside them and names in `hash.txt`). The start script fetches
//! their bytes once the page is idle (`app::chunk_prefetch`), so that a
//! sheet or page opened later compiles its chunk from the browser's cache
//! (or the service worker's) without a download, and nothing is compiled
//! before it is needed. The later parts' files are not among them: the
//! page asks for those itself once idle (`app::later`).

use std::collections::BTreeMap;
use std::path::Path;

use super::assets::{SiteAssets, is_content_hashed};

/// The URLs of this build's chunks, read from its split manifest under
/// `site_root`: none for a build without one (not `--split`, or without
/// content hashes), or one whose manifest cannot be read (said in the log:
/// the page then fetches each chunk when it opens, as it always can).
pub fn chunk_urls(site_root: &Path, assets: &SiteAssets) -> Vec<String> {
    let Some(manifest) = assets.manifest.as_deref() else {
        return Vec::new();
    };
    let path = site_root.join(manifest.trim_start_matches('/'));
    let parsed = std::fs::read_to_string(&path)
        .map_err(|e| e.to_string())
        .and_then(|text| parse(&text).map_err(|e| e.to_string()));
    parsed.unwrap_or_else(|error| {
        tracing::warn!(path = %path.display(), %error, "split manifest unreadable: no chunk is fetched ahead");
        Vec::new()
    })
}

/// The split every page with a later part loads itself once idle
/// (`app::later`): fetching its files ahead too would ask for each twice.
const LATER: &str = "later";

/// The manifest maps each split to the files it needs (the code it shares
/// first, its own file last), without `.wasm`. Each file once, split after
/// split in the manifest's order, except those the split [`LATER`] needs; a
/// name that is not a hashed chunk's (one that could leave `/pkg/`) is left
/// out.
fn parse(text: &str) -> Result<Vec<String>, serde_json::Error> {
    let mut splits: BTreeMap<String, Vec<String>> = serde_json::from_str(text)?;
    let later = splits.remove(LATER).unwrap_or_default();
    let mut urls: Vec<String> = Vec::new();
    for url in splits
        .into_values()
        .flatten()
        .filter(|name| !later.contains(name))
        .map(|name| format!("/pkg/{name}.wasm"))
    {
        if is_content_hashed(&url) && !urls.contains(&url) {
            urls.push(url);
        }
    }
    Ok(urls)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_chunk_once_and_nothing_else() {
        let manifest = r#"{
            "changes": ["chunk_12.a1", "chunk_13.b-2", "split_changes.c_3"],
            "browser": ["chunk_12.a1", "split_browser.d4"],
            "odd": ["../secret", "chunk_x.e5", "split_files.f6.js", "split_files"]
        }"#;
        assert_eq!(
            parse(manifest).expect("a manifest"),
            [
                "/pkg/chunk_12.a1.wasm",
                "/pkg/split_browser.d4.wasm",
                "/pkg/chunk_13.b-2.wasm",
                "/pkg/split_changes.c_3.wasm",
            ]
        );
        assert!(parse("[1, 2]").is_err());
    }

    #[test]
    fn the_later_split_s_files_are_left_to_it() {
        let manifest = r#"{
            "changes": ["chunk_12.a1", "chunk_13.b2", "split_changes.c3"],
            "later": ["chunk_12.a1", "split_later.d4"]
        }"#;
        assert_eq!(
            parse(manifest).expect("a manifest"),
            ["/pkg/chunk_13.b2.wasm", "/pkg/split_changes.c3.wasm"]
        );
    }

    #[test]
    fn a_build_without_a_readable_manifest_lists_none() {
        let root = std::env::temp_dir().join(format!("pocketcode-chunks-{}", std::process::id()));
        let hashed = SiteAssets::parse("js: j\nwasm: w\ncss: c\nmanifest: m").expect("hashes");
        // Missing, then unreadable.
        assert_eq!(chunk_urls(&root, &hashed), Vec::<String>::new());
        std::fs::create_dir_all(root.join("pkg")).expect("pkg");
        let file = root.join("pkg/__wasm_split_manifest.m.json");
        std::fs::write(&file, "not json").expect("write");
        assert_eq!(chunk_urls(&root, &hashed), Vec::<String>::new());
        // Readable.
        std::fs::write(&file, r#"{"files": ["split_files.h1"]}"#).expect("write");
        assert_eq!(chunk_urls(&root, &hashed), ["/pkg/split_files.h1.wasm"]);
        // A build without hashes (or without --split) has no manifest named.
        let plain = SiteAssets::from_hash_file(&root.join("none.txt"));
        assert_eq!(chunk_urls(&root, &plain), Vec::<String>::new());
        std::fs::remove_dir_all(&root).expect("cleaned up");
    }
}
