//! Files mentioned with `@`: relative paths inside the chat's directory,
//! checked before opencode is told to read them (it would read any path it
//! is given, `/etc/passwd` or `../other-chat` included).

use std::path::{Component, Path, PathBuf};

use super::MentionError;
use crate::model::mentions::{MAX_FILES, MAX_PATH_BYTES};
use crate::server::chats::{ChatRef, ChatTarget};
use crate::server::opencode_client::PromptFile;

/// `paths` as file parts of the chat. A local chat's must be files inside
/// its worktree (symlinks followed); a remote chat's are only checked for
/// shape (its files are on the remote).
pub async fn check_files(
    target: &ChatTarget,
    paths: &[String],
) -> Result<Vec<PromptFile>, MentionError> {
    if paths.len() > MAX_FILES {
        return Err(MentionError::BadFile(format!(
            "too many files mentioned ({}; at most {MAX_FILES})",
            paths.len()
        )));
    }
    let local = matches!(target.chat, ChatRef::Local(_));
    let mut files = Vec::with_capacity(paths.len());
    for path in paths {
        let relative = relative_path(path)?;
        let absolute = target.dir.join(relative);
        if local {
            inside(&target.dir, &absolute, path).await?;
        }
        files.push(PromptFile {
            path: path.clone(),
            absolute: absolute.display().to_string(),
        });
    }
    Ok(files)
}

/// A plain relative path: no `..`, no root, no NUL, not huge.
fn relative_path(path: &str) -> Result<&Path, MentionError> {
    let bad = |why: &str| MentionError::BadFile(format!("cannot mention {path:?}: {why}"));
    if path.is_empty() {
        return Err(bad("the path is empty"));
    }
    if path.len() > MAX_PATH_BYTES {
        return Err(bad("the path is too long"));
    }
    if path.chars().any(char::is_control) {
        return Err(bad("the path holds control characters"));
    }
    let relative = Path::new(path);
    let plain = relative
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if plain {
        Ok(relative)
    } else {
        Err(bad(
            "only paths inside the chat's worktree can be mentioned",
        ))
    }
}

/// `absolute` is a file whose real path is inside `dir`'s.
async fn inside(dir: &Path, absolute: &Path, shown: &str) -> Result<(), MentionError> {
    let (dir, absolute) = (dir.to_owned(), absolute.to_owned());
    let real = tokio::task::spawn_blocking(move || -> std::io::Result<(PathBuf, PathBuf, bool)> {
        let real = absolute.canonicalize()?;
        let is_file = real.is_file();
        Ok((dir.canonicalize()?, real, is_file))
    })
    .await
    .map_err(|e| MentionError::BadFile(format!("checking {shown:?} failed: {e}")))?;
    match real {
        Ok((dir, real, true)) if real.starts_with(&dir) => Ok(()),
        Ok((_, _, false)) => Err(MentionError::BadFile(format!(
            "{shown:?} is not a file of this chat"
        ))),
        Ok(_) => Err(MentionError::BadFile(format!(
            "{shown:?} leads outside the chat's worktree"
        ))),
        Err(_) => Err(MentionError::BadFile(format!(
            "there is no file {shown:?} in this chat"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_pass() {
        assert!(relative_path("src/lib.rs").is_ok());
        assert!(relative_path("./a").is_ok());
        for path in ["", "/etc/passwd", "../x", "a/../../b", "a\0b", "a\nb"] {
            let err = relative_path(path).expect_err(path);
            assert_eq!(err.status(), 400, "{path:?}");
        }
        assert!(relative_path(&"a".repeat(MAX_PATH_BYTES + 1)).is_err());
    }
}
