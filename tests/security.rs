//! The agent zone, tried as a hostile agent would: through the scripted
//! model, the agent's real tools look for pocketcode's secrets and reach
//! for what lies outside its chat, and find nothing. One file per property
//! under `tests/security/`.

mod common;
#[path = "security/gateway.rs"]
mod gateway;
