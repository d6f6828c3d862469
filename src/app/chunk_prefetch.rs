//! Fetching the lazy chunks' bytes ahead, without compiling them: the
//! start script runs this once the page has hydrated and is idle.
//!
//! Each sheet's, page's and composer part's `#[wasm_split]` chunk (see
//! `app::lazy`) is fetched AND instantiated by cargo-leptos's loader
//! (`__wasm_split.<hash>.js`) when its `preload_*` or lazy function runs;
//! instantiating ~80 chunk files made several 50–130 ms tasks on a phone's
//! main thread in the page's first seconds, which is what Lighthouse's
//! total blocking time adds up. Here only the bytes come, at low priority,
//! into the HTTP cache (and the service worker's, which keeps hashed files
//! once fetched: both keep them for good, their names carry a content
//! hash); each is read to its end and dropped. The loader's own fetch, when
//! the sheet or page opens, is then answered from the cache, offline too,
//! and only that chunk is compiled.

/// Files fetched at once: the rest wait their turn, so a phone's few
/// connections stay free for what the user asks meanwhile.
const AT_ONCE: usize = 3;

/// A JS statement that, once the page is idle (or at once where the
/// browser has no idle callback: Safari), fetches `urls` (this build's
/// chunks, `server::pwa::chunk_urls`) `AT_ONCE` at a time, in order, each
/// read to its end and dropped; a file that fails is left for its loader
/// to fetch when it opens. Empty for a build without chunks.
pub fn prefetch_chunks(urls: &[String]) -> String {
    if urls.is_empty() {
        return String::new();
    }
    format!(
        "{{ const urls = {urls:?}; \
         const next = () => {{ const url = urls.shift(); if (url === undefined) return; \
         fetch(url, {{ priority: 'low' }}).then((r) => r.body && r.body.pipeTo(new WritableStream())) \
         .catch(() => undefined).then(next); }}; \
         (self.requestIdleCallback || setTimeout)(() => {{ for (let i = 0; i < {AT_ONCE}; i += 1) next(); }}); }}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fetches_each_file_once_idle_and_compiles_none() {
        let text = prefetch_chunks(&[
            "/pkg/split_files.h1.wasm".into(),
            "/pkg/chunk_12.h2.wasm".into(),
        ]);
        assert!(
            text.contains(r#"const urls = ["/pkg/split_files.h1.wasm", "/pkg/chunk_12.h2.wasm"];"#),
            "{text}"
        );
        assert!(
            text.contains("(self.requestIdleCallback || setTimeout)"),
            "{text}"
        );
        assert!(text.contains("fetch(url, { priority: 'low' })"), "{text}");
        assert!(text.contains("i < 3"), "{text}");
        assert!(!text.contains("WebAssembly"), "{text}");
        assert_eq!(prefetch_chunks(&[]), "");
    }
}
