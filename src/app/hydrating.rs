//! Whether the page is being hydrated right now. `crate::hydrate` hydrates
//! the whole page in one synchronous pass inside [`during`], so a component
//! can tell whether the server already rendered it (its HTML is in the
//! page, and its code need not render it again) or it is being built on
//! the phone (later: a live update, a page moved to in the same document).

use std::cell::Cell;

thread_local! {
    static HYDRATING: Cell<bool> = const { Cell::new(false) };
}

/// Runs `hydrate` (the page's one hydration pass) with [`now`] true.
pub fn during<R>(hydrate: impl FnOnce() -> R) -> R {
    HYDRATING.set(true);
    let out = hydrate();
    HYDRATING.set(false);
    out
}

/// `true` while the server-rendered page is being hydrated.
pub fn now() -> bool {
    HYDRATING.get()
}
