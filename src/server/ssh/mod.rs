//! Remote backends over SSH: a profile per remote machine, a tunnel to its
//! opencode through the system `ssh` (no SSH library), and discovery of
//! what answers at the other end. Errors are typed by the step that failed.

mod classify;
mod command;
mod discovery;
mod error;
mod profile;
mod tunnel;

pub use command::{SshSettings, forward_args, remote_command_args};
pub use discovery::{RemoteOpencode, discover};
pub use error::SshError;
pub use profile::{DEFAULT_REMOTE_PORT, Profile};
pub use tunnel::Tunnel;
