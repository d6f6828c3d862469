//! The reviews on disk: one JSON file per chat under `<data>/reviews/`,
//! read on every request and written atomically on every change, so a
//! review survives a reload, a restart and is the same in every tab.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use super::ReviewError;
use crate::model::review::Review;
use crate::server::git::WorktreeName;

#[derive(Debug)]
pub struct Reviews {
    dir: PathBuf,
    /// Held while a review is read, changed and written.
    changing: Mutex<()>,
    next_id: AtomicU64,
    /// Held while a review is sent, so one draft is never sent twice.
    pub(super) sending: tokio::sync::Mutex<()>,
}

impl Reviews {
    /// `<data_dir>/reviews/`, made when missing.
    pub fn open(data_dir: &Path) -> Result<Self, ReviewError> {
        let dir = data_dir.join("reviews");
        std::fs::create_dir_all(&dir).map_err(|e| ReviewError::io(&dir, e))?;
        // Microseconds since the epoch: past every id handed out before.
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX));
        Ok(Self {
            dir,
            changing: Mutex::new(()),
            next_id: AtomicU64::new(now),
            sending: tokio::sync::Mutex::new(()),
        })
    }

    /// Chat `name`'s review (empty when it never had one).
    pub fn get(&self, name: &WorktreeName) -> Result<Review, ReviewError> {
        let _held = self.changing.lock().unwrap_or_else(PoisonError::into_inner);
        self.read(name)
    }

    /// A fresh comment id.
    pub fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Applies `edit` to chat `name`'s review and writes it; nothing is
    /// written when `edit` refuses.
    pub fn change(
        &self,
        name: &WorktreeName,
        edit: impl FnOnce(&mut Review) -> Result<(), ReviewError>,
    ) -> Result<Review, ReviewError> {
        let _held = self.changing.lock().unwrap_or_else(PoisonError::into_inner);
        let mut review = self.read(name)?;
        edit(&mut review)?;
        review.sort();
        let path = self.path(name);
        let json = serde_json::to_vec_pretty(&review).unwrap_or_default();
        crate::server::auth::generation::write_atomically(&path, &json)
            .map_err(|e| ReviewError::io(&path, e))?;
        Ok(review)
    }

    /// Removes the review of every chat whose worktree is gone from
    /// `worktrees` (a deleted chat's review goes with it).
    pub fn forget_removed(&self, worktrees: &Path) {
        let _held = self.changing.lock().unwrap_or_else(PoisonError::into_inner);
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for path in entries.flatten().map(|entry| entry.path()) {
            let chat = path
                .file_name()
                .and_then(|name| name.to_str())
                .and_then(|name| name.strip_suffix(".json"));
            if let Some(chat) = chat
                && !worktrees.join(chat).exists()
                && let Err(error) = std::fs::remove_file(&path)
            {
                tracing::warn!(path = %path.display(), %error, "a deleted chat's review stays");
            }
        }
    }

    fn read(&self, name: &WorktreeName) -> Result<Review, ReviewError> {
        let path = self.path(name);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                ReviewError::io(
                    &path,
                    std::io::Error::new(std::io::ErrorKind::InvalidData, e),
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Review::default()),
            Err(e) => Err(ReviewError::io(&path, e)),
        }
    }

    fn path(&self, name: &WorktreeName) -> PathBuf {
        self.dir.join(format!("{}.json", name.as_string()))
    }
}
