//! Review: the chat's diff against its base, commented line by line. The
//! comments are a draft kept by the server per chat (see [`store`]); "Send
//! review" sends the drafts to the agent as one prompt with `path:line`
//! anchors and the lines quoted, then keeps them as sent. Local chats only.
//! Every change is announced to the tabs as a `review.updated` event of the
//! chat's session, so an open Review sheet elsewhere shows it.
//!
//! The server functions and `/admin/*` both call these.

mod error;
mod store;

pub use error::ReviewError;
pub use store::Reviews;

use crate::model::review::{
    MAX_COMMENT_BYTES, MAX_COMMENTS, MAX_RANGE_LINES, REVIEW_UPDATED, Review, ReviewComment,
    ReviewDiff, review_message,
};
use crate::server::chats::{self, ChatError, ChatRef, PromptRequest, existing_worktree};
use crate::server::files::WorktreePath;
use crate::server::git::WorktreeName;
use crate::server::state::AppState;

/// A comment to add: on lines `start..=end` (`end` absent: one line) of
/// `path`'s new side.
pub struct NewComment<'a> {
    pub path: &'a str,
    pub start: u32,
    pub end: Option<u32>,
    pub text: &'a str,
}

/// The chat's diff, line by line.
pub async fn diff(state: &AppState, name: &WorktreeName) -> Result<ReviewDiff, ReviewError> {
    state
        .git
        .review_diff(name)
        .await?
        .ok_or_else(|| no_chat(name))
}

/// The chat's review, drafts and sent comments.
pub fn review(state: &AppState, name: &WorktreeName) -> Result<Review, ReviewError> {
    existing_worktree(state.git.layout(), name)?;
    state.reviews.get(name)
}

/// Adds a draft comment, once its lines are found in the diff.
pub async fn add(
    state: &AppState,
    name: &WorktreeName,
    new: NewComment<'_>,
) -> Result<Review, ReviewError> {
    let text = comment_text(new.text)?;
    let path = WorktreePath::parse(new.path).map_err(|e| ReviewError::Invalid(e.to_string()))?;
    if path.as_str().is_empty() {
        return Err(ReviewError::Invalid("the comment names no file".into()));
    }
    let end = new.end.unwrap_or(new.start);
    if new.start == 0 || end < new.start {
        return Err(ReviewError::Invalid(format!(
            "lines {}-{end}: lines count from 1, and the range's end is not before its start",
            new.start
        )));
    }
    if end - new.start >= MAX_RANGE_LINES {
        return Err(ReviewError::Invalid(format!(
            "a comment covers at most {MAX_RANGE_LINES} lines"
        )));
    }
    let diff = diff(state, name).await?;
    let file = diff
        .file(path.as_str())
        .ok_or_else(|| ReviewError::NotInDiff(path.as_str().to_owned()))?;
    let quote = (new.start..=end)
        .map(|number| {
            file.new_line(number).map(str::to_owned).ok_or_else(|| {
                ReviewError::NotInDiff(format!("line {number} of {}", path.as_str()))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let comment = ReviewComment {
        id: state.reviews.next_id(),
        path: path.as_str().to_owned(),
        start: new.start,
        end,
        quote,
        text: text.to_owned(),
        sent: false,
    };
    let review = state.reviews.change(name, |review| {
        if review.comments.len() >= MAX_COMMENTS {
            return Err(ReviewError::Full);
        }
        review.comments.push(comment);
        Ok(())
    })?;
    announce(state, name);
    Ok(review)
}

/// Replaces the text of draft comment `id`.
pub fn edit(
    state: &AppState,
    name: &WorktreeName,
    id: u64,
    text: &str,
) -> Result<Review, ReviewError> {
    let text = comment_text(text)?;
    existing_worktree(state.git.layout(), name)?;
    let review = state.reviews.change(name, |review| {
        let comment = review
            .comments
            .iter_mut()
            .find(|c| c.id == id)
            .ok_or(ReviewError::NoComment(id))?;
        if comment.sent {
            return Err(ReviewError::Sent(id));
        }
        text.clone_into(&mut comment.text);
        Ok(())
    })?;
    announce(state, name);
    Ok(review)
}

/// Deletes comment `id` (a draft, or a sent one no longer wanted).
pub fn delete(state: &AppState, name: &WorktreeName, id: u64) -> Result<Review, ReviewError> {
    existing_worktree(state.git.layout(), name)?;
    let review = state.reviews.change(name, |review| {
        let before = review.comments.len();
        review.comments.retain(|c| c.id != id);
        if review.comments.len() == before {
            return Err(ReviewError::NoComment(id));
        }
        Ok(())
    })?;
    announce(state, name);
    Ok(review)
}

/// Sends the draft comments to the chat's session as one prompt, then
/// marks them sent. Nothing is marked when opencode refuses the prompt.
pub async fn send(state: &AppState, name: &WorktreeName) -> Result<Review, ReviewError> {
    let _one_at_a_time = state.reviews.sending.lock().await;
    let review = review(state, name)?;
    let drafts: Vec<&ReviewComment> = review.drafts().collect();
    if drafts.is_empty() {
        return Err(ReviewError::NothingToSend);
    }
    let message = review_message(drafts.iter().copied());
    let ids: Vec<u64> = drafts.iter().map(|c| c.id).collect();
    let target = ChatRef::Local(name.clone()).resolve(state).await?;
    let session = chats::chat(&state.git, &target.client, name)
        .await?
        .and_then(|chat| chat.session_id)
        .ok_or(ReviewError::NoSession)?;
    let request = PromptRequest {
        text: &message,
        model: None,
        agent: None,
        images: &[],
        files: &[],
    };
    chats::send_prompt(state, &target, &session, request).await?;
    let review = state.reviews.change(name, |review| {
        for comment in &mut review.comments {
            if ids.contains(&comment.id) {
                comment.sent = true;
            }
        }
        Ok(())
    })?;
    publish(state, &target.dir, &session);
    Ok(review)
}

/// Tells every tab that the chat's review changed, once its session is
/// known (asked of opencode in the background: the change is made).
fn announce(state: &AppState, name: &WorktreeName) {
    let (state, name) = (state.clone(), name.clone());
    tokio::spawn(async move {
        let Ok(target) = ChatRef::Local(name.clone()).resolve(&state).await else {
            return;
        };
        if let Ok(Some(session)) = chats::chat(&state.git, &target.client, &name)
            .await
            .map(|chat| chat.and_then(|c| c.session_id))
        {
            publish(&state, &target.dir, &session);
        }
    });
}

fn publish(state: &AppState, dir: &std::path::Path, session: &str) {
    let dir = dir.display().to_string();
    state.events.publish_own(&dir, session, REVIEW_UPDATED);
}

/// The comment's text, trimmed, once it is neither empty nor too long.
fn comment_text(text: &str) -> Result<&str, ReviewError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ReviewError::Empty);
    }
    if text.len() > MAX_COMMENT_BYTES {
        return Err(ReviewError::TooLong(text.len()));
    }
    if text.contains('\0') {
        return Err(ReviewError::Invalid("a comment cannot hold NUL".into()));
    }
    Ok(text)
}

fn no_chat(name: &WorktreeName) -> ReviewError {
    ChatError::NotFound(format!("no chat {} in {}", name.chat, name.repo)).into()
}
