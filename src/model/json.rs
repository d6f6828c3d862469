//! The one JSON reader the browser uses: `serde_json::from_slice`.
//!
//! serde's code for a type is instantiated once per reader it is read
//! through. Server function answers are read with `from_slice` (server_fn's
//! `JsonEncoding`), so everything else the browser reads (the resources
//! serialized into the page, the live stream, localStorage, sockets) goes
//! through the same reader instead of `from_str`, whose `StrRead` would be
//! a second copy of every struct's deserializer in the WASM. The JSON read
//! is the same; only valid UTF-8 is checked again, which a `&str` already
//! is.

use serde::de::DeserializeOwned;

/// Reads `text` as JSON; use it in place of `serde_json::from_str`.
pub fn from_text<T: DeserializeOwned>(text: &str) -> serde_json::Result<T> {
    serde_json::from_slice(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_from_str_reads() {
        let text = r#"{"a":["ü",1,null]}"#;
        let read: serde_json::Value = from_text(text).expect("json");
        let expected: serde_json::Value = serde_json::from_str(text).expect("json");
        assert_eq!(read, expected);
        assert!(from_text::<serde_json::Value>("{").is_err());
    }
}
