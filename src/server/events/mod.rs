//! Live events: one upstream `GET /event` per watched opencode directory,
//! multiplexed into one client stream per tab (`GET /pocket/events`) with
//! replay after reconnects, heartbeats, fan-out that never waits for a slow
//! client, and per-chat summaries kept for the sidebar's first paint.

pub mod alert;
pub mod config;
pub mod hub;
pub mod interrupted;
mod remote;
pub mod replay;
pub mod stream;
pub mod summary;
mod upstream;

pub use alert::{Alert, AlertKind};
pub use config::EventsConfig;
pub use hub::EventHub;
pub use remote::UpstreamSource;
