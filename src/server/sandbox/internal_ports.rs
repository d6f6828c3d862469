//! pocketcode's own loopback ports: its listener, opencode's, the provider
//! gateway's, each chat's browser gate and debugging port, the scripted
//! model's, ssh tunnels' local ends. Nothing in the agent zone that talks
//! to the network on behalf of web pages (the shared browser) may reach
//! them. Any component adds its port here, or a source for ports that
//! change (opencode's after a restart, each browser's).

use std::collections::BTreeSet;
use std::sync::{Mutex, PoisonError};

/// Ports that are current whenever they are asked for.
pub type PortSource = Box<dyn Fn() -> Vec<u16> + Send + Sync>;

#[derive(Default)]
pub struct InternalPorts {
    fixed: Mutex<BTreeSet<u16>>,
    sources: Mutex<Vec<PortSource>>,
}

impl InternalPorts {
    /// A port that stays pocketcode's until [`remove`](Self::remove)d.
    pub fn add(&self, port: u16) {
        if port != 0 {
            self.fixed
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(port);
        }
    }

    pub fn remove(&self, port: u16) {
        self.fixed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&port);
    }

    /// Ports asked for afresh on every check: a source must be quick and
    /// must not call back into this set.
    pub fn add_source(&self, source: PortSource) {
        self.sources
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(source);
    }

    pub fn contains(&self, port: u16) -> bool {
        self.all().contains(&port)
    }

    /// Every internal port as of now.
    pub fn all(&self) -> BTreeSet<u16> {
        let mut ports = self
            .fixed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        for source in self
            .sources
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
        {
            ports.extend(source().into_iter().filter(|&port| port != 0));
        }
        ports
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU16, Ordering};

    #[test]
    fn fixed_ports_and_sources_that_change() {
        let ports = InternalPorts::default();
        ports.add(8080);
        ports.add(0);
        let opencode = Arc::new(AtomicU16::new(4096));
        let current = opencode.clone();
        ports.add_source(Box::new(move || vec![current.load(Ordering::SeqCst)]));
        assert_eq!(ports.all(), BTreeSet::from([4096, 8080]));
        // A restarted opencode listens elsewhere: its old port is free again.
        opencode.store(5000, Ordering::SeqCst);
        assert!(ports.contains(5000) && !ports.contains(4096));
        ports.remove(8080);
        assert!(!ports.contains(8080));
    }
}
