//! Where the tab is in pocketcode's stream: the id of the last item it got,
//! so that a new connection asks for exactly what came after.

use crate::model::live::EVENTS_PATH;

/// The last id seen on the stream (`<epoch>-<seq>`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StreamPosition {
    last: Option<String>,
}

impl StreamPosition {
    pub fn last_id(&self) -> Option<&str> {
        self.last.as_deref()
    }

    /// Records an item's id. `false` when the id is not past the current
    /// position: that event was already applied and must not be applied
    /// twice (its text would be doubled).
    pub fn advance(&mut self, id: &str) -> bool {
        if let (Some((epoch, seq)), Some((last_epoch, last_seq))) =
            (split(id), self.last.as_deref().and_then(split))
            && epoch == last_epoch
            && seq <= last_seq
        {
            return false;
        }
        self.last = Some(id.to_owned());
        true
    }

    /// The stream's URL for a new connection from here. A new `EventSource`
    /// sends no `Last-Event-ID` header, hence the query parameter.
    pub fn url(&self) -> String {
        let Some(last) = &self.last else {
            return EVENTS_PATH.to_owned();
        };
        let mut url = format!("{EVENTS_PATH}?last_event_id=");
        for byte in last.bytes() {
            if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
                url.push(char::from(byte));
            } else {
                url.push_str(&format!("%{byte:02X}"));
            }
        }
        url
    }
}

fn split(id: &str) -> Option<(&str, u64)> {
    let (epoch, seq) = id.rsplit_once('-')?;
    Some((epoch, seq.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_tab_asks_for_the_live_stream_only() {
        let position = StreamPosition::default();
        assert_eq!(position.last_id(), None);
        assert_eq!(position.url(), "/pocket/events");
    }

    #[test]
    fn a_reconnect_asks_for_what_came_after_the_last_id() {
        let mut position = StreamPosition::default();
        assert!(position.advance("17-1"));
        assert!(position.advance("17-2"));
        assert_eq!(position.url(), "/pocket/events?last_event_id=17-2");
    }

    #[test]
    fn ids_at_or_before_the_position_are_duplicates() {
        let mut position = StreamPosition::default();
        assert!(position.advance("17-9"));
        assert!(!position.advance("17-9"));
        assert!(!position.advance("17-3"));
        assert!(
            position.advance("17-10"),
            "numbers, not strings, are compared"
        );
        assert_eq!(position.last_id(), Some("17-10"));
    }

    #[test]
    fn another_epoch_or_an_odd_id_is_taken_as_it_comes() {
        let mut position = StreamPosition::default();
        assert!(position.advance("17-9"));
        assert!(position.advance("18-1"), "the server restarted");
        assert!(position.advance("weird id"));
        assert_eq!(position.url(), "/pocket/events?last_event_id=weird%20id");
    }
}
