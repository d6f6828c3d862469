//! The agent zone: what opencode, everything it starts, and the shared
//! browser may see of this machine. Children get an allow-listed
//! environment ([`env`]) and pocketcode itself is not dumpable, so nothing
//! it starts can read its `/proc/<pid>/environ` or memory.

pub mod env;
pub mod internal_ports;

/// Makes this process non-dumpable: its `/proc/<pid>/environ`, `mem` and
/// `maps` become unreadable to other processes of the same user, and they
/// cannot ptrace it. Children start dumpable again after `execve` (they are
/// not setuid), which is what they need.
pub fn forbid_inspection() -> std::io::Result<()> {
    nix::sys::prctl::set_dumpable(false).map_err(std::io::Error::from)
}
