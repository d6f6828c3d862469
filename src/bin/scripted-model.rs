//! The scripted model on its own: an OpenAI-compatible stand-in LLM for
//! trying opencode (or pocketcode) without an API key.
//!
//! `scripted-model --print-config` prints the opencode config that uses it.

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::Parser;
use pocketcode::server::scripted_model::{self, ScriptedModel};
use pocketcode::server::{logging, shutdown};

#[derive(Debug, Parser)]
#[command(
    version,
    about = "An OpenAI-compatible stand-in LLM with scripted answers"
)]
struct Args {
    /// Address to serve on.
    #[arg(long, env = "SCRIPTED_MODEL_LISTEN", default_value = "127.0.0.1:4010")]
    listen: SocketAddr,
    /// The API key requests must carry (`Authorization: Bearer <key>`), as
    /// a real provider's do.
    #[arg(
        long,
        env = "SCRIPTED_MODEL_API_KEY",
        default_value = "sk-scripted-local",
        hide_env_values = true
    )]
    api_key: String,
    /// What `/v1/audio/transcriptions` answers for any recording.
    #[arg(long, env = "SCRIPTED_MODEL_TRANSCRIPTION", default_value = scripted_model::TRANSCRIPTION_TEXT)]
    transcription_text: String,
    /// Print the opencode config (`OPENCODE_CONFIG_CONTENT`) for this address and key, and exit.
    #[arg(long)]
    print_config: bool,
    /// Log filter in `tracing` syntax; `debug` logs every request.
    #[arg(long, env = "SCRIPTED_MODEL_LOG", default_value = "info")]
    log: String,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    if args.print_config {
        let share_url = format!("http://{}", args.listen);
        let base_url = format!("{share_url}/v1");
        let config = scripted_model::opencode_config(&base_url, &args.api_key, &share_url);
        println!("{config}");
        return ExitCode::SUCCESS;
    }
    logging::init(&args.log, false);
    let model = match ScriptedModel::bind(args.listen, args.api_key).await {
        Ok(model) => model,
        Err(err) => {
            tracing::error!(listen = %args.listen, %err, "cannot listen");
            return ExitCode::FAILURE;
        }
    };
    model.set_transcription_text(&args.transcription_text);
    tracing::info!(url = %model.base_url(), "scripted model serving");
    shutdown::signal_received().await;
    model.stop().await;
    ExitCode::SUCCESS
}
