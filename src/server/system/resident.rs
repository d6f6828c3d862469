//! pocketcode's own resident memory, and giving back what only start-up
//! needed.
//!
//! Measured on the release build: right after start the process held
//! ~37 MB, of which ~21 MB were pages of its own 33 MB of machine code and
//! ~4 MB OpenSSL's. Idle, it touches ~1.4 MB of that code: the rest was
//! mapped while starting (parsing flags, building the router, the first
//! requests to opencode), each fault mapping its neighbours too. Those
//! pages are clean copies of the files on disk, so dropping them from the
//! process costs nothing but a minor fault if one is needed again: the
//! kernel brings it back from the page cache, or from the file.
//!
//! [`release_clean_file_pages`] drops them for every private, read-only
//! mapping of a file that holds no page of the process's own (`Anonymous:
//! 0 kB`: relocated data after RELRO is read-only but holds its own pages
//! and is kept). `malloc_trim` then gives back the heap start-up freed.
//! [`keep_lean`] does both after start and again now and then, so a
//! months-long run keeps only what it uses.

use std::time::Duration;

/// When [`keep_lean`] trims, counted from when the server is serving: the
/// first requests and the event hub's connections settle in the first
/// minute; after that, a trim every ten minutes.
const SETTLING: [Duration; 3] = [
    Duration::from_secs(1),
    Duration::from_secs(10),
    Duration::from_secs(60),
];
const EVERY: Duration = Duration::from_secs(600);

/// The `VmRSS`, `RssAnon` and `RssFile` lines of `/proc/self/status`, in KiB.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resident {
    pub total_kib: u64,
    pub anon_kib: u64,
    pub file_kib: u64,
}

impl Resident {
    /// This process's, from `/proc/self/status` (zero where it can't be read).
    pub fn now() -> Self {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|n| n.parse().ok())
                .unwrap_or(0)
        };
        Self {
            total_kib: field("VmRSS:"),
            anon_kib: field("RssAnon:"),
            file_kib: field("RssFile:"),
        }
    }
}

/// One mapping of `/proc/self/smaps` that may be dropped.
#[derive(Debug, PartialEq, Eq)]
struct CleanMapping {
    start: usize,
    len: usize,
    rss_kib: u64,
}

/// The private, read-only file mappings with no page of their own, from
/// the text of `/proc/<pid>/smaps`.
fn clean_file_mappings(smaps: &str) -> Vec<CleanMapping> {
    let mut found = Vec::new();
    let mut current: Option<(CleanMapping, bool)> = None;
    let mut finish = |entry: Option<(CleanMapping, bool)>| {
        if let Some((mapping, true)) = entry {
            found.push(mapping);
        }
    };
    for line in smaps.lines() {
        if let Some(mapping) = header(line) {
            finish(current.take());
            current = mapping.map(|m| (m, true));
            continue;
        }
        let Some((mapping, clean)) = current.as_mut() else {
            continue;
        };
        let mut fields = line.split_whitespace();
        match (
            fields.next(),
            fields.next().and_then(|n| n.parse::<u64>().ok()),
        ) {
            (Some("Rss:"), Some(kib)) => mapping.rss_kib = kib,
            (Some("Anonymous:"), Some(kib)) if kib > 0 => *clean = false,
            // Locked pages stay where they are by request.
            (Some("Locked:"), Some(kib)) if kib > 0 => *clean = false,
            _ => {}
        }
    }
    finish(current);
    found.retain(|m| m.rss_kib > 0);
    found
}

/// A mapping's header line: `Some(None)` for a mapping that is not a
/// private read-only file mapping, `None` for a line that is no header.
fn header(line: &str) -> Option<Option<CleanMapping>> {
    let mut fields = line.split_whitespace();
    let range = fields.next()?;
    let (start, end) = range.split_once('-')?;
    let start = usize::from_str_radix(start, 16).ok()?;
    let end = usize::from_str_radix(end, 16).ok()?;
    let perms = fields.next()?;
    let (_offset, _dev, inode) = (fields.next()?, fields.next()?, fields.next()?);
    let path = fields.next().unwrap_or("");
    let bytes = perms.as_bytes();
    let private_read_only =
        bytes.len() == 4 && bytes[0] == b'r' && bytes[1] == b'-' && bytes[3] == b'p';
    let file = path.starts_with('/') && inode != "0";
    Some(
        (private_read_only && file && end > start).then_some(CleanMapping {
            start,
            len: end - start,
            rss_kib: 0,
        }),
    )
}

