//! Remote backends over SSH: a profile per remote machine, a tunnel to its
//! opencode through the system `ssh` (no SSH library), and discovery of
//! what answers at the other end. Errors are typed by the step that failed.

mod access;
mod backend;
pub mod bootstrap;
mod classify;
mod command;
mod connections;
mod diagnostics;
mod discovery;
mod error;
mod exec;
mod profile;
mod store;
mod tunnel;

pub use access::ACCESS_FILE;
pub use backend::{LISTED_SESSIONS, as_chat};
pub use command::{SshSettings, forward_args, remote_command_args};
pub use connections::{Connections, RemoteState};
pub use diagnostics::redact;
pub use discovery::{RemoteOpencode, discover};
pub use error::SshError;
pub use exec::remote_sh;
pub use profile::{DEFAULT_REMOTE_PORT, Profile};
pub use store::{PROFILES_FILE, ProfileStore};
pub use tunnel::Tunnel;
