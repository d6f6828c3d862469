//! Recording from the microphone (`getUserMedia` + `MediaRecorder`) and
//! sending the recording to pocketcode's transcription route: the fallback
//! for browsers whose own speech recognition cannot work. One recording at
//! a time; the microphone is released as soon as it stops.
//!
//! ## On the server
//! There is no microphone: [`exists`] is false and [`start`] fails.

/// A finished recording, ready to send.
pub struct Recording {
    /// As the recorder made it, e.g. `audio/webm;codecs=opus`.
    pub content_type: String,
    pub bytes: u64,
    blob: browser::Blob,
}

/// Whether the browser can record from a microphone here (it needs a
/// secure page: https, or a loopback address).
pub fn exists() -> bool {
    browser::exists()
}

/// Asks for the microphone and starts recording; the error says what the
/// user can do (allow the microphone, plug one in).
pub async fn start() -> Result<(), String> {
    browser::start().await
}

/// Stops recording and releases the microphone.
pub async fn stop() -> Result<Recording, String> {
    browser::stop().await
}

/// Stops recording, if it runs, and throws the recording away.
pub fn cancel() {
    browser::cancel();
}

/// POSTs `recording` to `url`; the text heard, or the server's message.
pub async fn transcribe(recording: &Recording, url: &str) -> Result<String, String> {
    browser::transcribe(&recording.blob, &recording.content_type, url).await
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::RefCell;

    use js_sys::{Array, Function, Reflect};
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{
        BlobEvent, BlobPropertyBag, MediaRecorder, MediaStream, MediaStreamConstraints,
        MediaStreamTrack,
    };

    use super::Recording;
    use crate::model::json::from_text;
    use crate::model::transcribe::Transcription;

    pub type Blob = web_sys::Blob;

    struct Active {
        recorder: MediaRecorder,
        stream: MediaStream,
        chunks: Array,
    }

    thread_local! {
        static ACTIVE: RefCell<Option<Active>> = const { RefCell::new(None) };
    }

    pub fn exists() -> bool {
        let Some(window) = web_sys::window() else {
            return false;
        };
        let devices = Reflect::get(&window.navigator(), &"mediaDevices".into());
        let recorder = Reflect::get(&window, &"MediaRecorder".into());
        devices.is_ok_and(|d| !d.is_undefined()) && recorder.is_ok_and(|r| r.is_function())
    }

    /// The words for a `getUserMedia` refusal.
    fn microphone_refused(error: &JsValue) -> String {
        let name = Reflect::get(error, &"name".into())
            .ok()
            .and_then(|n| n.as_string())
            .unwrap_or_default();
        match name.as_str() {
            "NotAllowedError" | "SecurityError" => "pocketcode may not use the microphone: allow \
                it for this site in the browser's settings, then tap the mic again."
                .into(),
            "NotFoundError" => "No microphone was found: connect one and try again.".into(),
            "NotReadableError" | "AbortError" => {
                "The microphone is busy (another app uses it): close that app and try again.".into()
            }
            other => format!("The microphone could not be opened ({other})."),
        }
    }

    pub async fn start() -> Result<(), String> {
        cancel();
        let window = web_sys::window().ok_or("no window")?;
        let devices = window
            .navigator()
            .media_devices()
            .map_err(|_| "This page cannot use a microphone (it needs https).".to_owned())?;
        let constraints = MediaStreamConstraints::new();
        constraints.set_audio(&JsValue::TRUE);
        let asked = devices
            .get_user_media_with_constraints(&constraints)
            .map_err(|e| microphone_refused(&e))?;
        let stream: MediaStream = JsFuture::from(asked)
            .await
            .map_err(|e| microphone_refused(&e))?
            .unchecked_into();
        let recorder = MediaRecorder::new_with_media_stream(&stream).map_err(|_| {
            release(&stream);
            "This browser cannot record audio.".to_owned()
        })?;
        let chunks = Array::new();
        let sink = chunks.clone();
        // JS owns the handler: it outlives any stop.
        let on_data = Closure::<dyn FnMut(BlobEvent)>::new(move |event: BlobEvent| {
            if let Some(blob) = event.data().filter(|b| b.size() > 0.0) {
                sink.push(&blob);
            }
        })
        .into_js_value();
        recorder.set_ondataavailable(Some(on_data.unchecked_ref()));
        if recorder.start().is_err() {
            release(&stream);
            return Err("The recording could not start.".into());
        }
        ACTIVE.with(|active| {
            *active.borrow_mut() = Some(Active {
                recorder,
                stream,
                chunks,
            });
        });
        Ok(())
    }

    fn release(stream: &MediaStream) {
        for track in stream.get_tracks() {
            track.unchecked_into::<MediaStreamTrack>().stop();
        }
    }

    pub async fn stop() -> Result<Recording, String> {
        let active = ACTIVE
            .with(|active| active.borrow_mut().take())
            .ok_or("Nothing is being recorded.")?;
        // The last chunk arrives before `stop` fires.
        let stopped = js_sys::Promise::new(&mut |resolve: Function, _reject| {
            active.recorder.set_onstop(Some(&resolve));
        });
        let _ = active.recorder.stop();
        let _ = JsFuture::from(stopped).await;
        release(&active.stream);
        let content_type = active.recorder.mime_type();
        let bag = BlobPropertyBag::new();
        bag.set_type(&content_type);
        let blob = web_sys::Blob::new_with_blob_sequence_and_options(&active.chunks, &bag)
            .map_err(|_| "The recording could not be put together.".to_owned())?;
        Ok(Recording {
            content_type,
            bytes: blob.size() as u64,
            blob,
        })
    }

    pub fn cancel() {
        if let Some(active) = ACTIVE.with(|active| active.borrow_mut().take()) {
            let _ = active.recorder.stop();
            release(&active.stream);
        }
    }

    pub async fn transcribe(blob: &Blob, content_type: &str, url: &str) -> Result<String, String> {
        let response = gloo_net::http::Request::post(url)
            .header("content-type", content_type)
            .body(blob.clone())
            .map_err(|e| e.to_string())?
            .send()
            .await
            .map_err(|e| format!("The recording did not reach the server: {e}"))?;
        // Read as text, then with the app's one JSON reader (gloo's
        // `json()` would bring a second one into the WASM).
        let ok = response.ok();
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        if ok {
            return from_text::<Transcription>(&text)
                .map(|t| t.text)
                .map_err(|e| format!("The server's answer was not a transcription: {e}"));
        }
        Err(crate::app::web::http::refusal_error(&text)
            .unwrap_or_else(|| format!("The server refused the recording ({status}).")))
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    use super::Recording;

    /// Never made: nothing is recorded on the server.
    pub struct Blob;

    pub fn exists() -> bool {
        false
    }

    pub async fn start() -> Result<(), String> {
        Err("not in a browser".into())
    }

    pub async fn stop() -> Result<Recording, String> {
        Err("not in a browser".into())
    }

    pub fn cancel() {}

    pub async fn transcribe(
        _blob: &Blob,
        _content_type: &str,
        _url: &str,
    ) -> Result<String, String> {
        Err("not in a browser".into())
    }
}
