//! Disk usage (blocking): the data directory, each clone and worktree, and
//! the volume they live on.

use std::path::Path;

use super::layout::Layout;
use super::names::RepoName;
use super::{GitError, repo};
use crate::model::disk::{DiskUsage, PathUsage};

pub fn usage(layout: &Layout) -> Result<DiskUsage, GitError> {
    let mut repos = Vec::new();
    for info in repo::list(layout)? {
        if let Ok(name) = RepoName::parse(&info.name) {
            repos.push(PathUsage {
                bytes: size(&layout.repo(&name)),
                name: info.name,
            });
        }
    }
    let worktrees = repo::worktree_names(layout, None)?
        .into_iter()
        .map(|name| PathUsage {
            bytes: size(&layout.worktree(&name)),
            name: format!("{}/{}", name.repo, name.chat),
        })
        .collect();
    let (total, available) = volume(layout.data_dir());
    Ok(DiskUsage {
        data_dir: layout.data_dir().display().to_string(),
        data_bytes: size(layout.data_dir()),
        repos,
        worktrees,
        volume_total_bytes: total,
        volume_available_bytes: available,
    })
}

/// Bytes of the files under `path`, not following symlinks. Entries that
/// vanish or cannot be read while walking count as nothing.
pub fn size(path: &Path) -> u64 {
    let Ok(metadata) = std::fs::symlink_metadata(path) else {
        return 0;
    };
    if !metadata.is_dir() {
        return metadata.len();
    }
    let Ok(entries) = std::fs::read_dir(path) else {
        return 0;
    };
    entries.flatten().map(|entry| size(&entry.path())).sum()
}

/// Total and available bytes of the mounted volume holding `dir` (the one
/// with the longest mount point that contains it).
fn volume(dir: &Path) -> (Option<u64>, Option<u64>) {
    let disks = sysinfo::Disks::new_with_refreshed_list();
    disks
        .list()
        .iter()
        .filter(|disk| dir.starts_with(disk.mount_point()))
        .max_by_key(|disk| disk.mount_point().as_os_str().len())
        .map_or((None, None), |disk| {
            (Some(disk.total_space()), Some(disk.available_space()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_add_up_files_in_nested_directories() {
        let dir = std::env::temp_dir().join(format!("pocketcode-disk-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("a/b")).expect("mkdir");
        std::fs::write(dir.join("one"), [0u8; 100]).expect("write");
        std::fs::write(dir.join("a/b/two"), [0u8; 23]).expect("write");
        assert_eq!(size(&dir), 123);
        assert_eq!(size(&dir.join("missing")), 0);
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }
}
