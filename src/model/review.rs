//! A chat's review: its diff against its base as the Review sheet shows it
//! (files, hunks, numbered lines), and the review's comments on the new
//! side's lines, kept by the server per chat. Drafts are sent to the agent
//! together as one message ([`review_message`]) and then kept as sent.

use serde::{Deserialize, Serialize};

/// The longest comment, in bytes.
pub const MAX_COMMENT_BYTES: usize = 4000;
/// The most comments one chat's review holds (sent ones included).
pub const MAX_COMMENTS: usize = 100;
/// The most lines one comment may cover.
pub const MAX_RANGE_LINES: u32 = 200;
/// The kind of the live event (of the chat's session) that tells every tab
/// the chat's review changed.
pub const REVIEW_UPDATED: &str = "review.updated";

/// The chat's changes against its base, line by line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReviewDiff {
    pub files: Vec<ReviewFile>,
    /// Lines were left out past the limit (the rest of the files are listed
    /// without hunks).
    pub truncated: bool,
}

/// One changed file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReviewFile {
    /// Relative to the worktree.
    pub path: String,
    /// `added`, `deleted`, `modified`, `renamed`, …
    pub status: String,
    /// A binary file has no lines to comment on.
    pub binary: bool,
    pub hunks: Vec<ReviewHunk>,
}

/// A stretch of changed lines with their context.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReviewHunk {
    /// `@@ -1,3 +1,4 @@`.
    pub header: String,
    pub lines: Vec<DiffLine>,
}

/// One line of a hunk, with its numbers in the old and the new file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DiffLine {
    pub kind: LineKind,
    pub old: Option<u32>,
    /// Only lines with a new number take comments.
    pub new: Option<u32>,
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    Context,
    Added,
    Removed,
}

impl ReviewDiff {
    /// File `path` of the diff.
    pub fn file(&self, path: &str) -> Option<&ReviewFile> {
        self.files.iter().find(|f| f.path == path)
    }
}

impl ReviewFile {
    /// The new file's text of line `number`, when the diff shows it.
    pub fn new_line(&self, number: u32) -> Option<&str> {
        self.hunks
            .iter()
            .flat_map(|h| &h.lines)
            .find(|l| l.new == Some(number))
            .map(|l| l.text.as_str())
    }
}

/// A comment on lines `start..=end` of `path` (the new side).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReviewComment {
    /// Unique in this pocketcode.
    pub id: u64,
    pub path: String,
    pub start: u32,
    pub end: u32,
    /// The lines commented on, as they were when the comment was made.
    pub quote: Vec<String>,
    pub text: String,
    /// Sent to the agent (it is not sent again).
    pub sent: bool,
}

impl ReviewComment {
    /// `` `src/x.rs:12` `` or `` `src/x.rs:12-14` ``, without the backticks.
    pub fn anchor(&self) -> String {
        if self.start == self.end {
            format!("{}:{}", self.path, self.start)
        } else {
            format!("{}:{}-{}", self.path, self.start, self.end)
        }
    }
}

/// A chat's review: its comments by file, then line, then age.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Review {
    pub comments: Vec<ReviewComment>,
}

impl Review {
    /// The comments not sent yet.
    pub fn drafts(&self) -> impl Iterator<Item = &ReviewComment> {
        self.comments.iter().filter(|c| !c.sent)
    }

    /// Puts the comments in the order they are shown and sent.
    pub fn sort(&mut self) {
        self.comments
            .sort_by(|a, b| (&a.path, a.start, a.end, a.id).cmp(&(&b.path, b.start, b.end, b.id)));
    }
}

/// The one message a review sends: each comment's anchor, the lines it is
/// on quoted, and the comment.
pub fn review_message<'a>(comments: impl IntoIterator<Item = &'a ReviewComment>) -> String {
    let comments: Vec<&ReviewComment> = comments.into_iter().collect();
    let mut message = format!(
        "Review of your changes ({} comment{}). Please address each:\n",
        comments.len(),
        if comments.len() == 1 { "" } else { "s" }
    );
    for comment in comments {
        message.push_str(&format!("\n`{}`\n", comment.anchor()));
        for line in &comment.quote {
            message.push_str(&format!("> {line}\n"));
        }
        message.push_str(comment.text.trim());
        message.push('\n');
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comment(path: &str, start: u32, end: u32, quote: &[&str], text: &str) -> ReviewComment {
        ReviewComment {
            path: path.into(),
            start,
            end,
            quote: quote.iter().map(|q| (*q).to_owned()).collect(),
            text: text.into(),
            ..ReviewComment::default()
        }
    }

    #[test]
    fn a_review_is_one_message_with_anchors_quotes_and_comments() {
        let one = comment("src/x.rs", 12, 14, &["a", "  b", ""], "Why three?\n");
        let two = comment("b.md", 1, 1, &["- ship"], "ok");
        assert_eq!(
            review_message([&one, &two]),
            "Review of your changes (2 comments). Please address each:\n\
             \n`src/x.rs:12-14`\n> a\n>   b\n> \nWhy three?\n\
             \n`b.md:1`\n> - ship\nok\n"
        );
        assert!(review_message([&two]).starts_with("Review of your changes (1 comment)."));
    }

    #[test]
    fn comments_sort_by_file_then_line() {
        let mut review = Review {
            comments: vec![
                ReviewComment {
                    id: 1,
                    ..comment("b", 3, 3, &[], "")
                },
                ReviewComment {
                    id: 2,
                    ..comment("a", 9, 9, &[], "")
                },
                ReviewComment {
                    id: 3,
                    ..comment("b", 1, 2, &[], "")
                },
            ],
        };
        review.sort();
        let ids: Vec<u64> = review.comments.iter().map(|c| c.id).collect();
        assert_eq!(ids, [2, 3, 1]);
    }
}
