//! A later part's resources start from the server's values.
//!
//! The server renders a later part in full, so its resources load there
//! and their values are serialized into the page like any other's. The
//! hydrating phone skips the part (see the module above), and a resource
//! made when the part is built afterwards would load again: the server's
//! HTML would give way to the resource's fallback until the answer came
//! (a badge gone for a moment), and the phone would ask for what it has.
//!
//! So the server notes the ids its [`json_resource`]s took inside a part
//! ([`record`], the wrapper's `data-later-seeds`), and the phone, building
//! the part, gives each of the part's resources, in the order they are
//! made, the value serialized under the next of those ids ([`take`]): the
//! resource's first load answers with it at once.
//!
//! A part whose values may be out of date by then (its chat's events came
//! in meanwhile, see `LaterPart`'s `outdated`) gets no seeds: its
//! resources load again.
//!
//! [`json_resource`]: crate::app::resource::json_resource

/// The wrapper's attribute with the ids, space-separated.
#[cfg(feature = "hydrate")]
pub const ATTRIBUTE: &str = "data-later-seeds";

#[cfg(not(feature = "hydrate"))]
pub use server::{note_resource, record};

#[cfg(feature = "hydrate")]
pub use phone::{Seeds, take};

#[cfg(not(feature = "hydrate"))]
mod server {
    use std::cell::RefCell;

    use leptos::prelude::Owner;

    thread_local! {
        /// The ids of the resources made in the part being rendered.
        static RECORDING: RefCell<Option<Vec<u64>>> = const { RefCell::new(None) };
    }

    /// Runs `render` (a later part's synchronous render) and returns the
    /// ids of serialized data its resources took, in the order they were
    /// made, as the wrapper's attribute holds them.
    pub fn record<T>(render: impl FnOnce() -> T) -> (T, String) {
        let outer = RECORDING.with(|r| r.borrow_mut().replace(Vec::new()));
        let rendered = render();
        let ids = RECORDING.with(|r| std::mem::replace(&mut *r.borrow_mut(), outer));
        let ids = ids
            .unwrap_or_default()
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(" ");
        (rendered, ids)
    }

    /// Called by a resource about to be made: inside a part being
    /// recorded, takes an id itself so that it knows the one the resource
    /// takes next (a part's ids are counted whole, this one with them).
    pub fn note_resource() {
        let recording = RECORDING.with(|r| r.borrow().is_some());
        if !recording {
            return;
        }
        let Some(context) = Owner::current_shared_context() else {
            return;
        };
        let id = context.next_id().into_inner() as u64 + 1;
        RECORDING.with(|r| {
            if let Some(ids) = r.borrow_mut().as_mut() {
                ids.push(id);
            }
        });
    }
}

#[cfg(feature = "hydrate")]
mod phone {
    use std::collections::VecDeque;
    use std::sync::{Arc, Mutex};

    use leptos::prelude::use_context;
    use serde::de::DeserializeOwned;

    /// The ids of the server's values for the part being built, provided
    /// under its owner; each resource made there takes the next.
    #[derive(Clone, Default)]
    pub struct Seeds(Arc<Mutex<VecDeque<u64>>>);

    impl Seeds {
        /// The ids the wrapper's attribute lists (none if it is unreadable).
        pub fn parse(attribute: &str) -> Self {
            let ids = attribute
                .split_ascii_whitespace()
                .map(str::parse::<u64>)
                .collect::<Result<VecDeque<_>, _>>()
                .unwrap_or_default();
            Self(Arc::new(Mutex::new(ids)))
        }

        /// No seeds: the part's resources load again.
        pub fn none() -> Self {
            Self::default()
        }

        /// Drops the seeds left: what the part makes once built loads.
        pub fn clear(&self) {
            if let Ok(mut ids) = self.0.lock() {
                ids.clear();
            }
        }

        fn next(&self) -> Option<u64> {
            self.0.lock().ok()?.pop_front()
        }
    }

    /// The server's value for the resource about to be made, inside a
    /// later part being built: `None` elsewhere, when the part's seeds
    /// are used up, or when the value is gone or is not a `T`.
    pub fn take<T: DeserializeOwned>() -> Option<T> {
        let id = use_context::<Seeds>()?.next()?;
        let text = serialized(id)?;
        match crate::model::json::from_text(&text) {
            Ok(value) => Some(value),
            Err(error) => {
                leptos::logging::warn!("a later part's value {id} does not read: {error}");
                None
            }
        }
    }

    /// What the server serialized under `id` (Leptos' `__RESOLVED_RESOURCES`,
    /// which the page keeps after hydrating).
    fn serialized(id: u64) -> Option<String> {
        let resolved =
            js_sys::Reflect::get(&js_sys::global(), &"__RESOLVED_RESOURCES".into()).ok()?;
        js_sys::Reflect::get_u32(&resolved, u32::try_from(id).ok()?)
            .ok()?
            .as_string()
    }
}

#[cfg(all(test, not(feature = "hydrate")))]
mod tests {
    use std::sync::Arc;

    use hydration_context::{SharedContext, SsrSharedContext};
    use leptos::prelude::Owner;

    use super::*;

    #[test]
    fn a_part_notes_the_ids_its_resources_take_and_nothing_else() {
        let context: Arc<dyn SharedContext + Send + Sync> = Arc::new(SsrSharedContext::new());
        Owner::new_root(Some(context.clone())).with(|| {
            let next = || context.next_id().into_inner();
            assert_eq!(next(), 0);
            // Outside a part: nothing is taken or noted.
            note_resource();
            assert_eq!(next(), 1);
            let (taken, ids) = record(|| {
                note_resource();
                let first = next(); // what the resource takes
                let _suspense = next();
                note_resource();
                (first, next())
            });
            assert_eq!(taken, (3, 6));
            assert_eq!(ids, "3 6");
            // A part with no resource.
            let ((), none) = record(|| {
                let _ = next();
            });
            assert_eq!(none, "");
        });
    }

    #[test]
    fn with_no_page_being_rendered_nothing_is_noted() {
        let ((), ids) = record(note_resource);
        assert_eq!(ids, "");
    }
}
