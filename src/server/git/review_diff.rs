//! A chat's changes against its base line by line, for a review (blocking):
//! the same diff as the Changes sheet's (committed, staged, unstaged and
//! untracked alike), each line with its old and new number.

use git2::{Diff, Patch};

use super::GitError;
use super::chat_id::WorktreeName;
use super::diff::{diff, open, status_name};
use super::layout::Layout;
use crate::model::review::{DiffLine, LineKind, ReviewDiff, ReviewFile, ReviewHunk};

/// The most lines a review shows; files past them are listed without
/// hunks.
pub const MAX_REVIEW_LINES: usize = 20_000;

pub fn review_diff(layout: &Layout, name: &WorktreeName) -> Result<Option<ReviewDiff>, GitError> {
    let Some((checkout, base)) = open(layout, name)? else {
        return Ok(None);
    };
    Ok(Some(lines(&diff(&checkout, base)?)?))
}

fn lines(diff: &Diff<'_>) -> Result<ReviewDiff, GitError> {
    let mut review = ReviewDiff::default();
    let mut shown = 0;
    for index in 0..diff.deltas().len() {
        let Some(delta) = diff.get_delta(index) else {
            continue;
        };
        let path = delta
            .new_file()
            .path()
            .or_else(|| delta.old_file().path())
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut file = ReviewFile {
            path,
            status: status_name(delta.status()).to_owned(),
            binary: delta.flags().is_binary(),
            hunks: Vec::new(),
        };
        if let Some(patch) = Patch::from_diff(diff, index)? {
            file.binary |= patch.delta().flags().is_binary();
            let count = line_count(&patch);
            if shown + count > MAX_REVIEW_LINES {
                review.truncated = true;
            } else {
                file.hunks = hunks(&patch)?;
                shown += count;
            }
        }
        review.files.push(file);
    }
    Ok(review)
}

fn hunks(patch: &Patch<'_>) -> Result<Vec<ReviewHunk>, GitError> {
    let mut hunks = Vec::new();
    for h in 0..patch.num_hunks() {
        let (hunk, count) = patch.hunk(h)?;
        let header = String::from_utf8_lossy(hunk.header()).trim_end().to_owned();
        let mut lines = Vec::with_capacity(count);
        for l in 0..count {
            let line = patch.line_in_hunk(h, l)?;
            let kind = match line.origin() {
                '+' => LineKind::Added,
                '-' => LineKind::Removed,
                ' ' => LineKind::Context,
                // "\ No newline at end of file" and the like.
                _ => continue,
            };
            let text = String::from_utf8_lossy(line.content());
            lines.push(DiffLine {
                kind,
                old: line.old_lineno(),
                new: line.new_lineno(),
                text: text.trim_end_matches(['\n', '\r']).to_owned(),
            });
        }
        hunks.push(ReviewHunk { header, lines });
    }
    Ok(hunks)
}

/// The lines of every hunk of `patch`.
fn line_count(patch: &Patch<'_>) -> usize {
    (0..patch.num_hunks())
        .map(|h| patch.num_lines_in_hunk(h).unwrap_or(0))
        .sum()
}
