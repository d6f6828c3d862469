//! The clipboard, written from a tap.
//!
//! ## On the server
//! There is no clipboard: copying fails with "not in a browser".

/// Puts `text` on the clipboard; the error says what the user can do.
pub async fn copy_text(text: &str) -> Result<(), String> {
    browser::copy_text(text).await
}

#[cfg(feature = "hydrate")]
mod browser {
    pub async fn copy_text(text: &str) -> Result<(), String> {
        let clipboard = web_sys::window()
            .ok_or("no window")?
            .navigator()
            .clipboard();
        wasm_bindgen_futures::JsFuture::from(clipboard.write_text(text))
            .await
            .map(drop)
            .map_err(|_| {
                "The browser refused the clipboard: select the text and copy it by hand.".to_owned()
            })
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    pub async fn copy_text(_text: &str) -> Result<(), String> {
        Err("not in a browser".into())
    }
}
