//! The shared live browser: one headless Chromium per chat that both the
//! agent (through `@playwright/mcp` with `--cdp-endpoint`, relayed by
//! pocketcode's own tool server: [`agent_tools`]) and the user (through the Browser panel's
//! WebSocket: a screencast out, taps and typing in) act on. The debugging
//! port listens on loopback only and is never proxied. Chromium is in the
//! agent zone: its pages reach the network only through [`egress`].

mod agent_tools;
mod cdp;
mod chromium;
mod chromium_sandbox;
pub mod egress;
mod error;
mod gate;
mod input;
mod instance;
mod registry;
mod screencast;
mod socket;

pub use cdp::Cdp;
pub use error::BrowserError;
pub use input::address;
pub use instance::ChatBrowser;
pub use registry::{BrowserSettings, Browsers, locate_mcp_cli};
pub use socket::socket;
