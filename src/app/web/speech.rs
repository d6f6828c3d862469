//! The browser's own speech recognition (`SpeechRecognition`, Chromium's
//! `webkitSpeechRecognition`): listening until stopped, each phrase heard
//! handed over as text. Some browsers have the constructor without a
//! service behind it (Debian's Chromium has no Google key: it fails with
//! `network`); those failures are told apart so the caller can record
//! instead.
//!
//! ## On the server
//! There is no recognition: [`exists`] is false and [`listen`] fails.

/// What happens while listening.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SpeechEvent {
    /// A phrase, final (never an interim guess).
    Heard(String),
    /// Recognition cannot work in this browser (its error code, e.g.
    /// `network`, `service-not-allowed`, `not-allowed`): record instead.
    Unavailable(String),
    /// It worked but heard nothing usable; the words say what to do.
    Failed(String),
    /// Listening ended (after a stop, a pause or a failure).
    Ended,
}

/// Whether the browser has a speech recognition constructor.
pub fn exists() -> bool {
    browser::exists()
}

/// Starts listening (stopping any earlier listening); `on_event` is called
/// with what happens until [`SpeechEvent::Ended`].
pub fn listen(on_event: impl Fn(SpeechEvent) + 'static) -> Result<(), String> {
    let on_event = std::rc::Rc::new(on_event);
    let (heard, failed) = (on_event.clone(), on_event.clone());
    browser::listen(Handlers {
        phrase: Box::new(move |text| heard(SpeechEvent::Heard(text))),
        error: Box::new(move |code| {
            if let Some(event) = failure(&code) {
                failed(event);
            }
        }),
        end: Box::new(move || on_event(SpeechEvent::Ended)),
    })
}

/// What the recognition's own events call.
#[cfg_attr(
    not(feature = "hydrate"),
    expect(
        dead_code,
        reason = "on the server nothing listens, so nothing calls them"
    )
)]
struct Handlers {
    /// A final phrase.
    phrase: Box<dyn Fn(String)>,
    /// An error code (`network`, `no-speech`, …).
    error: Box<dyn Fn(String)>,
    end: Box<dyn Fn()>,
}

/// Stops listening: what was said so far still arrives, then `Ended`.
pub fn stop() {
    browser::stop();
}

/// The event for a recognition error code.
fn failure(code: &str) -> Option<SpeechEvent> {
    match code {
        // The user (or our stop) ended it: not a failure.
        "aborted" => None,
        "no-speech" => Some(SpeechEvent::Failed(
            "Nothing was heard: tap the mic and speak.".into(),
        )),
        // No service behind the API, or it may not be used here.
        "network"
        | "service-not-allowed"
        | "not-allowed"
        | "language-not-supported"
        | "audio-capture" => Some(SpeechEvent::Unavailable(code.to_owned())),
        other => Some(SpeechEvent::Failed(format!(
            "Speech recognition failed ({other})."
        ))),
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::RefCell;
    use std::rc::Rc;

    use js_sys::{Function, Reflect};
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};

    use super::Handlers;

    thread_local! {
        /// The recognition listening now.
        static ACTIVE: RefCell<Option<JsValue>> = const { RefCell::new(None) };
    }

    fn constructor() -> Option<Function> {
        let window: JsValue = web_sys::window()?.into();
        ["SpeechRecognition", "webkitSpeechRecognition"]
            .into_iter()
            .find_map(|name| Reflect::get(&window, &name.into()).ok()?.dyn_into().ok())
    }

    pub fn exists() -> bool {
        constructor().is_some()
    }

    fn get(target: &JsValue, key: &str) -> JsValue {
        Reflect::get(target, &key.into()).unwrap_or(JsValue::UNDEFINED)
    }

    fn call(target: &JsValue, method: &str) {
        if let Ok(method) = get(target, method).dyn_into::<Function>() {
            let _ = method.call0(target);
        }
    }

    /// The final phrases a `result` event brings (from its `resultIndex`).
    fn final_phrases(event: &JsValue) -> Vec<String> {
        let results = get(event, "results");
        let from = get(event, "resultIndex").as_f64().unwrap_or(0.0) as u32;
        let length = get(&results, "length").as_f64().unwrap_or(0.0) as u32;
        (from..length)
            .filter_map(|i| {
                let result = Reflect::get_u32(&results, i).ok()?;
                if get(&result, "isFinal") == JsValue::FALSE {
                    return None;
                }
                let best = Reflect::get_u32(&result, 0).ok()?;
                let text = get(&best, "transcript").as_string()?;
                let text = text.trim();
                (!text.is_empty()).then(|| text.to_owned())
            })
            .collect()
    }

    /// A handler the recognition keeps: JS owns it from here, so it is
    /// never dropped while the recognition may still call it.
    fn handler(f: impl FnMut(JsValue) + 'static) -> JsValue {
        Closure::<dyn FnMut(JsValue)>::new(f).into_js_value()
    }

    pub fn listen(handlers: Handlers) -> Result<(), String> {
        stop();
        let constructor = constructor().ok_or("This browser has no speech recognition.")?;
        let recognition = Reflect::construct(&constructor, &js_sys::Array::new())
            .map_err(|_| "The browser's speech recognition could not start.".to_owned())?;
        // Phrase after phrase until stopped; only final text.
        let _ = Reflect::set(&recognition, &"continuous".into(), &JsValue::TRUE);
        let _ = Reflect::set(&recognition, &"interimResults".into(), &JsValue::FALSE);
        let handlers = Rc::new(handlers);
        let heard = handlers.clone();
        let on_result = handler(move |event| {
            for phrase in final_phrases(&event) {
                (heard.phrase)(phrase);
            }
        });
        let failed = handlers.clone();
        let on_error = handler(move |event| {
            (failed.error)(get(&event, "error").as_string().unwrap_or_default());
        });
        let on_end = handler(move |_| (handlers.end)());
        let _ = Reflect::set(&recognition, &"onresult".into(), &on_result);
        let _ = Reflect::set(&recognition, &"onerror".into(), &on_error);
        let _ = Reflect::set(&recognition, &"onend".into(), &on_end);
        let start = get(&recognition, "start")
            .dyn_into::<Function>()
            .map_err(|_| "The browser's speech recognition cannot start.".to_owned())?;
        start
            .call0(&recognition)
            .map_err(|_| "The browser's speech recognition could not start.".to_owned())?;
        ACTIVE.with(|active| *active.borrow_mut() = Some(recognition));
        Ok(())
    }

    pub fn stop() {
        if let Some(recognition) = ACTIVE.with(|active| active.borrow_mut().take()) {
            call(&recognition, "stop");
        }
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    use super::Handlers;

    pub fn exists() -> bool {
        false
    }

    /// Nothing listens: the handlers are dropped uncalled.
    pub fn listen(_handlers: Handlers) -> Result<(), String> {
        Err("not in a browser".into())
    }

    pub fn stop() {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_that_mean_no_service_ask_for_recording() {
        for code in ["network", "service-not-allowed", "not-allowed"] {
            assert_eq!(
                failure(code),
                Some(SpeechEvent::Unavailable(code.into())),
                "{code}"
            );
        }
        assert_eq!(failure("aborted"), None);
        assert!(matches!(failure("no-speech"), Some(SpeechEvent::Failed(_))));
        assert!(
            matches!(failure("bad-grammar"), Some(SpeechEvent::Failed(m)) if m.contains("bad-grammar"))
        );
    }
}
