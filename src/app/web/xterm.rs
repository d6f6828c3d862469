//! The terminal's screen: xterm.js (pinned in `package.json`, copied into
//! the site by `make release`), loaded only when a terminal is first opened
//! so the chat page's first load does not carry it.
//!
//! xterm.js makes `<style>` elements of its own, which the page's CSP
//! refuses unless they carry the page's nonce; once it is loaded, every
//! `<style>` the document makes gets the nonce at creation (before it is
//! inserted, or the browser never applies it). Markup can still not bring
//! a style of its own. Its 24-bit colours, set as `style` attributes, go
//! through [`super::inline_colours`].
//!
//! JS objects are not `Send`, so the open terminals live in a thread-local
//! and an [`Xterm`] is their key, as [`super::socket::Socket`] is.
//!
//! ## On the server
//! Nothing loads: [`Xterm::open`] fails and the rest does nothing.

/// A terminal screen on the page; ended by [`Xterm::close`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Xterm(u64);

impl Xterm {
    /// Loads xterm.js (once per page) and opens a terminal in the element
    /// with id `host`; `typed` gets what the user types (keys, pastes and
    /// finished compositions from a phone keyboard), as the bytes to send.
    pub async fn open(host: &str, typed: impl Fn(String) + 'static) -> Result<Self, String> {
        super::inline_colours::allow_on_spans();
        browser::open(host, Box::new(typed)).await.map(Self)
    }

    pub fn write(self, data: &str) {
        browser::write(self.0, data);
    }

    /// Fits it to its element: the new `(rows, cols)`, `None` while the
    /// element is not shown.
    pub fn fit(self) -> Option<(u16, u16)> {
        browser::fit(self.0)
    }

    pub fn focus(self) {
        browser::focus(self.0);
    }

    pub fn close(self) {
        browser::close(self.0);
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::{Cell, RefCell};
    use std::collections::HashMap;

    use js_sys::{Function, Promise, Reflect};
    use leptos::prelude::document;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen_futures::JsFuture;

    /// Where `make release` puts xterm.js's files in the site.
    const XTERM_DIR: &str = "/pkg/xterm";

    #[wasm_bindgen]
    extern "C" {
        /// xterm.js's `Terminal` (a global once its script ran).
        type Terminal;
        #[wasm_bindgen(constructor)]
        fn new(options: &JsValue) -> Terminal;
        #[wasm_bindgen(method)]
        fn open(this: &Terminal, parent: &web_sys::Element);
        #[wasm_bindgen(method)]
        fn write(this: &Terminal, data: &str);
        #[wasm_bindgen(method, js_name = onData)]
        fn on_data(this: &Terminal, listener: &Closure<dyn FnMut(String)>);
        #[wasm_bindgen(method, js_name = loadAddon)]
        fn load_addon(this: &Terminal, addon: &FitAddon);
        #[wasm_bindgen(method)]
        fn focus(this: &Terminal);
        #[wasm_bindgen(method)]
        fn dispose(this: &Terminal);
        #[wasm_bindgen(method, getter)]
        fn rows(this: &Terminal) -> u32;
        #[wasm_bindgen(method, getter)]
        fn cols(this: &Terminal) -> u32;

        /// The fit addon (made by [`fit_addon`]).
        type FitAddon;
        #[wasm_bindgen(method)]
        fn fit(this: &FitAddon);
    }

    /// A new fit addon: its script defines the global `FitAddon.FitAddon`.
    fn fit_addon() -> Result<FitAddon, JsValue> {
        let scope = Reflect::get(&js_sys::global(), &"FitAddon".into())?;
        let class: Function = Reflect::get(&scope, &"FitAddon".into())?.dyn_into()?;
        Reflect::construct(&class, &js_sys::Array::new()).map(JsCast::unchecked_into)
    }

    struct Open {
        terminal: Terminal,
        fit: FitAddon,
        _typed: Closure<dyn FnMut(String)>,
    }

    thread_local! {
        static OPEN: RefCell<HashMap<u64, Open>> = RefCell::new(HashMap::new());
        static NEXT: Cell<u64> = const { Cell::new(0) };
        /// Resolves once xterm.js and its stylesheet are in the page.
        static LOADED: RefCell<Option<Promise>> = const { RefCell::new(None) };
    }

    /// Black and gray as the rest of the app; Consolas as everywhere.
    const OPTIONS: &str = r##"{"fontFamily":"Consolas, ui-monospace, monospace","fontSize":14,
        "scrollback":5000,"theme":{"background":"#000000","foreground":"#d4d4d4"}}"##;

