//! The `pocketcode` server: parse the config, start opencode, serve.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use pocketcode::server::config::Config;
use pocketcode::server::startup::{self, Pocketcode};
use pocketcode::server::{logging, shutdown};

/// After SIGINT/SIGTERM, open streams (SSE) get this long to finish.
const DRAIN: Duration = Duration::from_secs(5);

#[tokio::main]
async fn main() -> ExitCode {
    let config = Config::parse();
    logging::init(&config.log, config.log_json);
    match run(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err}");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|err| format!("cannot listen on {}: {err}", config.listen))?;
    let pocketcode = Pocketcode::start(&config).await?;
    tracing::info!(
        version = pocketcode::VERSION,
        url = %format!("http://{}", listener.local_addr()?),
        data_dir = %config.data_dir.display(),
        "pocketcode is serving"
    );
    let (stopping_tx, stopping_rx) = tokio::sync::oneshot::channel::<()>();
    let server = startup::serve(listener, pocketcode.router(), async move {
        shutdown::signal_received().await;
        let _ = stopping_tx.send(());
    });
    let served = tokio::select! {
        served = server => served,
        _ = async move {
            let _ = stopping_rx.await;
            tokio::time::sleep(DRAIN).await;
        } => {
            tracing::info!("streams still open after {DRAIN:?}; closing them");
            Ok(())
        }
    };
    pocketcode.shutdown().await;
    tracing::info!("stopped");
    Ok(served?)
}
