//! The "log out everywhere" generation: a counter in the data dir that every
//! session cookie carries. Bumping it invalidates every cookie issued before.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The current generation, mirrored in `<data dir>/auth/generation`.
#[derive(Debug)]
pub struct Generation {
    path: PathBuf,
    current: AtomicU64,
    /// Serialises bumps so two concurrent ones both count and both persist.
    bump: std::sync::Mutex<()>,
}

impl Generation {
    /// Reads the counter (0 when the file doesn't exist yet). An unreadable
    /// or corrupt file is an error: silently starting at 0 again would
    /// resurrect revoked cookies.
    pub fn load(path: &Path) -> std::io::Result<Self> {
        let current = match std::fs::read_to_string(path) {
            Ok(text) => text.trim().parse::<u64>().map_err(|_| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{} does not hold a number", path.display()),
                )
            })?,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => 0,
            Err(err) => return Err(err),
        };
        Ok(Self {
            path: path.to_path_buf(),
            current: AtomicU64::new(current),
            bump: std::sync::Mutex::new(()),
        })
    }

    pub fn current(&self) -> u64 {
        self.current.load(Ordering::SeqCst)
    }

    /// Moves to the next generation and writes it atomically (temp file +
    /// rename) before any new cookie can be issued in it.
    pub fn bump(&self) -> std::io::Result<u64> {
        let _guard = self
            .bump
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let next = self.current() + 1;
        write_atomically(&self.path, next.to_string().as_bytes())?;
        self.current.store(next, Ordering::SeqCst);
        Ok(next)
    }
}

/// Writes `bytes` to `path` via a temp file in the same directory, so a
/// crash leaves either the old or the new content. Readable by the owner only.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let tmp = path.with_extension("tmp");
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bumps_persist_and_corrupt_files_are_refused() {
        let dir = std::env::temp_dir().join(format!("pocketcode-gen-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("generation");
        let _ = std::fs::remove_file(&path);
        let generation = Generation::load(&path).expect("missing file is 0");
        assert_eq!(generation.current(), 0);
        assert_eq!(generation.bump().expect("bump"), 1);
        assert_eq!(generation.bump().expect("bump"), 2);
        assert_eq!(Generation::load(&path).expect("reload").current(), 2);
        std::fs::write(&path, "not a number").expect("corrupt");
        assert!(Generation::load(&path).is_err());
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }
}
