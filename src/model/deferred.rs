//! A value sent as its JSON text and read only where it is used.
//!
//! serde's code for a type goes into the WASM of every place that reads it.
//! A field the page's own code never looks at, only a later part (see
//! `app::later`), is sent as a [`Deferred`]: the page's WASM carries it as
//! text, and the code that reads it (`T`'s deserializer) is in the part's
//! chunk. On the wire it is the same JSON as `T` itself.

use std::fmt;
use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

/// `T` as JSON text, read with [`Deferred::read`].
pub struct Deferred<T> {
    json: Box<RawValue>,
    of: PhantomData<fn() -> T>,
}

impl<T: Serialize> Deferred<T> {
    /// `value` as JSON.
    ///
    /// # Panics
    /// If `value` cannot be written as JSON, which for serde_json is only a
    /// map with keys that are not strings or a `Serialize` that fails on
    /// purpose; a type that holds such a thing must not be deferred.
    pub fn new(value: &T) -> Self {
        let json = serde_json::value::to_raw_value(value)
            .expect("a deferred value is plain data that JSON can hold");
        Self {
            json,
            of: PhantomData,
        }
    }
}

impl<T: DeserializeOwned> Deferred<T> {
    /// The value, read from its text now.
    pub fn read(&self) -> serde_json::Result<T> {
        crate::model::json::from_text(self.json.get())
    }
}

impl<T> Clone for Deferred<T> {
    fn clone(&self) -> Self {
        Self {
            json: self.json.clone(),
            of: PhantomData,
        }
    }
}

/// Equal when the texts are: the same value written the same way.
impl<T> PartialEq for Deferred<T> {
    fn eq(&self, other: &Self) -> bool {
        self.json.get() == other.json.get()
    }
}

impl<T> fmt::Debug for Deferred<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Deferred").field(&self.json.get()).finish()
    }
}

impl<T> Serialize for Deferred<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.json.serialize(serializer)
    }
}

/// Any JSON value is taken as it is; whether it is a `T` is found out by
/// [`Deferred::read`].
impl<'de, T> Deserialize<'de> for Deferred<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Self {
            json: Box::<RawValue>::deserialize(deserializer)?,
            of: PhantomData,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Ask {
        id: String,
        options: Vec<String>,
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Opened {
        chat: u32,
        ask: Deferred<Ask>,
    }

    #[test]
    fn on_the_wire_it_is_the_value_itself() {
        let ask = Ask {
            id: "que_1".into(),
            options: vec!["Tea".into(), "Coffee \"strong\"".into()],
        };
        let opened = Opened {
            chat: 7,
            ask: Deferred::new(&ask),
        };
        let text = serde_json::to_string(&opened).expect("json");
        assert_eq!(
            text,
            r#"{"chat":7,"ask":{"id":"que_1","options":["Tea","Coffee \"strong\""]}}"#
        );
        let back: Opened = crate::model::json::from_text(&text).expect("read back");
        assert_eq!(back, opened);
        assert_eq!(back.ask.read().expect("an ask"), ask);
    }

    #[test]
    fn a_value_that_is_not_a_t_is_found_out_when_read() {
        let opened: Opened =
            crate::model::json::from_text(r#"{"chat":1,"ask":{"id":3}}"#).expect("any JSON");
        let error = opened.ask.read().expect_err("not an ask");
        assert!(error.to_string().contains("invalid type"), "{error}");
        assert!(crate::model::json::from_text::<Opened>(r#"{"chat":1,"ask":}"#).is_err());
    }
}
