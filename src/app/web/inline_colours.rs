//! Colours that script sets on a `<span>`'s `style` attribute, applied
//! through the CSSOM so the page's CSP (no inline style attributes) lets
//! them through, and nothing else.
//!
//! xterm.js draws 24-bit colours (`\e[38;2;R;G;Bm`) by setting
//! `style="color:#rrggbb"` (or `background-color`) on a cell's span, which
//! the CSP refuses. Once [`allow_on_spans`] ran, a span's `setAttribute`
//! whose name is `style` and whose whole value is colour declarations (a
//! `color` or `background-color`, as hex or `rgb()`/`rgba()` numbers) sets
//! them through the element's `style` object instead; any other value goes
//! to the browser's own `setAttribute`, which the CSP refuses as before.
//! Markup (the parser) never calls `setAttribute`, so a style attribute in
//! markup is refused as before too. What a program in the terminal prints
//! can thus choose the colour of its own text, as it already could with
//! the 256-colour palette, but not position, size, hide or draw anything.
//!
//! ## On the server
//! [`allow_on_spans`] does nothing.

/// The declarations of `style` if it holds only colours (see the module's
/// header): `(property, value)`, in order. `None` for anything else.
#[cfg_attr(
    not(any(feature = "hydrate", test)),
    expect(dead_code, reason = "only a browser sets styles")
)]
pub fn colour_declarations(style: &str) -> Option<Vec<(String, String)>> {
    let mut found = Vec::new();
    for declaration in style.split(';').map(str::trim).filter(|d| !d.is_empty()) {
        let (name, value) = declaration.split_once(':')?;
        let name = name.trim().to_ascii_lowercase();
        let value = value.trim();
        if !matches!(name.as_str(), "color" | "background-color") || !is_colour(value) {
            return None;
        }
        found.push((name, value.to_owned()));
    }
    (!found.is_empty()).then_some(found)
}

/// `#` and 3, 4, 6 or 8 hex digits, or `rgb(…)`/`rgba(…)` of numbers.
fn is_colour(value: &str) -> bool {
    if let Some(hex) = value.strip_prefix('#') {
        return matches!(hex.len(), 3 | 4 | 6 | 8) && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    let lower = value.to_ascii_lowercase();
    let Some(args) = lower
        .strip_prefix("rgba(")
        .or_else(|| lower.strip_prefix("rgb("))
        .and_then(|rest| rest.strip_suffix(')'))
    else {
        return false;
    };
    !args.trim().is_empty()
        && args
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b',' | b' ' | b'%' | b'/'))
}

/// From now on, spans' colour-only `style` attributes set by script apply
/// (see the module's header). Once per page.
pub fn allow_on_spans() {
    browser::allow_on_spans();
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::Cell;

    use js_sys::{Array, Function, Object, Proxy, Reflect};
    use wasm_bindgen::prelude::*;

    thread_local! {
        static DONE: Cell<bool> = const { Cell::new(false) };
    }

    pub fn allow_on_spans() {
        if DONE.replace(true) {
            return;
        }
        let _ = install();
    }

    /// `HTMLSpanElement.prototype.setAttribute` becomes a proxy of the one
    /// spans inherit, whose call goes to [`set`].
    fn install() -> Result<(), JsValue> {
        let class = Reflect::get(&js_sys::global(), &"HTMLSpanElement".into())?;
        let prototype = Reflect::get(&class, &"prototype".into())?;
        let original = Reflect::get(&prototype, &"setAttribute".into())?;
        let trap = Closure::<dyn Fn(Function, JsValue, Array) -> Result<JsValue, JsValue>>::new(
            |original: Function, element: JsValue, args: Array| set(&original, &element, &args),
        );
        let handler = Object::new();
        Reflect::set(&handler, &"apply".into(), trap.as_ref())?;
        let proxy = Proxy::new(&original, &handler);
        Reflect::set(&prototype, &"setAttribute".into(), &proxy)?;
        // The prototype keeps it for the page's life.
        trap.forget();
        Ok(())
    }

    fn set(original: &Function, element: &JsValue, args: &Array) -> Result<JsValue, JsValue> {
        let name = args.get(0).as_string().unwrap_or_default();
        let colours = name
            .eq_ignore_ascii_case("style")
            .then(|| args.get(1).as_string())
            .flatten()
            .and_then(|value| super::colour_declarations(&value));
        let (Some(colours), Some(element)) = (colours, element.dyn_ref::<web_sys::HtmlElement>())
        else {
            return Reflect::apply(original, element, args);
        };
        let style = element.style();
        style.set_css_text("");
        for (property, value) in colours {
            style.set_property(&property, &value)?;
        }
        Ok(JsValue::UNDEFINED)
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    pub fn allow_on_spans() {}
}

#[cfg(test)]
mod tests {
    use super::colour_declarations;

    fn found(pairs: &[(&str, &str)]) -> Option<Vec<(String, String)>> {
        Some(
            pairs
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn xterm_colours_pass() {
        assert_eq!(
            colour_declarations("color:#ff0000;"),
            found(&[("color", "#ff0000")])
        );
        // Its second colour appended to the first, as the browser wrote it back.
        assert_eq!(
            colour_declarations("background-color: rgb(0, 0, 255);color:#ff0000;"),
            found(&[("background-color", "rgb(0, 0, 255)"), ("color", "#ff0000")])
        );
        assert!(colour_declarations("COLOR:rgba(1, 2, 3, 0.5)").is_some());
    }

    #[test]
    fn anything_else_is_refused() {
        for style in [
            "",
            ";",
            "position:fixed",
            "color:#ff0000;position:fixed;inset:0",
            "color:red",
            "color:#ff00f",
            "color:#ff0000 !important",
            "background-color:url(x)",
            "background-color:rgb(1,2,3) url(x)",
            "background:#ff0000",
            "color:rgb()",
            "color:rgb(1,2,3",
            "color:var(--x)",
            "color:expression(alert(1))",
            "display:none;color:#000",
        ] {
            assert_eq!(colour_declarations(style), None, "{style}");
        }
    }
}
