//! Auto-follow: while the transcript is scrolled to the bottom, new content
//! keeps it there; scrolled up, it stays put and a "scroll to bottom"
//! button appears.

use leptos::html::Div;
use leptos::prelude::*;

use crate::app::web::clock::before_next_paint;

/// How close to the bottom (px) still counts as "at the bottom".
const SLACK: i32 = 48;

/// What the server-rendered page runs as it is parsed: the transcript's
/// scroll box to its end.
const SCROLL_TO_END: &str = "var s=document.querySelector('[data-testid=transcript-scroll]');\
     if(s)s.scrollTop=s.scrollHeight";

/// The server-rendered page's own scroll to the transcript's end, after
/// everything that shares the screen with it: a script with the page's
/// nonce that the browser runs as it parses the HTML, so a long chat shows
/// its latest message at its first paint instead of after hydration. It
/// sits in an `inner_html`, which hydration leaves alone and from which a
/// page rendered in the browser (a chat switch) never runs it: there
/// [`Follow`] scrolls.
#[component]
pub fn ScrollToEndOnLoad() -> impl IntoView {
    let script = leptos::nonce::use_nonce()
        .map(|nonce| format!("<script nonce=\"{nonce}\">{SCROLL_TO_END}</script>"))
        .unwrap_or_default();
    view! { <div hidden inner_html=script></div> }
}

/// Where the reader left the server's transcript box, if away from its
/// bottom: the box built in its place (its part, see `app::later`) starts
/// there. `None` in a page built in the browser, where there is none.
pub fn server_box_left_at() -> Option<i32> {
    #[cfg(feature = "hydrate")]
    {
        let old = crate::app::later::servers_element("[data-testid=transcript-scroll]")?;
        let top = old.scroll_top();
        (!at_bottom(top, old.client_height(), old.scroll_height())).then_some(top)
    }
    #[cfg(not(feature = "hydrate"))]
    None
}

/// Whether a scroll box is at its bottom.
pub fn at_bottom(scroll_top: i32, client_height: i32, scroll_height: i32) -> bool {
    scroll_height - scroll_top - client_height <= SLACK
}

/// What a scroll event means for following: back at the bottom pins, a
/// move up (the user's: ours only ever go down) unpins, and anything else
/// (content grew under a pinned box before it was scrolled) changes nothing.
pub fn after_scroll(pinned: bool, at_bottom: bool, top: i32, last_top: i32) -> bool {
    if at_bottom {
        true
    } else if top < last_top {
        false
    } else {
        pinned
    }
}

/// The scroll box's state and what keeps it following.
#[derive(Clone, Copy)]
pub struct Follow {
    pub scroller: NodeRef<Div>,
    /// Whether the user is at the bottom (and new content follows).
    pub pinned: RwSignal<bool>,
    /// The scroll position at the last scroll event.
    last_top: StoredValue<i32>,
}

impl Follow {
    /// Follows `content` (tracked) while pinned; starts at the bottom.
    pub fn new(content: impl Fn() + Send + Sync + 'static) -> Self {
        Self::starting_at(None, content)
    }

    /// As [`Follow::new`], but a box `left_at` a position away from its
    /// bottom starts there, unpinned (see [`server_box_left_at`]).
    pub fn starting_at(left_at: Option<i32>, content: impl Fn() + Send + Sync + 'static) -> Self {
        let follow = Self {
            scroller: NodeRef::new(),
            pinned: RwSignal::new(left_at.is_none()),
            last_top: StoredValue::new(left_at.unwrap_or(0)),
        };
        // The first run comes once the box is in the page.
        Effect::new(move |ran: Option<()>| {
            content();
            if follow.pinned.get_untracked() {
                follow.scroll_to_bottom();
            } else if let (None, Some(top), Some(el)) =
                (ran, left_at, follow.scroller.get_untracked())
            {
                el.set_scroll_top(top);
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
            let top = el.scroll_top();
            let bottom = at_bottom(top, el.client_height(), el.scroll_height());
            let pinned = self.pinned.get_untracked();
            let next = after_scroll(pinned, bottom, top, self.last_top.get_value());
            self.last_top.set_value(top);
            if next != pinned {
                self.pinned.set(next);
            }
        }
    }

    pub fn scroll_to_bottom(self) {
        before_next_paint(move || {
            // A scroll up by the user in the meantime (its event runs before
            // this frame's callbacks) unpinned it: stay where they went.
            if self.pinned.try_get_untracked() != Some(true) {
                return;
            }
            if let Some(el) = self.scroller.get_untracked() {
                // Instant: a smooth scroll's own scroll events, with content
                // still growing, would unpin it half-way.
                el.set_scroll_top(el.scroll_height());
                let _ = self.last_top.try_set_value(el.scroll_top());
                self.pinned.try_set(true);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::{after_scroll, at_bottom};

    #[test]
    fn the_bottom_has_some_slack() {
        assert!(at_bottom(900, 100, 1000));
        assert!(at_bottom(860, 100, 1000));
        assert!(!at_bottom(500, 100, 1000));
        assert!(at_bottom(0, 100, 50), "content shorter than the box");
    }

    #[test]
    fn only_a_move_up_unpins_and_only_the_bottom_pins() {
        // Content grew under a pinned box: still pinned (it follows next).
        assert!(after_scroll(true, false, 500, 500));
        // The user scrolled up.
        assert!(!after_scroll(true, false, 0, 500));
        // Unpinned and the content grows: stays put.
        assert!(!after_scroll(false, false, 0, 0));
        // Back at the bottom, however it got there.
        assert!(after_scroll(false, true, 900, 0));
    }
}
