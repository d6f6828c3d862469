//! Waiting for the phone's main thread: work that can come after the page
//! answers the thumb (a later part's chunk and build, see
//! [`crate::app::later`]) waits here, so that a key typed meanwhile is not
//! held behind it, and each piece runs in a task of its own (a long task is
//! what Lighthouse's total blocking time counts).

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The longest a wait for idle lasts on a page that is never idle.
const IDLE_AT_MOST_MS: u32 = 2_000;

/// Resolves once the main thread is first idle (`requestIdleCallback`), or
/// in the next task where the browser has no idle callback (Safari).
pub async fn idle() {
    wait(true).await;
}

/// Resolves in a task of its own, after what is queued now.
pub async fn next_task() {
    wait(false).await;
}

fn wait(idle: bool) -> impl std::future::Future<Output = ()> {
    let global = js_sys::global();
    let idle_callback = idle
        .then(|| Reflect::get(&global, &"requestIdleCallback".into()).ok())
        .flatten()
        .and_then(|callback| callback.dyn_into::<Function>().ok());
    let promise = Promise::new(&mut |resolve, _| {
        let queued = match &idle_callback {
            Some(request) => {
                let options = Object::new();
                let _ = Reflect::set(&options, &"timeout".into(), &JsValue::from(IDLE_AT_MOST_MS));
                request.call2(&global, &resolve, &options)
            }
            None => Reflect::get(&global, &"setTimeout".into())
                .and_then(|set| set.unchecked_into::<Function>().call1(&global, &resolve)),
        };
        // Neither could be called: go on at once rather than never.
        if queued.is_err() {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    });
    let waiting = JsFuture::from(promise);
    async move {
        let _ = waiting.await;
    }
}
