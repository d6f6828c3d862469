//! What the Review sheet reads from the server (its comments, its diff),
//! each kept in a signal that a new answer updates in place.
//!
//! Not a `Resource`: the sheet is drawn inside its lazy chunk's
//! `<Suspense>`, and a resource read there makes that Suspense show its
//! fallback while a read is out, which takes the whole sheet out of the
//! page and puts it back scrolled to the top. Here nothing suspends: the
//! last answer stays shown until the next is in, and the parts that show
//! it are keyed, so an answer redraws only what changed.

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::AppError;

/// One thing the sheet reads: `None` until the first answer.
pub struct Read<T: Send + Sync + 'static> {
    value: RwSignal<Option<Result<T, AppError>>>,
    /// How many reads were asked: only the newest one's answer is kept
    /// (answers can come back out of order).
    asked: StoredValue<u64>,
}

impl<T: Send + Sync + 'static> Clone for Read<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Read<T> {}

impl<T: Clone + PartialEq + Send + Sync + 'static> Read<T> {
    pub fn new() -> Self {
        Self {
            value: RwSignal::new(None),
            asked: StoredValue::new(0),
        }
    }

    /// Asks again; the answer replaces the value if no newer ask was made
    /// meanwhile, and only if it differs (nothing redraws otherwise). A
    /// failed read leaves a good answer shown (the next event reads again).
    pub fn ask(self, read: impl Future<Output = Result<T, AppError>> + 'static) {
        let Some(this) = self.asked.try_update_value(|asked| {
            *asked += 1;
            *asked
        }) else {
            return;
        };
        spawn_local(async move {
            let answer = read.await;
            if self.asked.try_get_value() == Some(this) {
                self.value.maybe_update(|value| {
                    let kept = answer.is_err() && matches!(value, Some(Ok(_)));
                    let changed = !kept && value.as_ref() != Some(&answer);
                    if changed {
                        *value = Some(answer);
                    }
                    changed
                });
            }
        });
    }

    /// The last answer, tracked.
    pub fn with<R>(self, f: impl FnOnce(Option<&Result<T, AppError>>) -> R) -> R {
        self.value.with(|value| f(value.as_ref()))
    }

    /// The last good answer, tracked (`default` before any).
    pub fn with_ok<R>(self, default: R, f: impl FnOnce(&T) -> R) -> R {
        self.value.with(|value| match value {
            Some(Ok(value)) => f(value),
            _ => default,
        })
    }
}
