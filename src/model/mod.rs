//! The model: the types the server and the browser exchange (server
//! function answers, `/admin/*` JSON, the live stream, the browser panel's
//! socket), with the small pure functions that read them. Shared by both
//! builds, so nothing here is server-only except derive attributes (the
//! OpenAPI schemas of `/admin/*`, behind `ssr`).
//!
//! One file per concept; each type has one name, used by the server
//! (`server::*`), the server functions (`api::*`) and the UI (`app::*`).

pub mod browser;
pub mod changes;
pub mod chats;
pub mod deferred;
pub mod disk;
pub mod files;
pub mod json;
pub mod live;
pub mod memory;
pub mod mentions;
pub mod processes;
pub mod pull_request;
pub mod queue;
pub mod remotes;
pub mod repos;
pub mod review;
pub mod search;
pub mod transcribe;
pub mod usage;
