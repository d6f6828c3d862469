//! The memory budget (`--opencode-memory-mb`): every few seconds the
//! resident memory of opencode's whole process tree is measured; over the
//! budget, the idle chats' instances are disposed first, and if memory is
//! still over after a short settle and no chat is busy, opencode is
//! restarted (cause `memory`, through the supervisor, like a hang). With a
//! busy chat it waits and says so. When a restart is not allowed, see
//! [`decide`]. `/resources` and `/admin/memory` show where it stands.

mod decide;
mod instances_pool;
mod pool;
mod run;
mod tree;
mod words;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

pub use decide::{Action, Check, decide};
pub use instances_pool::InstancesPool;
pub use pool::InstancePool;
pub use tree::{ProcessMemory, TreeMemory, tree_memory};

use crate::model::memory::{BudgetState, MemoryRestart, OpencodeMemory};
use crate::server::supervisor::Supervisor;

/// The default budget, for the 2 GB Fly machine (`fly.toml`). Measured
/// (`benches/opencode_memory.rs`): a fresh opencode's tree is ~0.3 GB, ~1 GB
/// once one chat was prompted (its browser tools' `node` MCP process ~0.1 GB
/// of that, gone when the instance is disposed), and the opencode process
/// itself keeps what it grew to (1.3 GB after 10 chats, 2.5 GB after 40)
/// until restarted. 1 GB leaves the machine's other GB to Chromium (~1 GB
/// while a chat's shared browser runs) and pocketcode (~50 MB), the 512 MB
/// swap taking the bursts (a build the agent runs counts in opencode's tree,
/// but its chat is busy then, so it only delays a restart).
pub const DEFAULT_BUDGET_MB: u64 = 1024;

/// The least time between two memory restarts.
pub const COOL_DOWN: Duration = Duration::from_secs(10 * 60);
/// How long after disposing instances memory is measured again (opencode
/// closes their MCP servers and LSP processes meanwhile).
pub const SETTLE: Duration = Duration::from_secs(2);

#[derive(Debug, thiserror::Error)]
pub enum BudgetError {
    #[error("cannot measure opencode's memory: {0}")]
    Measure(#[from] tokio::task::JoinError),
}

impl BudgetError {
    /// Failing to measure is pocketcode's own failure.
    pub fn status(&self) -> u16 {
        500
    }
}

/// The budget and how often it is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BudgetSettings {
    /// 0: no budget (memory is still measured for `/resources`).
    pub budget_bytes: u64,
    pub every: Duration,
}

/// What the loop last did, for `/resources`.
#[derive(Default)]
struct Standing {
    state: BudgetState,
    last_restart: Option<MemoryRestart>,
}

struct Inner {
    /// The budget now, in bytes (0: none); it can change while running.
    budget_bytes: AtomicU64,
    every: Duration,
    supervisor: Arc<Supervisor>,
    pool: Arc<dyn InstancePool>,
    standing: Mutex<Standing>,
}

/// The running budget.
pub struct MemoryBudget {
    inner: Arc<Inner>,
    task: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl MemoryBudget {
    /// Starts checking in the background.
    pub fn spawn(
        settings: BudgetSettings,
        supervisor: Arc<Supervisor>,
        pool: Arc<dyn InstancePool>,
    ) -> Arc<Self> {
        let standing = Standing {
            state: if settings.budget_bytes == 0 {
                BudgetState::Off
            } else {
                BudgetState::NotRunning
            },
            last_restart: None,
        };
        let inner = Arc::new(Inner {
            budget_bytes: AtomicU64::new(settings.budget_bytes),
            every: settings.every,
            supervisor,
            pool,
            standing: Mutex::new(standing),
        });
        let task = tokio::spawn(run::run(inner.clone()));
        Arc::new(Self {
            inner,
            task: Mutex::new(Some(task)),
        })
    }

    /// Changes the budget from the next check on (0: none).
    pub fn set_budget_bytes(&self, bytes: u64) {
        self.inner.budget_bytes.store(bytes, Ordering::Relaxed);
    }

    /// opencode's memory measured now, with where the budget stands.
    pub async fn now(&self) -> Result<OpencodeMemory, BudgetError> {
        let tree = match self.inner.supervisor.status().pid {
            Some(pid) => tokio::task::spawn_blocking(move || tree_memory(pid)).await?,
            None => None,
        };
        let standing = self.inner.standing();
        let (state, last_restart) = (standing.state.clone(), standing.last_restart.clone());
        drop(standing);
        Ok(OpencodeMemory {
            rss_bytes: tree.as_ref().map(|t| t.rss_bytes),
            processes: tree.map_or(0, |t| t.processes.len() as u32),
            budget_bytes: self.inner.budget(),
            instances_alive: self.inner.pool.alive(),
            summary: words::summary(&state, last_restart.as_ref()),
            state,
            last_restart,
        })
    }

    /// Stops checking (pocketcode is stopping).
    pub fn shutdown(&self) {
        let task = self
            .task
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(task) = task {
            task.abort();
        }
    }
}

impl Drop for MemoryBudget {
    fn drop(&mut self) {
        self.shutdown();
    }
}

impl Inner {
    fn budget(&self) -> u64 {
        self.budget_bytes.load(Ordering::Relaxed)
    }

    fn standing(&self) -> std::sync::MutexGuard<'_, Standing> {
        self.standing.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
