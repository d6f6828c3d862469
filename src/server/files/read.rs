//! Opening a file of a chat's worktree: as text for the viewer, or to
//! stream it as a download (blocking: call through `spawn_blocking`).

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;

use super::FilesError;
use super::path::{Worktree, WorktreePath};
use crate::model::files::{FileText, MAX_VIEWED_BYTES};

/// The file `path` names, open for reading, and its size. Only regular
/// files: opened without blocking (a FIFO the agent made must not hang
/// the request) and checked where they really are once open.
pub fn open_file(tree: &Worktree, path: &WorktreePath) -> Result<(File, u64), FilesError> {
    let real = tree.resolve(path)?;
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(nix::fcntl::OFlag::O_NONBLOCK.bits() | nix::fcntl::OFlag::O_NOCTTY.bits())
        .open(&real)?;
    tree.check_opened(&file, path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(FilesError::Invalid(format!(
            "{} is not a file (a folder downloads as a zip)",
            path.shown()
        )));
    }
    Ok((file, meta.len()))
}

/// The file's text, cut at [`MAX_VIEWED_BYTES`]; no text for a binary file.
pub fn read_text(tree: &Worktree, path: &WorktreePath) -> Result<FileText, FilesError> {
    let (file, size) = open_file(tree, path)?;
    let mut bytes = Vec::new();
    file.take(MAX_VIEWED_BYTES).read_to_end(&mut bytes)?;
    let truncated = size > bytes.len() as u64;
    Ok(FileText {
        path: path.as_str().to_owned(),
        size,
        text: as_text(bytes, truncated),
        truncated,
    })
}

/// UTF-8 without NUL is text; a cut may split the last character.
fn as_text(bytes: Vec<u8>, truncated: bool) -> Option<String> {
    if bytes.contains(&0) {
        return None;
    }
    match String::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(e) if truncated && e.utf8_error().error_len().is_none() => {
            let valid = e.utf8_error().valid_up_to();
            let mut bytes = e.into_bytes();
            bytes.truncate(valid);
            String::from_utf8(bytes).ok()
        }
        Err(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::as_text;

    #[test]
    fn binary_is_not_text_and_a_cut_character_is_dropped() {
        assert_eq!(as_text(b"a\0b".to_vec(), false), None);
        assert_eq!(as_text(vec![0xff, 0xfe], false), None);
        assert_eq!(
            as_text("hé".as_bytes()[..2].to_vec(), true).as_deref(),
            Some("h")
        );
        assert_eq!(
            as_text(b"fn x() {}".to_vec(), false).as_deref(),
            Some("fn x() {}")
        );
    }
}
