//! What only a browser has: local storage, the clipboard, the clock and
//! timers, the tab's visibility, touches, picked files, push subscriptions,
//! WebSockets, JSON requests, speech recognition, the microphone and the
//! terminal's xterm.js. The rest of the UI calls these as plain functions
//! and never names `web_sys` or the `hydrate` feature.
//!
//! Each file holds its browser code in one gated `browser` module, with a
//! stand-in of the same shape beside it for the server.
//!
//! ## On the server
//! Nothing here touches a browser: reads find nothing, writes and listeners
//! do nothing, timers never fire, the clock is the system's, and the async
//! calls answer that there is no browser.

pub mod clipboard;
pub mod clock;
pub mod element;
pub mod files;
pub mod http;
pub mod inline_colours;
pub mod page;
pub mod push;
pub mod recorder;
pub mod socket;
pub mod speech;
pub mod storage;
pub mod upload;
pub mod viewport;
pub mod xterm;
