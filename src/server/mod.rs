//! Everything that runs only on the server. This module is the crate's one
//! `ssr` gate: nothing below it is compiled into the WASM bundle.

pub mod admin;
pub mod agent_push;
pub mod auth;
pub mod backoff;
pub mod bad_arguments;
pub mod browser;
pub mod budget;
pub mod chats;
pub mod config;
pub mod events;
pub mod files;
pub mod gateway;
pub mod git;
pub mod github;
pub mod github_standin;
pub mod html;
pub mod instances;
pub mod logging;
pub mod opencode_client;
pub mod paths;
pub mod proxy;
pub mod push;
pub mod pwa;
pub mod queue;
pub mod remotes;
pub mod router;
pub mod sandbox;
pub mod scripted_model;
pub mod served;
pub mod shutdown;
pub mod ssh;
pub mod startup;
pub mod state;
pub mod supervisor;
pub mod system;
