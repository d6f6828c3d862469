//! The `pocketcode` server: parse the config, start opencode, serve.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use pocketcode::server::config::Config;
use pocketcode::server::startup::{self, Pocketcode};
use pocketcode::server::{logging, shutdown, system};

/// After SIGINT/SIGTERM, open streams (SSE) get this long to finish.
const DRAIN: Duration = Duration::from_secs(5);

fn main() -> ExitCode {
    system::fewer_arenas();
    let config = Config::parse();
    if config.auth.hash_password {
        return hash_password();
    }
    logging::init(&config.log, config.log_json);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            tracing::error!("cannot start tokio's runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(config)) {
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
    pocketcode.serving_on(listener.local_addr()?);
    tracing::info!(
        version = pocketcode::VERSION,
        url = %format!("http://{}", listener.local_addr()?),
        data_dir = %config.data_dir.display(),
        "pocketcode is serving"
    );
    print_login_banner(&pocketcode, listener.local_addr()?);
    system::keep_lean();
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

/// With no password configured, pocketcode made one up: say how to get in
/// (like Jupyter's token URL), on stdout so it is seen even with JSON logs.
fn print_login_banner(pocketcode: &Pocketcode, addr: std::net::SocketAddr) {
    let auth = &pocketcode.state.auth;
    let (Some(path), Some(password)) = (auth.one_time_login_path(), auth.generated_password())
    else {
        return;
    };
    let host = if addr.ip().is_unspecified() {
        std::net::SocketAddr::new([127, 0, 0, 1].into(), addr.port())
    } else {
        addr
    };
    println!(
        "\nNo AUTH_PASSWORD is set, so this run generated one.\n  \
         Log in (link works once): http://{host}{path}\n  \
         Password for other devices: {password}\n  \
         Set AUTH_PASSWORD (and AUTH_SECRET) to choose your own.\n"
    );
}

/// `pocketcode --hash-password`: one line of stdin in, a PHC hash out.
fn hash_password() -> ExitCode {
    let mut line = String::new();
    if let Err(err) = std::io::stdin().read_line(&mut line) {
        eprintln!("cannot read the password from stdin: {err}");
        return ExitCode::FAILURE;
    }
    let password = line.trim_end_matches(['\r', '\n']);
    if password.is_empty() {
        eprintln!("no password on stdin: run `echo 'your password' | pocketcode --hash-password`");
        return ExitCode::FAILURE;
    }
    match pocketcode::server::auth::password::PasswordCheck::new_hash(password) {
        Ok(hash) => {
            println!("{hash}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("{err}");
            ExitCode::FAILURE
        }
    }
}
