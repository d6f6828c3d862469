//! Names a request may give: a path inside a chat's worktree and a file
//! name to upload, validated; and the worktree itself, which resolves a
//! path to the real file only while every symbolic link on the way stays
//! inside it. The agent is not trusted: it can plant links to `/etc` or to
//! pocketcode's data directory in its worktree.

use std::fs::File;
use std::path::{Path, PathBuf};

use super::FilesError;

/// The longest path a request may name, in bytes.
const MAX_PATH_BYTES: usize = 4096;
/// The longest file name (Linux's own limit), in bytes.
const MAX_NAME_BYTES: usize = 255;

/// A path relative to a chat's worktree, `/`-separated, with no `.`, `..`
/// or empty parts and no NUL; `""` is the worktree itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorktreePath(String);

impl WorktreePath {
    pub fn parse(raw: &str) -> Result<Self, FilesError> {
        if raw.len() > MAX_PATH_BYTES {
            return Err(FilesError::Invalid(format!(
                "the path is longer than {MAX_PATH_BYTES} bytes"
            )));
        }
        if raw.starts_with('/') {
            return Err(FilesError::Invalid(format!(
                "{raw:?} is absolute: paths are relative to the chat's worktree"
            )));
        }
        if !raw.is_empty() {
            for part in raw.split('/') {
                check_part(part).map_err(|why| FilesError::Invalid(format!("{raw:?}: {why}")))?;
            }
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `name` inside this folder.
    pub fn join(&self, name: &FileName) -> Self {
        if self.0.is_empty() {
            Self(name.0.clone())
        } else {
            Self(format!("{}/{}", self.0, name.0))
        }
    }

    /// The last part (the worktree's own `fallback` for the root).
    pub fn file_name<'a>(&'a self, fallback: &'a str) -> &'a str {
        self.0
            .rsplit('/')
            .next()
            .filter(|s| !s.is_empty())
            .unwrap_or(fallback)
    }

    /// How messages name it.
    pub fn shown(&self) -> String {
        if self.0.is_empty() {
            "the worktree's root".to_owned()
        } else {
            self.0.clone()
        }
    }
}

/// A name for a new file: one path part, not `.` or `..`, no `/`, `\`,
/// NUL or control characters, at most 255 bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileName(String);

impl FileName {
    pub fn parse(raw: &str) -> Result<Self, FilesError> {
        check_part(raw)
            .map(|()| Self(raw.to_owned()))
            .map_err(|why| FilesError::Invalid(format!("file name {raw:?}: {why}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn check_part(part: &str) -> Result<(), &'static str> {
    match part {
        "" => Err("an empty name"),
        "." | ".." => Err("`.` and `..` are not allowed"),
        _ if part.len() > MAX_NAME_BYTES => Err("a name longer than 255 bytes"),
        _ if part.contains('\0') => Err("NUL is not allowed"),
        _ if part.contains('/') || part.contains('\\') => Err("a name may not contain / or \\"),
        _ if part.chars().any(char::is_control) => Err("control characters are not allowed"),
        _ => Ok(()),
    }
}

/// A chat's worktree, by its real (canonical) directory.
#[derive(Clone, Debug)]
pub struct Worktree {
    root: PathBuf,
}

impl Worktree {
    pub fn open(dir: &Path) -> Result<Self, FilesError> {
        Ok(Self {
            root: dir.canonicalize()?,
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The real path `path` names: 404 when nothing is there, 403 when a
    /// symbolic link on the way leads out of the worktree.
    pub fn resolve(&self, path: &WorktreePath) -> Result<PathBuf, FilesError> {
        let real = match self.root.join(path.as_str()).canonicalize() {
            Ok(real) => real,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(FilesError::NotFound(format!(
                    "{} is not in the chat's worktree",
                    path.shown()
                )));
            }
            Err(e) => return Err(e.into()),
        };
        if real.starts_with(&self.root) {
            Ok(real)
        } else {
            Err(FilesError::Outside(path.shown()))
        }
    }

    /// Checks an opened file where it really is (its descriptor, as the
    /// kernel reports it): a link the agent swapped in between
    /// [`Self::resolve`] and the open is caught here.
    pub fn check_opened(&self, file: &File, path: &WorktreePath) -> Result<(), FilesError> {
        use std::os::fd::AsRawFd;
        let real = std::fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd()))?;
        if real.starts_with(&self.root) {
            Ok(())
        } else {
            Err(FilesError::Outside(path.shown()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_paths_and_names_are_refused() {
        for bad in [
            "/etc", "../x", "a/../b", "a//b", "a/./b", "a/", "a\0b", "a\\b", "x\ny",
        ] {
            assert!(WorktreePath::parse(bad).is_err(), "{bad:?}");
        }
        for good in ["", "src", "src/lib.rs", ".hidden/a b"] {
            assert_eq!(WorktreePath::parse(good).expect(good).as_str(), good);
        }
        for bad in ["", ".", "..", "a/b", "a\0", &"x".repeat(256)] {
            assert!(FileName::parse(bad).is_err(), "{bad:?}");
        }
        let dir = WorktreePath::parse("src").expect("dir");
        let name = FileName::parse("new.txt").expect("name");
        assert_eq!(dir.join(&name).as_str(), "src/new.txt");
        assert_eq!(dir.join(&name).file_name("root"), "new.txt");
    }
}
