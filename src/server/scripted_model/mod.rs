//! A stand-in LLM: an OpenAI-compatible chat-completions server whose
//! answers are scripted, so tests (and `make run` without an API key) get a
//! real opencode doing real tool calls without a real model.
//!
//! A directive in the last user message picks the answer (see [`directive`]
//! for the syntax; values may be `"quoted"` with `\n` escapes):
//!
//! | directive | answer |
//! |---|---|
//! | none, `[scenario:plain ms=30]` | `You said: "<prompt>". …`, word by word |
//! | `[scenario:slow chunks=100 ms=300]` | `Slow chunk i of N. `, one per `ms` |
//! | `[scenario:write path=notes/hello.txt content="…"]` | `write` tool call, then a summary |
//! | `[scenario:permission command="echo scripted > perm.txt"]` | `bash` tool call (asks), then a summary |
//! | `[scenario:question question="…" options="Red,Blue"]` | `question` tool call, then the answer quoted |
//! | `[scenario:error status=400 message="…"]` | that HTTP status with an OpenAI error body |
//! | `[scenario:echo]` | `Request: model=…; mode=build\|plan; images=N (…)` |
//!
//! Like a real provider it requires an API key (`Authorization: Bearer`),
//! which pocketcode's gateway adds (see `key.rs`).
//!
//! It also serves OpenAI's speech to text (see [`transcription`]): a
//! scripted text for any recording that looks like one, every upload
//! recorded for tests to read back.
//!
//! It also stands in for opencode's share service (see [`share`]): the
//! opencode config it prints points `enterprise.url` at it.
//!
//! Requests without tools are opencode's side jobs (the session title, and
//! summaries, pocketcode's commit message asked aside) and always get a
//! short plain text: the title job carries the user's text, directive
//! included; the commit message is made from the question's file list.

mod commit_job;
mod completion;
mod config;
pub mod directive;
mod echo;
mod key;
mod routes;
mod scenario;
mod server;
mod share;
mod stream;
mod transcription;
mod usage_log;

pub use config::{CONTEXT_WINDOW, PROVIDER_ID, opencode_config};
pub use directive::{DirectiveError, Scenario};
pub use key::random_key;
pub use routes::router;
pub use server::ScriptedModel;
pub use transcription::{MIN_AUDIO_BYTES, TRANSCRIPTION_TEXT, TranscriptionUpload};
pub use usage_log::ReportedUsage;

/// The model id opencode asks for by default (it accepts images).
pub const MODEL_ID: &str = "scripted-model";
/// A second, text-only model, for choosing between models.
pub const LITE_MODEL_ID: &str = "scripted-model-lite";
