//! A stand-in for GitHub on loopback (tests, demos): git over HTTP with
//! token auth, and the REST calls pocketcode makes, under `/api/v3`.
//!
//! When it is ready it prints one JSON line on stdout:
//! `{"git": "http://127.0.0.1:PORT", "api": "http://127.0.0.1:PORT/api/v3"}`.
//! Point pocketcode at it with `--github-api <api>` and `GITHUB_TOKEN=<token>`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use pocketcode::server::github_standin::{GithubStandIn, StandInSettings};
use pocketcode::server::{logging, shutdown};

#[derive(Debug, Parser)]
#[command(
    version,
    about = "A loopback stand-in for GitHub: git over HTTP and a few REST calls"
)]
struct Args {
    /// Address to serve on (port 0: any free port, printed on stdout).
    #[arg(long, env = "GITHUB_STANDIN_LISTEN", default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// The directory of bare repos `<owner>/<name>.git`.
    #[arg(long, env = "GITHUB_STANDIN_ROOT")]
    root: PathBuf,
    /// The token it accepts (API bearer token; git Basic password).
    #[arg(long, env = "GITHUB_STANDIN_TOKEN", hide_env_values = true)]
    token: String,
    /// The login `GET /user` answers.
    #[arg(long, default_value = "octo")]
    login: String,
    /// Let clones and fetches through without the token (pushes always need it).
    #[arg(long)]
    public_reads: bool,
    /// Log filter in `tracing` syntax.
    #[arg(long, env = "GITHUB_STANDIN_LOG", default_value = "warn")]
    log: String,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    logging::init(&args.log, false);
    if !args.listen.ip().is_loopback() {
        eprintln!("the stand-in serves on loopback only, not {}", args.listen);
        return ExitCode::FAILURE;
    }
    let settings = StandInSettings {
        root: args.root,
        token: args.token,
        login: args.login,
        public_reads: args.public_reads,
    };
    let standin = match GithubStandIn::bind(args.listen, settings).await {
        Ok(standin) => standin,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "{}",
        serde_json::json!({"git": standin.git_url(), "api": standin.api_url()})
    );
    shutdown::signal_received().await;
    standin.stop().await;
    ExitCode::SUCCESS
}
