//! The agent zone, tried as a hostile agent would: through the scripted
//! model, the agent's real tools look for pocketcode's secrets and reach
//! for what lies outside its chat, and find nothing. One file per property
//! under `tests/security/`.

#[path = "security/browser_files.rs"]
mod browser_files;
#[path = "security/browser_reach.rs"]
mod browser_reach;
mod common;
#[path = "security/cross_site.rs"]
mod cross_site;
#[path = "security/fence.rs"]
mod fence;
#[path = "security/gateway.rs"]
mod gateway;
#[path = "security/health.rs"]
mod health;
#[path = "security/login_limits.rs"]
mod login_limits;
#[path = "security/names_and_limits.rs"]
mod names_and_limits;
#[path = "security/remote_password.rs"]
mod remote_password;
#[path = "security/sandbox_start.rs"]
mod sandbox_start;
#[path = "security/secrets.rs"]
mod secrets;
#[path = "security/trust.rs"]
mod trust;
