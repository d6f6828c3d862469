//! Auto-follow: while the transcript is scrolled to the bottom, new content
//! keeps it there; scrolled up, it stays put and a "scroll to bottom"
//! button appears.

use leptos::html::Div;
use leptos::prelude::*;

/// How close to the bottom (px) still counts as "at the bottom".
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const SLACK: i32 = 48;

/// Whether a scroll box is at its bottom.
pub fn at_bottom(scroll_top: i32, client_height: i32, scroll_height: i32) -> bool {
    scroll_height - scroll_top - client_height <= SLACK
}

/// The scroll box's state and what keeps it following.
#[derive(Clone, Copy)]
pub struct Follow {
    pub scroller: NodeRef<Div>,
    /// Whether the user is at the bottom (and new content follows).
    pub pinned: RwSignal<bool>,
}

impl Follow {
    /// Follows `content` (tracked) while pinned; starts at the bottom.
    pub fn new(content: impl Fn() + Send + Sync + 'static) -> Self {
        let follow = Self {
            scroller: NodeRef::new(),
            pinned: RwSignal::new(true),
        };
        Effect::new(move |_| {
            content();
            if follow.pinned.get_untracked() {
                follow.scroll_to_bottom();
            }
        });
        follow
    }

    /// The "scroll to bottom" button: pins it again and scrolls.
    pub fn jump_to_bottom(self) {
        self.pinned.set(true);
        self.scroll_to_bottom();
    }

    /// Call from the scroll box's `scroll` event.
    pub fn on_scroll(self) {
        if let Some(el) = self.scroller.get_untracked() {
            let bottom = at_bottom(el.scroll_top(), el.client_height(), el.scroll_height());
            if bottom != self.pinned.get_untracked() {
                self.pinned.set(bottom);
            }
        }
    }

    pub fn scroll_to_bottom(self) {
        #[cfg(feature = "hydrate")]
        request_animation_frame(move || {
            // A scroll up by the user in the meantime (its event runs before
            // this frame's callbacks) unpinned it: stay where they went.
            if self.pinned.try_get_untracked() != Some(true) {
                return;
            }
            if let Some(el) = self.scroller.get_untracked() {
                // Instant: a smooth scroll's own scroll events, with content
                // still growing, would unpin it half-way.
                el.set_scroll_top(el.scroll_height());
                self.pinned.try_set(true);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::at_bottom;

    #[test]
    fn the_bottom_has_some_slack() {
        assert!(at_bottom(900, 100, 1000));
        assert!(at_bottom(860, 100, 1000));
        assert!(!at_bottom(500, 100, 1000));
        assert!(at_bottom(0, 100, 50), "content shorter than the box");
    }
}
