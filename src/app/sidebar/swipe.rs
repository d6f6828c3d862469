//! Swipes that open and close the sidebar drawer on touch screens: a swipe
//! right that starts at the left edge opens it, a swipe left closes it.

use leptos::prelude::*;

/// How far from the left edge (px) a swipe must start to open the drawer.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const EDGE: f64 = 32.0;
/// How far (px) a finger must travel sideways to count as a swipe.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const DISTANCE: f64 = 50.0;

/// What a horizontal swipe from `start_x` by `dx`, `dy` does to a drawer
/// that is `open`: `Some(new state)` or nothing.
#[cfg_attr(not(any(feature = "hydrate", test)), allow(dead_code))]
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
    #[cfg(feature = "hydrate")]
    {
        use leptos::ev;
        let start = StoredValue::new(None::<(f64, f64)>);
        let down = window_event_listener(ev::touchstart, move |event| {
            let touches = event.touches();
            let first = (touches.length() == 1).then(|| touches.get(0)).flatten();
            start.set_value(first.map(|t| (f64::from(t.client_x()), f64::from(t.client_y()))));
        });
        let up = window_event_listener(ev::touchend, move |event| {
            let Some((x, y)) = start.get_value() else {
                return;
            };
            start.set_value(None);
            let Some(touch) = event.changed_touches().get(0) else {
                return;
            };
            let dx = f64::from(touch.client_x()) - x;
            let dy = f64::from(touch.client_y()) - y;
            if let Some(state) = swipe_result(open.get_untracked(), x, dx, dy) {
                open.set(state);
            }
        });
        on_cleanup(move || {
            down.remove();
            up.remove();
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = open;
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
