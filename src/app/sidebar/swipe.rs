//! Swipes that open and close the sidebar drawer on touch screens: a swipe
//! right that starts at the left edge opens it, a swipe left closes it.

use leptos::prelude::*;

use crate::app::web::page::{Swipe, on_swipe};

/// How far from the left edge (px) a swipe must start to open the drawer.
const EDGE: f64 = 32.0;
/// How far (px) a finger must travel sideways to count as a swipe.
const DISTANCE: f64 = 50.0;

/// What a horizontal swipe from `start_x` by `dx`, `dy` does to a drawer
/// that is `open`: `Some(new state)` or nothing.
pub fn swipe_result(open: bool, start_x: f64, dx: f64, dy: f64) -> Option<bool> {
    if dx.abs() < DISTANCE || dy.abs() > dx.abs() {
        return None;
    }
    match (open, dx > 0.0) {
        (false, true) if start_x <= EDGE => Some(true),
        (true, false) => Some(false),
        _ => None,
    }
}

pub fn use_edge_swipe(open: RwSignal<bool>) {
    on_swipe(move |Swipe { start_x, dx, dy }| {
        if let Some(state) = swipe_result(open.get_untracked(), start_x, dx, dy) {
            open.set(state);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edge_swipes_open_and_swipes_back_close() {
        assert_eq!(swipe_result(false, 10.0, 120.0, 10.0), Some(true));
        assert_eq!(
            swipe_result(false, 200.0, 120.0, 10.0),
            None,
            "not from the edge"
        );
        assert_eq!(swipe_result(false, 10.0, 20.0, 0.0), None, "too short");
        assert_eq!(swipe_result(false, 10.0, 80.0, 200.0), None, "a scroll");
        assert_eq!(swipe_result(true, 250.0, -120.0, 5.0), Some(false));
        assert_eq!(swipe_result(true, 10.0, 120.0, 5.0), None);
    }
}
