//! What the Files sheet asks a remote chat's opencode: a folder's entries
//! (`GET /file`), a file's content (`GET /file/content`) and the git
//! status of the directory's changed files (`GET /vcs/status`).
//!
//! opencode refuses a path that leads out of the directory (through `..`
//! or a link) with a 500; it leaves links out of its listings, trims a
//! text file's content and refuses text that is not UTF-8.

use std::path::Path;

use reqwest::Method;
use serde::Deserialize;

use super::{OpencodeClient, OpencodeClientError, json, send};

/// One entry of `GET /file`.
#[derive(Clone, Debug, Deserialize)]
pub struct FileNode {
    pub name: String,
    /// `"file"` or `"directory"`.
    #[serde(rename = "type")]
    pub kind: String,
}

/// `GET /file/content`: text, or binary as base64.
#[derive(Clone, Debug, Deserialize)]
pub struct FileContent {
    /// `"text"` or `"binary"`.
    #[serde(rename = "type")]
    pub kind: String,
    pub content: String,
}

/// One changed file of `GET /vcs/status`.
#[derive(Clone, Debug, Deserialize)]
pub struct VcsFile {
    /// Relative to the directory.
    pub file: String,
    /// `"added"`, `"modified"` or `"deleted"`.
    pub status: String,
}

impl OpencodeClient {
    /// Folder `path` (relative to `dir`; `""` its root).
    pub async fn list_folder(
        &self,
        dir: &Path,
        path: &str,
    ) -> Result<Vec<FileNode>, OpencodeClientError> {
        let path = if path.is_empty() { "." } else { path };
        let request = self
            .request(Method::GET, dir, "/file")
            .query(&[("path", path)]);
        json(send(request).await?).await
    }

    /// File `path`'s content (relative to `dir`).
    pub async fn file_content(
        &self,
        dir: &Path,
        path: &str,
    ) -> Result<FileContent, OpencodeClientError> {
        let request = self
            .request(Method::GET, dir, "/file/content")
            .query(&[("path", path)]);
        json(send(request).await?).await
    }

    /// The files git sees changed in `dir`.
    pub async fn vcs_status(&self, dir: &Path) -> Result<Vec<VcsFile>, OpencodeClientError> {
        json(send(self.request(Method::GET, dir, "/vcs/status")).await?).await
    }
}
