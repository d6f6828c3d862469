//! Chromium's own sandbox (renderers in their own user, PID and network
//! namespaces, under seccomp): on wherever the kernel and user allow it.
//! Chromium refuses it as root, and it needs user namespaces otherwise
//! (Debian ships no setuid helper). What cannot be told from the user and
//! the kernel's switches is found out by trying, once per run.

use std::sync::{Mutex, PoisonError};

/// Why the sandbox cannot work here, when that is known without trying.
pub fn known_impossible() -> Option<String> {
    if nix::unistd::geteuid().is_root() {
        return Some("pocketcode runs as root, where Chromium refuses its sandbox".into());
    }
    let switched_off = [
        (
            "/proc/sys/kernel/unprivileged_userns_clone",
            "kernel.unprivileged_userns_clone = 0: unprivileged user namespaces are off",
        ),
        (
            "/proc/sys/user/max_user_namespaces",
            "user.max_user_namespaces = 0: user namespaces are off",
        ),
    ];
    switched_off.into_iter().find_map(|(file, why)| {
        let value = std::fs::read_to_string(file).ok()?;
        (value.trim() == "0").then(|| why.to_owned())
    })
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Known {
    Untried,
    Works,
    Off(String),
}

/// What this run found out about the sandbox.
pub struct SandboxChoice(Mutex<Known>);

impl SandboxChoice {
    pub fn new() -> Self {
        let known = match known_impossible() {
            Some(why) => {
                tracing::warn!(%why, "the shared browser runs without Chromium's sandbox");
                Known::Off(why)
            }
            None => Known::Untried,
        };
        Self(Mutex::new(known))
    }

    fn known(&self) -> Known {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Whether the next Chromium should start sandboxed.
    pub fn wanted(&self) -> bool {
        !matches!(self.known(), Known::Off(_))
    }

    /// Whether a failed sandboxed start should be tried again without.
    pub fn untried(&self) -> bool {
        self.known() == Known::Untried
    }

    pub fn works(&self) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Known::Works;
    }

    /// Chromium would not start sandboxed but did without: so it stays.
    pub fn failed(&self, why: String) {
        tracing::warn!(%why, "the shared browser runs without Chromium's sandbox");
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Known::Off(why);
    }
}

impl Default for SandboxChoice {
    fn default() -> Self {
        Self::new()
    }
}