/// Drops this process's clean pages of files (see the module doc), then
/// trims the heap. Returns how much resident memory that gave back.
pub fn release_clean_file_pages() -> Resident {
    let before = Resident::now();
    let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap_or_default();
    for mapping in clean_file_mappings(&smaps) {
        // SAFETY: the range is a whole mapping of this process, private,
        // read-only and holding no anonymous page, so every page in it is
        // an unmodified copy of its file: MADV_DONTNEED only unmaps them,
        // and the next access maps the same bytes again. No reference
        // into the range is invalidated.
        unsafe {
            libc::madvise(
                mapping.start as *mut libc::c_void,
                mapping.len,
                libc::MADV_DONTNEED,
            );
        }
    }
    // SAFETY: malloc_trim only returns free heap memory to the kernel.
    unsafe {
        libc::malloc_trim(0);
    }
    let after = Resident::now();
    Resident {
        total_kib: before.total_kib.saturating_sub(after.total_kib),
        anon_kib: before.anon_kib.saturating_sub(after.anon_kib),
        file_kib: before.file_kib.saturating_sub(after.file_kib),
    }
}

/// glibc's malloc arenas pocketcode may have: 2, not its default of 8 per
/// core. Each thread that allocates gets an arena of its own up to that
/// limit, and an arena keeps what was freed in it; pocketcode's workers,
/// the provider gateway's thread and the blocking pool made ~4 MB of its
/// peak with 20 chats streaming (measured with `make bench-sse`, README).
const ARENAS: i32 = 2;

/// Caps glibc's malloc arenas at [`ARENAS`]; before any thread starts.
pub fn fewer_arenas() {
    #[cfg(target_env = "gnu")]
    // SAFETY: mallopt(3) sets a tunable of glibc's allocator; called
    // before pocketcode starts a thread.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, ARENAS);
    }
}

/// Trims after start (see [`SETTLING`]) and then every [`EVERY`], on a
/// blocking thread each time (reading smaps is file I/O), until the
/// runtime ends.
pub fn keep_lean() {
    tokio::spawn(async {
        let mut waited = Duration::ZERO;
        for at in SETTLING {
            tokio::time::sleep(at - waited).await;
            waited = at;
            trim("settling").await;
        }
        loop {
            tokio::time::sleep(EVERY).await;
            trim("periodic").await;
        }
    });
}

async fn trim(when: &'static str) {
    if let Ok(freed) = tokio::task::spawn_blocking(release_clean_file_pages).await {
        let now = Resident::now();
        tracing::debug!(
            when,
            freed_kib = freed.total_kib,
            rss_kib = now.total_kib,
            anon_kib = now.anon_kib,
            file_kib = now.file_kib,
            "gave back memory"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMAPS: &str = "\
55b0825e0000-55b0830df000 r--p 00000000 fe:00 5319529    /usr/bin/pocketcode
Size:              11260 kB
Rss:                2304 kB
Anonymous:             0 kB
Locked:                0 kB
55b0830df000-55b0850ce000 r-xp 00afe000 fe:00 5319529    /usr/bin/pocketcode
Rss:               20588 kB
Anonymous:             0 kB
55b0850ce000-55b0851b1000 r--p 02aec000 fe:00 5319529    /usr/bin/pocketcode
Rss:                 908 kB
Anonymous:           908 kB
55b0851b1000-55b0851b9000 rw-p 02bce000 fe:00 5319529    /usr/bin/pocketcode
Rss:                  28 kB
Anonymous:            28 kB
55b0a9856000-55b0a9d0f000 rw-p 00000000 00:00 0          [heap]
Rss:                4724 kB
Anonymous:          4724 kB
7f0000000000-7f0000010000 r--p 00000000 00:00 0 
Rss:                  64 kB
Anonymous:             0 kB
7f0000100000-7f0000200000 r--s 00000000 fe:00 77          /dev/shm/shared
Rss:                  64 kB
Anonymous:             0 kB
7f0000300000-7f0000400000 r-xp 00000000 fe:00 78          /usr/lib/libcrypto.so.3
Rss:                  40 kB
Anonymous:             0 kB
Locked:               40 kB
7f0000500000-7f0000600000 r--p 00000000 fe:00 79          /usr/lib/libssl.so.3
Rss:                   0 kB
Anonymous:             0 kB
7ffd00000000-7ffd00002000 r-xp 00000000 00:00 0          [vdso]
Rss:                   8 kB
Anonymous:             0 kB
";

    #[test]
    fn only_clean_private_read_only_file_mappings_with_pages_are_dropped() {
        let found = clean_file_mappings(SMAPS);
        assert_eq!(
            found,
            vec![
                CleanMapping {
                    start: 0x55b0825e0000,
                    len: 0x55b0830df000 - 0x55b0825e0000,
                    rss_kib: 2304,
                },
                CleanMapping {
                    start: 0x55b0830df000,
                    len: 0x55b0850ce000 - 0x55b0830df000,
                    rss_kib: 20588,
                },
            ],
            "the RELRO data (own pages), writable, anonymous, shared, locked, \
             empty and vdso mappings are kept"
        );
    }

    #[test]
    fn this_process_reads_its_own_resident_memory() {
        let now = Resident::now();
        assert!(
            now.total_kib > 0 && now.total_kib >= now.anon_kib,
            "{now:?}"
        );
    }
}
