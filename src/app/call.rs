//! A server function a tap calls (share, undo, commit, answer a question…):
//! what the app uses of Leptos' `ServerAction` (dispatch, the last answer,
//! whether one is on its way, how many have come), with that bookkeeping
//! done once for every server function ([`Calls`]) instead of by one copy
//! of reactive_graph's `ArcAction` per function, which made each action
//! about 7 KiB of the chat page's WASM before wasm-opt (measured on
//! `ShareChat`: 0.9 KiB of it is the request itself).
//!
//! A form that must work without JavaScript keeps `ServerAction`:
//! `ActionForm` needs one.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::AppError;

/// How many calls are on their way and how many answers came; the same
/// code for every server function.
#[derive(Clone, Copy)]
struct Calls {
    in_flight: RwSignal<usize>,
    version: RwSignal<usize>,
}

impl Calls {
    fn new() -> Self {
        Self {
            in_flight: RwSignal::new(0),
            version: RwSignal::new(0),
        }
    }

    fn begin(self) {
        self.in_flight.update(|n| *n += 1);
    }

    /// An answer came: counted before it is stored, as `ArcAction` does.
    fn answered(self) {
        self.in_flight.try_update(|n| *n = n.saturating_sub(1));
        self.version.try_update(|n| *n += 1);
    }

    fn pending(self) -> Signal<bool> {
        let in_flight = self.in_flight;
        Signal::derive(move || in_flight.get() > 0)
    }
}

/// One server function, called with [`Call::dispatch`]; its answer is
/// kept in [`Call::value`] until the next one replaces it.
pub struct Call<T: ServerFn> {
    calls: Calls,
    value: RwSignal<Option<Result<T::Output, AppError>>>,
}

impl<T: ServerFn> Clone for Call<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: ServerFn> Copy for Call<T> {}

impl<T> Default for Call<T>
where
    T: ServerFn<Error = AppError> + Send + 'static,
    T::Output: Send + Sync + 'static,
{
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Call<T>
where
    T: ServerFn<Error = AppError> + Send + 'static,
    T::Output: Send + Sync + 'static,
{
    pub fn new() -> Self {
        Self {
            calls: Calls::new(),
            value: RwSignal::new(None),
        }
    }

    /// Calls the server function with `input` (in the browser; never on
    /// the server, which renders no taps).
    pub fn dispatch(&self, input: T) {
        let Self { calls, value } = *self;
        calls.begin();
        leptos::task::spawn_local(async move {
            let answer = input.run_on_client().await;
            calls.answered();
            value.try_set(Some(answer));
        });
    }

    /// The last answer, `None` before the first.
    pub fn value(&self) -> RwSignal<Option<Result<T::Output, AppError>>> {
        self.value
    }

    /// Whether a call is on its way.
    pub fn pending(&self) -> Signal<bool> {
        self.calls.pending()
    }

    /// How many answers have come.
    pub fn version(&self) -> RwSignal<usize> {
        self.calls.version
    }
}
