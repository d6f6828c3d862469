//! Live events: one upstream `GET /global/event` for every watched local
//! directory (and one per connected remote), multiplexed into one client
//! stream per tab (`GET /pocket/events`) with replay after reconnects,
//! heartbeats, fan-out that never waits for a slow client, and per-chat
//! summaries kept for the sidebar's first paint.

pub mod alert;
pub mod config;
mod global;
pub mod hub;
pub mod interrupted;
mod remote;
pub mod replay;
mod sse_data;
pub mod stream;
pub mod summary;
mod unwrap;
mod upstream;

pub use alert::{Alert, AlertKind};
pub use config::EventsConfig;
pub use global::InstanceObserver;
pub use hub::EventHub;
pub use remote::UpstreamSource;
