//! Files in the page: those the user hands it (picked with an
//! `<input type=file>` or pasted, and read into memory), and those it makes
//! to show (object URLs of bytes, for `<img src>`).
//!
//! ## On the server
//! No file is ever picked or pasted, none can be read, and no URL is made.

/// A file the user picked or pasted.
#[derive(Clone)]
pub struct PickedFile {
    pub name: String,
    pub mime: String,
    /// In bytes.
    pub size: usize,
    file: browser::File,
}

impl PickedFile {
    /// The file's bytes, or `None` when the browser could not read it.
    pub async fn read(&self) -> Option<Vec<u8>> {
        browser::read(&self.file).await
    }
}

/// The files picked in the `<input type=file>` that `ev` (its `change`)
/// came from; the input is cleared so that the same file can be picked
/// again.
pub fn picked(ev: &leptos::ev::Event) -> Vec<PickedFile> {
    browser::picked(ev)
}

/// The files in a paste (a text paste has none).
pub fn pasted(ev: &leptos::ev::ClipboardEvent) -> Vec<PickedFile> {
    browser::pasted(ev)
}

/// A `blob:` URL of `bytes` of type `mime`; give it back with
/// [`revoke_url`] once it is no longer shown.
pub fn object_url(bytes: &[u8], mime: &str) -> Option<String> {
    browser::object_url(bytes, mime)
}

pub fn revoke_url(url: &str) {
    browser::revoke_url(url);
}

#[cfg(feature = "hydrate")]
mod browser {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    use super::PickedFile;

    pub type File = web_sys::File;

    pub async fn read(file: &File) -> Option<Vec<u8>> {
        let buffer = JsFuture::from(file.array_buffer()).await.ok()?;
        Some(js_sys::Uint8Array::new(&buffer).to_vec())
    }

    fn files_of(list: Option<web_sys::FileList>) -> Vec<PickedFile> {
        let Some(list) = list else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.get(i))
            .map(|file| PickedFile {
                name: file.name(),
                mime: file.type_(),
                size: file.size() as usize,
                file,
            })
            .collect()
    }

    pub fn picked(ev: &leptos::ev::Event) -> Vec<PickedFile> {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return Vec::new();
        };
        let files = files_of(input.files());
        input.set_value("");
        files
    }

    pub fn pasted(ev: &leptos::ev::ClipboardEvent) -> Vec<PickedFile> {
        files_of(ev.clipboard_data().and_then(|d| d.files()))
    }

    pub fn object_url(bytes: &[u8], mime: &str) -> Option<String> {
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(mime);
        let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).ok()?;
        web_sys::Url::create_object_url_with_blob(&blob).ok()
    }

    pub fn revoke_url(url: &str) {
        let _ = web_sys::Url::revoke_object_url(url);
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    use super::PickedFile;

    /// Never made: nothing is picked on the server.
    #[derive(Clone)]
    pub struct File;

    pub async fn read(_file: &File) -> Option<Vec<u8>> {
        None
    }

    pub fn picked(_ev: &leptos::ev::Event) -> Vec<PickedFile> {
        Vec::new()
    }

    pub fn pasted(_ev: &leptos::ev::ClipboardEvent) -> Vec<PickedFile> {
        Vec::new()
    }

    pub fn object_url(_bytes: &[u8], _mime: &str) -> Option<String> {
        None
    }

    pub fn revoke_url(_url: &str) {}
}
