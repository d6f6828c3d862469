//! A stand-in for GitHub on loopback, for tests and demos: git's smart HTTP
//! (git's own `git http-backend`, behind token auth as GitHub does over
//! https) and the few REST calls pocketcode makes, in GitHub's documented
//! shapes, under `/api/v3` as GitHub Enterprise serves them. pocketcode is
//! pointed at it with `--github-api http://127.0.0.1:PORT/api/v3` and does
//! not know it is a stand-in.
//!
//! Repositories are bare repos `<root>/<owner>/<name>.git`. An optional
//! `<root>/<owner>/<name>.git/standin.json` sets the repo's merge settings
//! and the check runs every commit reports:
//! `{"allow_rebase_merge": false, "check_runs": [{"name": "ci", "status":
//! "completed", "conclusion": "success"}]}`.

mod api;
mod git_cmd;
mod git_http;
mod merge;
mod pulls;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::watch;

use crate::server::served::ServedTask;

/// What can go wrong in the stand-in.
#[derive(Debug, thiserror::Error)]
pub enum StandInError {
    #[error("cannot listen: {0}")]
    Listen(#[source] std::io::Error),
    #[error("git {args}: {message}")]
    Git { args: String, message: String },
    #[error("cannot run git: {0}")]
    Spawn(#[source] std::io::Error),
}

/// How the stand-in is set up.
#[derive(Clone, Debug)]
pub struct StandInSettings {
    /// The directory of bare repos `<owner>/<name>.git`.
    pub root: PathBuf,
    /// The one token it accepts (API: `Authorization: Bearer`; git: HTTP
    /// Basic password, any user).
    pub token: String,
    /// The login `GET /user` answers.
    pub login: String,
    /// Clones and fetches without a token (pushes always need it).
    pub public_reads: bool,
}

/// Shared by every handler.
pub(crate) struct StandIn {
    pub settings: StandInSettings,
    /// `http://127.0.0.1:PORT`, for `html_url`s.
    pub base_url: String,
    pub pulls: pulls::PullStore,
    /// Requests refused for a wrong or missing token.
    pub refused: AtomicU64,
}

/// The stand-in served on a loopback port for as long as the handle lives.
pub struct GithubStandIn {
    addr: SocketAddr,
    state: Arc<StandIn>,
    served: ServedTask,
}

impl GithubStandIn {
    /// Serves on a free port of 127.0.0.1.
    pub async fn start(settings: StandInSettings) -> Result<Self, StandInError> {
        Self::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), settings).await
    }

    pub async fn bind(addr: SocketAddr, settings: StandInSettings) -> Result<Self, StandInError> {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(StandInError::Listen)?;
        let addr = listener.local_addr().map_err(StandInError::Listen)?;
        let state = Arc::new(StandIn {
            settings,
            base_url: format!("http://{addr}"),
            pulls: pulls::PullStore::default(),
            refused: AtomicU64::new(0),
        });
        let router = axum::Router::new()
            .nest("/api/v3", api::router())
            .fallback(git_http::serve)
            .with_state(Arc::clone(&state));
        let (stopping, mut stopping_rx) = watch::channel(false);
        let task = tokio::spawn(async move {
            let stopped = async move {
                let _ = stopping_rx.wait_for(|stop| *stop).await;
            };
            if let Err(err) = axum::serve(listener, router)
                .with_graceful_shutdown(stopped)
                .await
            {
                tracing::warn!(%err, "the GitHub stand-in stopped serving");
            }
        });
        Ok(Self {
            addr,
            state,
            served: ServedTask::new(stopping, task),
        })
    }

    /// `http://127.0.0.1:PORT`: git's host (`…/owner/name.git`).
    pub fn git_url(&self) -> String {
        self.state.base_url.clone()
    }

    /// `http://127.0.0.1:PORT/api/v3`: what `--github-api` takes.
    pub fn api_url(&self) -> String {
        format!("{}/api/v3", self.state.base_url)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many requests were refused for a wrong or missing token.
    pub fn refused(&self) -> u64 {
        self.state.refused.load(Ordering::Relaxed)
    }

    pub async fn stop(self) {
        self.served.stop().await;
    }
}

impl StandIn {
    /// Whether `token` is the one this stand-in accepts.
    fn accepts(&self, token: Option<&str>) -> bool {
        let ok = token.is_some_and(|t| {
            use subtle::ConstantTimeEq as _;
            bool::from(t.as_bytes().ct_eq(self.settings.token.as_bytes()))
        });
        if !ok {
            self.refused.fetch_add(1, Ordering::Relaxed);
        }
        ok
    }

    /// The bare repo of `owner/name`, if it exists (names checked).
    fn repo_dir(&self, owner: &str, name: &str) -> Option<PathBuf> {
        crate::server::git::RepoName::new(owner, name).ok()?;
        let dir = self.settings.root.join(owner).join(format!("{name}.git"));
        dir.is_dir().then_some(dir)
    }
}
