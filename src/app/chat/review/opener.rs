//! "Review this change" on a tool part's diff: the transcript asks the
//! chat's menu to open the Review sheet at the file the tool wrote. Given
//! to local chats only, as Review reads a local worktree's diff; without it
//! a tool part shows no such button.

use leptos::prelude::*;

/// The request to open Review at a file, shared by the transcript (which
/// asks) and the chat's menu (which opens the sheet).
#[derive(Clone, Copy)]
pub struct ReviewOpener(RwSignal<Option<String>>);

impl ReviewOpener {
    /// Makes Review reachable from tool parts below this point.
    pub fn provide() {
        provide_context(Self(RwSignal::new(None)));
    }

    /// Asks for the Review sheet at `path` (as the tool named it).
    pub fn open_at(self, path: &str) {
        self.0.set(Some(path.to_owned()));
    }

    /// The file last asked for, once: tracked, and cleared when read.
    pub fn take(self) -> Option<String> {
        let asked = self.0.get()?;
        self.0.set(None);
        Some(asked)
    }
}

/// Which of the diff's `files` (relative to the worktree) a tool's `path`
/// names: the agent's tools give absolute paths inside the worktree, or
/// relative ones. The longest match wins (`a/b.rs` over `b.rs`).
pub fn matching_file<'a>(path: &str, files: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let path = path.trim_start_matches("./");
    files
        .into_iter()
        .filter(|file| {
            path == *file
                || path
                    .strip_suffix(file)
                    .is_some_and(|head| head.ends_with('/'))
        })
        .max_by_key(|file| file.len())
}

#[cfg(test)]
mod tests {
    use super::matching_file;

    #[test]
    fn an_absolute_tool_path_names_the_worktree_relative_file() {
        let files = ["src/main.rs", "main.rs", "notes/plan.rs"];
        assert_eq!(
            matching_file("/data/worktrees/r--c/src/main.rs", files),
            Some("src/main.rs")
        );
        assert_eq!(matching_file("/w/main.rs", files), Some("main.rs"));
        assert_eq!(
            matching_file("./notes/plan.rs", files),
            Some("notes/plan.rs")
        );
        assert_eq!(matching_file("notes/plan.rs", files), Some("notes/plan.rs"));
    }

    #[test]
    fn a_path_that_only_ends_like_a_file_is_not_it() {
        let files = ["plan.rs", "in.rs"];
        assert_eq!(matching_file("/w/notes/myplan.rs", files), None);
        assert_eq!(matching_file("/w/main.rs", files), None);
        assert_eq!(matching_file("/w/other.txt", files), None);
    }
}
