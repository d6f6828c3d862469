//! Copying text to the clipboard from a tap.

/// Puts `text` on the clipboard.
pub async fn copy_text(text: &str) -> Result<(), String> {
    #[cfg(feature = "hydrate")]
    {
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
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = text;
        Err("not in a browser".into())
    }
}
