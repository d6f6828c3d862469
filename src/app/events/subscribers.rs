//! The chats open in this tab, and which of them each stream item is for.

use std::cell::RefCell;
use std::rc::Rc;

use super::ANY;
use crate::model::live::StreamItem;
use crate::opencode::Event;

/// One chat listening to the tab's stream ([`ANY`] as session and
/// directory: every chat's events and every resync).
pub struct Chat {
    pub session_id: String,
    pub directory: String,
    pub on_event: Rc<dyn Fn(&Event)>,
    pub on_resync: Rc<dyn Fn()>,
}

/// The chats by subscription key.
#[derive(Default)]
pub struct ChatSubscribers {
    next_key: u64,
    chats: Vec<(u64, Chat)>,
}

impl ChatSubscribers {
    pub fn add(&mut self, chat: Chat) -> u64 {
        let key = self.next_key;
        self.next_key += 1;
        self.chats.push((key, chat));
        key
    }

    pub fn remove(&mut self, key: u64) {
        self.chats.retain(|(k, _)| *k != key);
    }

    /// Hands `item` to the chats it belongs to: an event to its session's
    /// chats only, a resync to the chats of its directory (all without one).
    /// Handlers run after the registry is released, so they may subscribe
    /// or unsubscribe.
    pub fn deliver(subscribers: &RefCell<Self>, item: StreamItem) {
        match item {
            StreamItem::Event {
                session: Some(session),
                event,
                ..
            } => {
                let handlers: Vec<_> = subscribers
                    .borrow()
                    .chats
                    .iter()
                    .filter(|(_, chat)| chat.session_id == session || chat.session_id == ANY)
                    .map(|(_, chat)| Rc::clone(&chat.on_event))
                    .collect();
                if handlers.is_empty() {
                    return;
                }
                let Some(event) = Event::parse(event.get()) else {
                    return;
                };
                for handler in handlers {
                    handler(&event);
                }
            }
            // Not a chat's: nothing a chat could show.
            StreamItem::Event { session: None, .. } | StreamItem::Heartbeat => {}
            StreamItem::Resync { directory, .. } => {
                Self::resync(subscribers, directory.as_deref());
            }
            // Every local chat may read differently now (interrupted).
            StreamItem::Restarted(_) => Self::resync(subscribers, None),
        }
    }

