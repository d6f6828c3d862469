//! The app's resources: [`JsonResource`], a Leptos `Resource` whose value,
//! serialized into the page by the server, the browser reads with
//! [`crate::model::json::from_text`] (`from_slice`) rather than Leptos'
//! default `JsonSerdeCodec` (`from_str`).
//!
//! The value is the same JSON either way. A resource's type is usually a
//! server function's answer (`Result<T, AppError>`), which the browser also
//! reads with `from_slice` when the resource refetches or an action calls
//! the function; one reader keeps one copy of each type's deserializer in
//! the WASM instead of two.

use std::future::Future;

use leptos::prelude::Resource;
use leptos::server::codee::{Decoder, Encoder};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// JSON out with `to_string`, in with `from_slice`.
pub struct SliceJsonCodec;

impl<T: Serialize> Encoder<T> for SliceJsonCodec {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(value: &T) -> Result<String, serde_json::Error> {
        serde_json::to_string(value)
    }
}

impl<T: DeserializeOwned> Decoder<T> for SliceJsonCodec {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(text: &str) -> Result<T, serde_json::Error> {
        crate::model::json::from_text(text)
    }
}

/// A resource read with [`SliceJsonCodec`].
pub type JsonResource<T> = Resource<T, SliceJsonCodec>;

/// `Resource::new`, with [`SliceJsonCodec`]: loads with `fetcher` whenever
/// `source` changes (on the server first, for the first paint). Made in a
/// later part as it is built after the page hydrated, its first load is
/// the server's value, if it has one (`app::later::seeds`).
#[track_caller]
pub fn json_resource<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> JsonResource<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    S: PartialEq + Clone + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    // Inside a later part, the server's value answers the first load
    // (see `app::later::seeds`).
    #[cfg(not(feature = "hydrate"))]
    crate::app::later::seeds::note_resource();
    #[cfg(not(feature = "hydrate"))]
    let seed: Option<T> = None;
    #[cfg(feature = "hydrate")]
    let seed = crate::app::later::seeds::take::<T>();
    let seed = std::sync::Mutex::new(seed);
    Resource::new_with_options(
        source,
        move |source| {
            let fetch = match seed.lock().ok().and_then(|mut seed| seed.take()) {
                Some(value) => Err(value),
                None => Ok(fetcher(source)),
            };
            async move {
                match fetch {
                    Ok(fetch) => fetch.await,
                    Err(seeded) => seeded,
                }
            }
        },
        false,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_what_it_encodes() {
        let value: Result<Vec<String>, String> = Ok(vec!["a\"b".into(), "ü".into()]);
        let text = <SliceJsonCodec as Encoder<_>>::encode(&value).expect("encode");
        assert_eq!(text, r#"{"Ok":["a\"b","ü"]}"#);
        let back: Result<Vec<String>, String> =
            <SliceJsonCodec as Decoder<_>>::decode(&text).expect("decode");
        assert_eq!(back, value);
    }
}