    pub async fn open(host: &str, typed: Box<dyn Fn(String)>) -> Result<u64, String> {
        JsFuture::from(loaded()).await.map_err(|_| {
            "the terminal's script could not be loaded; reload the page".to_string()
        })?;
        let element = document()
            .get_element_by_id(host)
            .ok_or("the terminal's place on the page is gone")?;
        let options = js_sys::JSON::parse(OPTIONS).map_err(|_| "bad terminal options")?;
        let terminal = Terminal::new(&options);
        let fit = fit_addon().map_err(|_| "the terminal's fit addon is missing")?;
        terminal.load_addon(&fit);
        terminal.open(&element);
        let typed = Closure::<dyn FnMut(String)>::new(move |data: String| typed(data));
        terminal.on_data(&typed);
        let id = NEXT.replace(NEXT.get() + 1);
        OPEN.with_borrow_mut(|open| {
            open.insert(
                id,
                Open {
                    terminal,
                    fit,
                    _typed: typed,
                },
            )
        });
        Ok(id)
    }

    pub fn write(id: u64, data: &str) {
        OPEN.with_borrow(|open| open.get(&id).map(|o| o.terminal.write(data)));
    }

    pub fn fit(id: u64) -> Option<(u16, u16)> {
        OPEN.with_borrow(|open| {
            let open = open.get(&id)?;
            open.fit.fit();
            let rows = u16::try_from(open.terminal.rows()).ok()?;
            let cols = u16::try_from(open.terminal.cols()).ok()?;
            Some((rows, cols))
        })
    }

    pub fn focus(id: u64) {
        OPEN.with_borrow(|open| open.get(&id).map(|o| o.terminal.focus()));
    }

    pub fn close(id: u64) {
        // Taken out first: disposing may call back into the map.
        if let Some(open) = OPEN.with_borrow_mut(|open| open.remove(&id)) {
            open.terminal.dispose();
        }
    }

    /// The page's one load of xterm.js, started by the first caller.
    fn loaded() -> Promise {
        LOADED.with_borrow_mut(|loaded| {
            loaded
                .get_or_insert_with(|| {
                    let files = js_sys::Array::of3(
                        &attach("link", &format!("{XTERM_DIR}/xterm.css")),
                        &attach("script", &format!("{XTERM_DIR}/xterm.js")),
                        &attach("script", &format!("{XTERM_DIR}/addon-fit.js")),
                    );
                    let stamp = Closure::<dyn FnMut(JsValue)>::new(|_| stamp_style_nonces());
                    let loaded = Promise::all(&files).then(&stamp);
                    // Called once, when the files are in; kept for the page's life.
                    stamp.forget();
                    loaded
                })
                .clone()
        })
    }

    /// Adds a `<link>` (stylesheet) or `<script>` for `url` to the head; it
    /// resolves when the file has loaded.
    fn attach(tag: &'static str, url: &str) -> Promise {
        let url = url.to_owned();
        Promise::new(&mut |resolve: Function, reject: Function| {
            let made = (|| {
                let element: web_sys::HtmlElement =
                    document().create_element(tag)?.unchecked_into();
                if tag == "link" {
                    element.set_attribute("rel", "stylesheet")?;
                    element.set_attribute("href", &url)?;
                } else {
                    element.set_attribute("src", &url)?;
                }
                element.set_onload(Some(&resolve));
                element.set_onerror(Some(&reject));
                document()
                    .query_selector("head")?
                    .ok_or_else(|| JsValue::from_str("no head"))?
                    .append_child(&element)
            })();
            if let Err(err) = made {
                let _ = reject.call1(&JsValue::NULL, &err);
            }
        })
    }

    /// From now on, every `<style>` the document makes carries the page's
    /// nonce (see the module's header).
    fn stamp_style_nonces() {
        let doc = document();
        let nonce = doc
            .query_selector("script[nonce]")
            .ok()
            .flatten()
            .and_then(|script| Reflect::get(&script, &"nonce".into()).ok())
            .and_then(|nonce| nonce.as_string())
            .filter(|nonce| !nonce.is_empty());
        let (Some(nonce), Ok(original)) = (
            nonce,
            Reflect::get(&doc, &"createElement".into()).and_then(|f| f.dyn_into::<Function>()),
        ) else {
            return;
        };
        let this = doc.clone();
        let make = Closure::<dyn Fn(JsValue, JsValue) -> Result<JsValue, JsValue>>::new(
            move |tag: JsValue, options: JsValue| {
                let element = original.call2(&this, &tag, &options)?;
                if tag
                    .as_string()
                    .is_some_and(|t| t.eq_ignore_ascii_case("style"))
                {
                    let _ = element
                        .unchecked_ref::<web_sys::Element>()
                        .set_attribute("nonce", &nonce);
                }
                Ok(element)
            },
        );
        if Reflect::set(&doc, &"createElement".into(), make.as_ref()).is_ok() {
            // The document keeps it for the page's life.
            make.forget();
        }
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    pub async fn open(_host: &str, _typed: Box<dyn Fn(String)>) -> Result<u64, String> {
        Err("no browser".into())
    }

    pub fn write(_id: u64, _data: &str) {}

    pub fn fit(_id: u64) -> Option<(u16, u16)> {
        None
    }

    pub fn focus(_id: u64) {}

    pub fn close(_id: u64) {}
}
