//! Files uploaded into a folder of a chat's worktree. All or nothing:
//! every file is received into a hidden temporary file beside its place,
//! and only once the whole request is in (names checked, under the size
//! limit) are they put in place, none replacing anything; a refusal
//! removes what was received.

use std::path::{Path, PathBuf};

use axum::extract::Multipart;
use axum::extract::multipart::Field;
use bytes::Bytes;
use tokio::io::AsyncWriteExt;

use super::FilesError;
use super::path::{FileName, Worktree, WorktreePath};

/// A file received and waiting to be put in place.
struct Received {
    temp: PathBuf,
    name: FileName,
}

/// Receives the multipart `body`'s files into folder `folder` (a real
/// folder of `tree`); at most `limit_mb` MB in all. The names placed.
pub async fn upload(
    tree: &Worktree,
    folder: &WorktreePath,
    dir: PathBuf,
    body: &mut Multipart,
    limit_mb: u64,
) -> Result<Vec<String>, FilesError> {
    let mut received = Vec::new();
    let outcome = receive(&dir, body, limit_mb, &mut received).await;
    let temps: Vec<PathBuf> = received.iter().map(|r| r.temp.clone()).collect();
    let placed = match outcome {
        Ok(()) => {
            let tree = tree.clone();
            let folder = folder.clone();
            let dir = dir.clone();
            tokio::task::spawn_blocking(move || place(&tree, &folder, &dir, &received)).await?
        }
        Err(error) => Err(error),
    };
    for temp in temps {
        let _ = tokio::fs::remove_file(temp).await;
    }
    placed
}

async fn receive(
    dir: &Path,
    body: &mut Multipart,
    limit_mb: u64,
    received: &mut Vec<Received>,
) -> Result<(), FilesError> {
    let mut parts = Parts::new(limit_mb);
    while let Some((name, mut field)) = parts.next(body).await? {
        let temp = dir.join(temp_name());
        // `create_new` never follows a link nor replaces anything.
        let mut file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .await?;
        received.push(Received { temp, name });
        while let Some(chunk) = parts.chunk(&mut field).await? {
            file.write_all(&chunk).await?;
        }
        file.flush().await?;
    }
    parts.finish()
}

/// An upload's parts as they come, local or remote: each must be a file
/// whose name is good and not in the upload twice, all of them within
/// the size limit, and at least one.
pub struct Parts {
    limit_mb: u64,
    total: u64,
    names: Vec<FileName>,
}

impl Parts {
    pub fn new(limit_mb: u64) -> Self {
        Self {
            limit_mb,
            total: 0,
            names: Vec::new(),
        }
    }

    /// The next file and its name; `None` after the last.
    pub async fn next<'a>(
        &mut self,
        body: &'a mut Multipart,
    ) -> Result<Option<(FileName, Field<'a>)>, FilesError> {
        let Some(field) = body.next_field().await.map_err(body_error)? else {
            return Ok(None);
        };
        let Some(raw) = field.file_name().map(str::to_owned) else {
            return Err(FilesError::Invalid(format!(
                "part {:?} of the upload is not a file",
                field.name().unwrap_or("")
            )));
        };
        let name = FileName::parse(&raw)?;
        if self.names.contains(&name) {
            return Err(FilesError::Invalid(format!(
                "{raw:?} is in the upload twice"
            )));
        }
        self.names.push(name.clone());
        Ok(Some((name, field)))
    }

    /// The next bytes of `field`, counted against the limit.
    pub async fn chunk(&mut self, field: &mut Field<'_>) -> Result<Option<Bytes>, FilesError> {
        let Some(chunk) = field.chunk().await.map_err(body_error)? else {
            return Ok(None);
        };
        self.total += chunk.len() as u64;
        if self.total > self.limit_mb.saturating_mul(1024 * 1024) {
            return Err(FilesError::TooLarge {
                limit_mb: self.limit_mb,
            });
        }
        Ok(Some(chunk))
    }

    /// Refuses an upload that had no files.
    pub fn finish(self) -> Result<(), FilesError> {
        if self.names.is_empty() {
            return Err(FilesError::Invalid("the upload has no files".into()));
        }
        Ok(())
    }
}

/// A hidden temporary file's name, beside where a received file goes.
pub fn temp_name() -> String {
    format!(".pocketcode-upload-{:016x}", rand::random::<u64>())
}

/// Puts every received file in place (a hard link: it fails rather than
/// replace what is there); undoes the ones placed when one cannot be.
fn place(
    tree: &Worktree,
    folder: &WorktreePath,
    dir: &Path,
    received: &[Received],
) -> Result<Vec<String>, FilesError> {
    let mut placed: Vec<PathBuf> = Vec::new();
    for file in received {
        let target = dir.join(file.name.as_str());
        let linked = std::fs::hard_link(&file.temp, &target).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                FilesError::Exists(folder.join(&file.name).shown())
            } else {
                e.into()
            }
        });
        // The folder must still be where it was checked to be (the agent
        // cannot move a link into its place meanwhile).
        let inside = linked.and_then(|()| {
            placed.push(target.clone());
            let real = target.canonicalize()?;
            if real.starts_with(tree.root()) {
                Ok(())
            } else {
                Err(FilesError::Outside(folder.join(&file.name).shown()))
            }
        });
        if let Err(error) = inside {
            for path in &placed {
                let _ = std::fs::remove_file(path);
            }
            return Err(error);
        }
    }
    Ok(received
        .iter()
        .map(|file| folder.join(&file.name).as_str().to_owned())
        .collect())
}

/// After an upload was refused for something other than its body, reads
/// what is left of that body (at most `limit_mb` MB), so that the browser,
/// still sending, reads the refusal instead of a reset connection.
pub async fn settle<T>(
    outcome: Result<T, FilesError>,
    body: &mut Multipart,
    limit_mb: u64,
) -> Result<T, FilesError> {
    if let Err(error) = &outcome
        && !matches!(error, FilesError::TooLarge { .. } | FilesError::Body(_))
    {
        let limit = limit_mb.saturating_mul(1024 * 1024);
        let mut read: u64 = 0;
        while let Ok(Some(mut field)) = body.next_field().await {
            while let Ok(Some(chunk)) = field.chunk().await {
                read += chunk.len() as u64;
                if read > limit {
                    return outcome;
                }
            }
        }
    }
    outcome
}

fn body_error(error: axum::extract::multipart::MultipartError) -> FilesError {
    FilesError::Body(error.body_text())
}
