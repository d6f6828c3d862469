//! [`Gateway`]: the forwarding routes served on a loopback port for as long
//! as the handle lives, on a thread of their own (`gateway`): a model's
//! stream is relayed (and, from a remote provider, decrypted) there, so
//! chats streaming at once never queue the proxy's and the event stream's
//! work behind theirs on pocketcode's workers.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use super::GatewayError;
use super::forward::{Routes, forward};
use super::provider::ProviderRoute;
use super::token::GatewayToken;
use crate::server::served::{ServedTask, on_own_thread};

/// A provider that does not accept a connection by then is down.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The gateway on 127.0.0.1 on its own thread. Dropping it stops it.
pub struct Gateway {
    addr: SocketAddr,
    token: GatewayToken,
    providers: Vec<String>,
    served: ServedTask,
}

impl Gateway {
    /// Serves `providers` on a free loopback port, with a fresh token.
    pub async fn start(providers: Vec<ProviderRoute>) -> Result<Self, GatewayError> {
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            // A redirect could lead anywhere, the key in tow: it goes back
            // to opencode as it came.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(GatewayError::Client)?;
        // Bound here, registered with the runtime that serves it.
        let listener = std::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .and_then(|listener| listener.set_nonblocking(true).map(|()| listener))
            .map_err(GatewayError::Bind)?;
        let addr = listener.local_addr().map_err(GatewayError::Bind)?;
        let token = GatewayToken::random();
        let ids = providers.iter().map(|p| p.id.clone()).collect();
        let routes = Routes {
            token: token.clone(),
            providers: providers.into_iter().map(|p| (p.id.clone(), p)).collect(),
            http,
        };
        let router = axum::Router::new()
            .fallback(forward)
            .with_state(Arc::new(routes));
        let (stopping, mut stopped) = watch::channel(false);
        let task = on_own_thread("gateway", async move {
            let shutdown = async move {
                let _ = stopped.wait_for(|stop| *stop).await;
            };
            let served = match tokio::net::TcpListener::from_std(listener) {
                Ok(listener) => crate::server::startup::serve(listener, router, shutdown).await,
                Err(err) => Err(err),
            };
            if let Err(err) = served {
                tracing::warn!(%err, "the provider gateway stopped serving");
            }
        })
        .map_err(GatewayError::Thread)?;
        Ok(Self {
            addr,
            token,
            providers: ids,
            served: ServedTask::new(stopping, task),
        })
    }

    /// The base URL opencode uses for `provider`, e.g. `http://127.0.0.1:PORT/openrouter`.
    pub fn url(&self, provider: &str) -> String {
        format!("http://{}/{provider}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The token opencode presents instead of a key.
    pub fn token(&self) -> &str {
        self.token.as_str()
    }

    /// The ids of the providers behind it.
    pub fn providers(&self) -> impl Iterator<Item = &str> {
        self.providers.iter().map(String::as_str)
    }

    /// Stops accepting, lets running streams end briefly, then cuts them.
    pub async fn stop(self) {
        self.served.stop().await;
    }
}
