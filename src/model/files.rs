//! A chat's worktree as the Files sheet browses it: a folder's entries
//! with their git status and size, a file's text, and the addresses of the
//! download and upload routes (built the same way by the browser and the
//! tests).

use serde::{Deserialize, Serialize};

/// The most entries one folder listing carries (the rest are cut).
pub const MAX_LISTED: u32 = 2000;
/// The largest file shown as text; bigger ones are shown cut.
pub const MAX_VIEWED_BYTES: u64 = 1_000_000;
/// `--upload-max-mb`'s default: one upload request, all files together.
pub const DEFAULT_UPLOAD_MAX_MB: u64 = 100;

/// One folder of a chat's worktree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FolderListing {
    /// The folder, relative to the worktree (`""` for its root).
    pub path: String,
    /// Folders first, then files, each by name.
    pub entries: Vec<FileEntry>,
    /// More than [`MAX_LISTED`] entries: the rest are not listed.
    pub truncated: bool,
}

/// A file, folder or symbolic link in a folder listing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FileEntry {
    pub name: String,
    /// Relative to the worktree, `/`-separated.
    pub path: String,
    pub kind: FileKind,
    /// In bytes, for files.
    pub size: Option<u64>,
    /// Against the branch's last commit; `None` when unchanged (or ignored).
    pub status: Option<FileStatus>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    Folder,
    File,
    /// A symbolic link: followed only while it stays inside the worktree.
    Link,
}

/// A file's git status, or a folder's when something inside it changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FileStatus {
    Modified,
    /// New and staged.
    Added,
    /// New and not staged (a folder: everything in it is).
    Untracked,
    /// A folder holding changed files.
    Changed,
}

impl FileStatus {
    /// The one-letter mark the tree shows.
    pub fn mark(self) -> &'static str {
        match self {
            Self::Modified => "M",
            Self::Added => "A",
            Self::Untracked => "U",
            Self::Changed => "•",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Modified => "modified",
            Self::Added => "added",
            Self::Untracked => "untracked",
            Self::Changed => "has changes",
        }
    }
}

/// A file to read in the viewer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FileText {
    pub path: String,
    pub size: u64,
    /// The text (its first [`MAX_VIEWED_BYTES`] at most); `None` for a
    /// binary file (download it instead).
    pub text: Option<String>,
    /// The text is cut.
    pub truncated: bool,
}

/// What the download and upload routes do to a chat's file or folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileRoute {
    /// `GET`: the file's bytes.
    Download,
    /// `GET`: the folder as a zip.
    Zip,
    /// `GET`: the folder's listing.
    Folder,
    /// `POST` (multipart): files into the folder.
    Upload,
}

/// `/admin/worktrees/{repo}/{chat_id}/files…?path=…` for chat `chat_id` of
/// `repo` (`owner/name`); `/admin/remotes/{remote}/{chat_id}/files…` for a
/// remote's chat (repo `@<remote>`).
pub fn file_route(route: FileRoute, repo: &str, chat_id: &str, path: &str) -> String {
    let tail = match route {
        FileRoute::Download => "/download",
        FileRoute::Zip => "/zip",
        FileRoute::Folder => "",
        FileRoute::Upload => "/upload",
    };
    let chat = match crate::model::remotes::remote_name(repo) {
        Some(remote) => format!("remotes/{}", encode_query(remote)),
        None => format!("worktrees/{repo}"),
    };
    format!(
        "/admin/{chat}/{chat_id}/files{tail}?path={}",
        encode_query(path)
    )
}

/// Percent-encodes a query value (everything but unreserved characters
/// and `/`, which stays readable).
pub fn encode_query(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The folder `path` is in (`""` at the root).
pub fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// A human size: bytes, KB, MB or GB.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 3] = ["KB", "MB", "GB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_encode_the_path() {
        assert_eq!(
            file_route(FileRoute::Zip, "local/w", "abcdef12", "a b/c&d"),
            "/admin/worktrees/local/w/abcdef12/files/zip?path=a%20b/c%26d"
        );
        assert_eq!(
            file_route(FileRoute::Download, "@devbox", "ses_1", "a.rs"),
            "/admin/remotes/devbox/ses_1/files/download?path=a.rs"
        );
        assert_eq!(parent("a/b/c.rs"), "a/b");
        assert_eq!(parent("c.rs"), "");
        assert_eq!(human_size(10), "10 B");
        assert_eq!(human_size(1536), "1.5 KB");
    }
}
