//! Uploading the files picked in an `<input type=file>`: a
//! `multipart/form-data` POST built by the browser (the files are streamed
//! from disk, never read into the page).
//!
//! ## On the server
//! Nothing is ever picked, so there is nothing to send.

/// The files picked, ready to send.
#[derive(Clone)]
pub struct Upload {
    /// How many files.
    pub count: u32,
    form: browser::Form,
}

impl Upload {
    /// The files picked in the `<input type=file>` that `ev` (its `change`)
    /// came from, or `None` when none were; the input is cleared so the
    /// same file can be picked again.
    pub fn picked(ev: &leptos::ev::Event) -> Option<Self> {
        browser::picked(ev).map(|(form, count)| Self { count, form })
    }

    /// POSTs them to `url`; the server's message when it refuses.
    pub async fn send(&self, url: &str) -> Result<(), String> {
        browser::send(&self.form, url).await
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use wasm_bindgen::JsCast;

    pub type Form = web_sys::FormData;

    pub fn picked(ev: &leptos::ev::Event) -> Option<(Form, u32)> {
        let input = ev.target()?.dyn_into::<web_sys::HtmlInputElement>().ok()?;
        let files = input.files()?;
        let form = web_sys::FormData::new().ok()?;
        for i in 0..files.length() {
            let file = files.get(i)?;
            form.append_with_blob_and_filename("file", &file, &file.name())
                .ok()?;
        }
        let count = files.length();
        input.set_value("");
        (count > 0).then_some((form, count))
    }

    pub async fn send(form: &Form, url: &str) -> Result<(), String> {
        let response = gloo_net::http::Request::post(url)
            .body(form.clone())
            .map_err(|e| e.to_string())?
            .send()
            .await
            .map_err(|e| format!("the upload did not reach the server: {e}"))?;
        if response.ok() {
            return Ok(());
        }
        let status = response.status();
        // Read as text: gloo's `json()` would bring a second JSON reader.
        let text = response.text().await.unwrap_or_default();
        Err(crate::app::web::http::refusal_error(&text)
            .unwrap_or_else(|| format!("the server refused the upload ({status})")))
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    /// Never made: nothing is picked on the server.
    #[derive(Clone)]
    pub struct Form;

    pub fn picked(_ev: &leptos::ev::Event) -> Option<(Form, u32)> {
        None
    }

    pub async fn send(_form: &Form, _url: &str) -> Result<(), String> {
        Err("no browser".into())
    }
}