    /// Makes the chats of `directory` (all when `None`) refetch.
    pub fn resync(subscribers: &RefCell<Self>, directory: Option<&str>) {
        let handlers: Vec<_> = subscribers
            .borrow()
            .chats
            .iter()
            .filter(|(_, chat)| {
                directory.is_none_or(|d| chat.directory == d || chat.directory == ANY)
            })
            .map(|(_, chat)| Rc::clone(&chat.on_resync))
            .collect();
        for handler in handlers {
            handler();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use crate::model::live::StreamItem;

    use super::*;

    /// A chat that records the text deltas it got and counts its resyncs.
    fn chat(session: &str, directory: &str) -> (Chat, Rc<RefCell<String>>, Rc<Cell<u32>>) {
        let text = Rc::new(RefCell::new(String::new()));
        let resyncs = Rc::new(Cell::new(0));
        let chat = Chat {
            session_id: session.into(),
            directory: directory.into(),
            on_event: {
                let text = Rc::clone(&text);
                Rc::new(move |event: &Event| {
                    if let Event::PartDelta(delta) = event {
                        text.borrow_mut().push_str(&delta.delta);
                    }
                })
            },
            on_resync: {
                let resyncs = Rc::clone(&resyncs);
                Rc::new(move || resyncs.set(resyncs.get() + 1))
            },
        };
        (chat, text, resyncs)
    }

    fn item(json: &str) -> StreamItem {
        StreamItem::parse(json).expect("stream item")
    }

    fn delta(session: &str, text: &str) -> StreamItem {
        item(&format!(
            r#"{{"kind":"event","directory":"/w","session":"{session}","event":{{"type":"message.part.delta",
            "properties":{{"sessionID":"{session}","messageID":"m","partID":"p","field":"text","delta":"{text}"}}}}}}"#
        ))
    }

    #[test]
    fn an_event_reaches_its_own_chat_only() {
        let subscribers = RefCell::new(ChatSubscribers::default());
        let (a, a_text, _) = chat("ses_a", "/w");
        let (b, b_text, _) = chat("ses_b", "/w");
        subscribers.borrow_mut().add(a);
        subscribers.borrow_mut().add(b);
        ChatSubscribers::deliver(&subscribers, delta("ses_a", "alpha "));
        ChatSubscribers::deliver(&subscribers, delta("ses_b", "bravo "));
        ChatSubscribers::deliver(&subscribers, delta("ses_a", "again"));
        ChatSubscribers::deliver(&subscribers, delta("ses_c", "nobody's"));
        assert_eq!(*a_text.borrow(), "alpha again");
        assert_eq!(*b_text.borrow(), "bravo ");
    }

    #[test]
    fn a_resync_reaches_the_chats_of_its_directory_or_all() {
        let subscribers = RefCell::new(ChatSubscribers::default());
        let (a, _, a_resyncs) = chat("ses_a", "/w/one");
        let (b, _, b_resyncs) = chat("ses_b", "/w/two");
        subscribers.borrow_mut().add(a);
        subscribers.borrow_mut().add(b);
        let one = r#"{"kind":"resync","reason":"upstream reconnected","directory":"/w/one"}"#;
        ChatSubscribers::deliver(&subscribers, item(one));
        assert_eq!((a_resyncs.get(), b_resyncs.get()), (1, 0));
        let all = r#"{"kind":"resync","reason":"too old"}"#;
        ChatSubscribers::deliver(&subscribers, item(all));
        assert_eq!((a_resyncs.get(), b_resyncs.get()), (2, 1));
        ChatSubscribers::deliver(&subscribers, item(r#"{"kind":"heartbeat"}"#));
        assert_eq!((a_resyncs.get(), b_resyncs.get()), (2, 1));
        // opencode was restarted: every chat may read differently.
        let restarted = r#"{"kind":"restarted","cause":"hung","reason":"hung","at_ms":1}"#;
        ChatSubscribers::deliver(&subscribers, item(restarted));
        assert_eq!((a_resyncs.get(), b_resyncs.get()), (3, 2));
    }

    #[test]
    fn a_listener_for_any_chat_gets_every_session_event_and_every_resync() {
        let subscribers = RefCell::new(ChatSubscribers::default());
        let (all, all_text, all_resyncs) = chat(ANY, ANY);
        subscribers.borrow_mut().add(all);
        ChatSubscribers::deliver(&subscribers, delta("ses_a", "a"));
        ChatSubscribers::deliver(&subscribers, delta("ses_b", "b"));
        let one = r#"{"kind":"resync","reason":"upstream reconnected","directory":"/w/one"}"#;
        ChatSubscribers::deliver(&subscribers, item(one));
        assert_eq!(*all_text.borrow(), "ab");
        assert_eq!(all_resyncs.get(), 1);
    }

    #[test]
    fn a_removed_chat_gets_nothing_and_handlers_may_unsubscribe() {
        let subscribers = Rc::new(RefCell::new(ChatSubscribers::default()));
        let (a, a_text, _) = chat("ses_a", "/w");
        let key = subscribers.borrow_mut().add(a);
        // A handler that unsubscribes itself while it is being called.
        let (mut b, _, _) = chat("ses_b", "/w");
        let b_key = Rc::new(Cell::new(None));
        b.on_event = {
            let subscribers = Rc::clone(&subscribers);
            let b_key = Rc::clone(&b_key);
            Rc::new(move |_: &Event| {
                if let Some(key) = b_key.get() {
                    subscribers.borrow_mut().remove(key);
                }
            })
        };
        b_key.set(Some(subscribers.borrow_mut().add(b)));
        ChatSubscribers::deliver(&subscribers, delta("ses_b", "bye"));
        assert_eq!(subscribers.borrow().chats.len(), 1);

        subscribers.borrow_mut().remove(key);
        ChatSubscribers::deliver(&subscribers, delta("ses_a", "lost"));
        assert_eq!(*a_text.borrow(), "");
    }
}
