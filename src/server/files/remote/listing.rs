//! A remote chat's folders and text, from its opencode: `GET /file` for a
//! folder (links are not listed by opencode, and it gives no sizes),
//! `GET /vcs/status` for the marks, `GET /file/content` for the viewer.
//! opencode refuses a path out of the directory with a bare 500; the
//! remote is then asked over ssh what the path is, so the refusal says why.

use std::collections::HashMap;

use base64::Engine as _;

use super::RemoteTree;
use crate::model::files::{
    FileEntry, FileKind, FileStatus, FileText, FolderListing, MAX_LISTED, MAX_VIEWED_BYTES,
};
use crate::server::files::{FilesError, WorktreePath};
use crate::server::opencode_client::{OpencodeClientError, VcsFile};
use crate::server::state::AppState;

/// Folder `path` of remote chat `session` on `remote`.
pub async fn list_folder(
    state: &AppState,
    remote: &str,
    session: &str,
    path: &str,
) -> Result<FolderListing, FilesError> {
    let path = WorktreePath::parse(path)?;
    let tree = RemoteTree::open(state, remote, session).await?;
    let nodes = match tree.client.list_folder(&tree.dir, path.as_str()).await {
        Ok(nodes) => nodes,
        Err(error) => return Err(tree.explain(error, &path, "a file, not a folder").await),
    };
    let changed = tree.client.vcs_status(&tree.dir).await?;
    let marks = marks(&changed, path.as_str());
    let mut entries: Vec<FileEntry> = nodes
        .into_iter()
        // git's own pointer to the repo, not the chat's work.
        .filter(|node| !(path.as_str().is_empty() && node.name == ".git"))
        .map(|node| FileEntry {
            status: marks.get(&node.name).copied(),
            path: child(&path, &node.name),
            kind: if node.kind == "directory" {
                FileKind::Folder
            } else {
                FileKind::File
            },
            size: None,
            name: node.name,
        })
        .collect();
    entries.sort_by(|a, b| {
        (a.kind != FileKind::Folder, &a.name).cmp(&(b.kind != FileKind::Folder, &b.name))
    });
    let truncated = entries.len() > MAX_LISTED as usize;
    entries.truncate(MAX_LISTED as usize);
    Ok(FolderListing {
        path: path.as_str().to_owned(),
        entries,
        truncated,
    })
}

/// File `path` of a remote chat as text (as opencode serves it: without
/// the whitespace at its ends).
pub async fn read_text(
    state: &AppState,
    remote: &str,
    session: &str,
    path: &str,
) -> Result<FileText, FilesError> {
    let path = WorktreePath::parse(path)?;
    if path.as_str().is_empty() {
        return Err(FilesError::Invalid(
            "the worktree's root is a folder, not a file".into(),
        ));
    }
    let tree = RemoteTree::open(state, remote, session).await?;
    let content = match tree.client.file_content(&tree.dir, path.as_str()).await {
        Ok(content) => content,
        Err(error) => return Err(tree.explain(error, &path, "a folder, not a file").await),
    };
    // opencode answers an empty text for a file that is not there.
    if content.content.is_empty() && tree.kind(&path).await? != "file" {
        return Err(FilesError::Invalid(format!(
            "{} is not a file",
            path.shown()
        )));
    }
    let (mut bytes, text) = if content.kind == "binary" {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(content.content.as_bytes())
            .map_err(|e| FilesError::Remote(format!("opencode's binary content: {e}")))?;
        (bytes, false)
    } else {
        (content.content.into_bytes(), true)
    };
    let size = bytes.len() as u64;
    let truncated = size > MAX_VIEWED_BYTES;
    bytes.truncate(MAX_VIEWED_BYTES as usize);
    Ok(FileText {
        path: path.as_str().to_owned(),
        size,
        text: text.then(|| cut_text(bytes)).flatten(),
        truncated,
    })
}

impl RemoteTree {
    /// opencode refused `path`: why, asked of the remote (outside, not
    /// there, or `wrong_kind`).
    async fn explain(
        &self,
        error: OpencodeClientError,
        path: &WorktreePath,
        wrong_kind: &str,
    ) -> FilesError {
        if !matches!(error, OpencodeClientError::Status { .. }) {
            return error.into();
        }
        match self.kind(path).await {
            Ok(_) => FilesError::Invalid(format!("{}: {wrong_kind}", path.shown())),
            Err(refusal) => refusal,
        }
    }
}

/// Text cut at a character boundary.
fn cut_text(bytes: Vec<u8>) -> Option<String> {
    match String::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let mut bytes = e.into_bytes();
            bytes.truncate(valid);
            String::from_utf8(bytes).ok()
        }
    }
}

fn child(folder: &WorktreePath, name: &str) -> String {
    if folder.as_str().is_empty() {
        name.to_owned()
    } else {
        format!("{}/{name}", folder.as_str())
    }
}

/// The mark of each entry of folder `dir` with changes: a file's own
/// (`added` is shown as added, `modified` as modified), `Changed` for a
/// folder holding changes. Deleted files are not listed.
fn marks(changed: &[VcsFile], dir: &str) -> HashMap<String, FileStatus> {
    let prefix = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    let mut marks = HashMap::new();
    for file in changed {
        let Some(inside) = file.file.strip_prefix(prefix.as_str()) else {
            continue;
        };
        match inside.split_once('/') {
            Some((folder, _)) => {
                marks.insert(folder.to_owned(), FileStatus::Changed);
            }
            None => {
                let mark = match file.status.as_str() {
                    "added" => FileStatus::Added,
                    "modified" => FileStatus::Modified,
                    _ => continue,
                };
                marks.insert(inside.to_owned(), mark);
            }
        }
    }
    marks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_per_entry_of_the_folder() {
        let changed = [
            ("a.txt", "modified"),
            ("new/y", "added"),
            ("src/x/z", "deleted"),
        ]
        .map(|(file, status)| VcsFile {
            file: file.into(),
            status: status.into(),
        });
        let top = marks(&changed, "");
        assert_eq!(top.get("a.txt"), Some(&FileStatus::Modified));
        assert_eq!(top.get("new"), Some(&FileStatus::Changed));
        assert_eq!(top.get("src"), Some(&FileStatus::Changed));
        let new = marks(&changed, "new");
        assert_eq!(new.get("y"), Some(&FileStatus::Added));
        assert_eq!(new.len(), 1);
    }
}
