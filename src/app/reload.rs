//! Reloads in which the latest wins: the chat list, a chat's transcript
//! and its pending asks reload whenever an event says so, and a slow answer
//! must never overwrite a newer one. A Leptos [`Action`] keeps every answer, so each
//! new run aborts the one under way through its abort handle.

use leptos::prelude::*;

pub struct Reload<I: 'static, O: 'static> {
    pub action: Action<I, O>,
    under_way: StoredValue<Option<ActionAbortHandle>>,
}

// By hand: derived ones would ask `I` and `O` to be `Copy` too.
impl<I, O> Clone for Reload<I, O> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<I, O> Copy for Reload<I, O> {}

impl<I, O> Reload<I, O>
where
    I: Send + Sync + 'static,
    O: Send + Sync + 'static,
{
    pub fn new(action: Action<I, O>) -> Self {
        Self {
            action,
            under_way: StoredValue::new(None),
        }
    }

    /// Runs the action with `input`, dropping the run it replaces.
    pub fn run(self, input: I) {
        if let Some(older) = self.under_way.try_update_value(Option::take).flatten() {
            older.abort();
        }
        let handle = self.action.dispatch(input);
        self.under_way.try_set_value(Some(handle));
    }
}
