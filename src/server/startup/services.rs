//! Starting pocketcode's own parts around opencode: the repo store and
//! GitHub client, the event hub with its watches, Web Push and the SSH
//! remotes.

use std::path::Path;
use std::sync::Arc;

use crate::server::config::Config;
use crate::server::events::EventHub;
use crate::server::git::{CloneLimits, GitAuthor, GithubHost, GithubToken, Layout, RepoStore};
use crate::server::github::GithubClient;
use crate::server::push::{EndpointPolicy, Push, Sender};
use crate::server::sandbox::internal_ports::InternalPorts;
use crate::server::ssh::{Connections, SshSettings};
use crate::server::supervisor::{PINNED_OPENCODE_VERSION, Supervisor};

/// The repos and chats on disk, and the GitHub client, sharing the token.
/// Chats made before trust existed get their live config set aside here,
/// before anything asks opencode about them.
pub async fn repos(
    config: &Config,
    layout: Layout,
    http: &reqwest::Client,
) -> (Arc<RepoStore>, GithubClient) {
    let github_token = config.github_token.clone().and_then(GithubToken::non_empty);
    let github = GithubClient::new(
        http.clone(),
        config.github_api.clone(),
        github_token.clone(),
        config.github_user.clone(),
    );
    let limits = CloneLimits::new(config.clone_max_mb, config.clone_stall_secs);
    limits.apply_to_libgit2();
    // `--github-api` was checked when parsed.
    let host = GithubHost::from_api(&config.github_api).unwrap_or_default();
    let author = GitAuthor::new(
        config.git_author_name.clone(),
        config.git_author_email.clone(),
    );
    let git = Arc::new(
        RepoStore::new(layout, github_token)
            .with_clone_limits(limits)
            .with_github_host(host)
            .with_author(author),
    );
    match git.hide_untrusted().await {
        Ok(0) => {}
        Ok(n) => tracing::info!(
            chats = n,
            "set aside the opencode config of untrusted repos"
        ),
        Err(err) => {
            tracing::error!(%err, "cannot set aside the opencode config of untrusted repos")
        }
    }
    (git, github)
}

/// The event hub, watching the workspace and every chat's worktree (its
/// session is bound there), and following sessions into new directories.
pub async fn event_hub(
    config: &Config,
    supervisor: &Arc<Supervisor>,
    http: &reqwest::Client,
    workspace: &Path,
    git: &RepoStore,
) -> Arc<EventHub> {
    let events = EventHub::new(config.events.clone(), supervisor.clone(), http.clone());
    crate::server::events::interrupted::interrupt_on_restarts(&events);
    events.watch(workspace);
    match git.worktrees().await {
        Ok(worktrees) => worktrees
            .iter()
            .for_each(|w| events.watch(Path::new(&w.path))),
        Err(err) => tracing::warn!(%err, "cannot list chat worktrees to watch them"),
    }
    tokio::spawn(crate::server::chats::watch_session_directories(
        events.clone(),
        supervisor.clone(),
        http.clone(),
        workspace.to_path_buf(),
    ));
    events
}

/// Web Push: keys and subscriptions in the data dir; a broken file turns
/// notifications off with its reason rather than the server.
pub fn push(
    config: &Config,
    data_dir: &Path,
    events: &EventHub,
    http: &reqwest::Client,
    supervisor: &Arc<Supervisor>,
) -> Result<Sender, String> {
    let endpoints = EndpointPolicy {
        allow_loopback: config.push_allow_loopback,
    };
    match Push::open(data_dir, endpoints) {
        Ok(push) => {
            let (alerts, incoming) = tokio::sync::mpsc::unbounded_channel();
            events.send_alerts_to(alerts);
            let sender = Sender {
                push,
                http: http.clone(),
                contact: config.push_contact.clone(),
            };
            sender.clone().spawn(incoming);
            crate::server::push::notify_restarts(sender.clone(), supervisor);
            Ok(sender)
        }
        Err(err) => {
            tracing::error!(%err, "push notifications are off");
            Err(err.to_string())
        }
    }
}

/// The SSH remotes. Every step of every connection reaches the tabs live:
/// as a resync of the remote's chats (the sidebar refetches, the remotes
/// page reloads its states). Their tunnels' ports are internal.
pub fn ssh(
    config: &Config,
    data_dir: &Path,
    http: &reqwest::Client,
    events: &Arc<EventHub>,
    internal_ports: &InternalPorts,
) -> Arc<Connections> {
    let ssh = Connections::new(
        SshSettings {
            known_hosts: config.ssh_known_hosts.clone(),
            config: config.ssh_config.clone(),
            ..SshSettings::default()
        },
        http.clone(),
        PINNED_OPENCODE_VERSION,
        data_dir,
    );
    let hub = Arc::downgrade(events);
    ssh.on_change(Box::new(move |name, state| {
        if let Some(hub) = hub.upgrade() {
            hub.publish_resync(
                Some(&crate::model::remotes::remote_repo(name)),
                &format!("connection {name}: {state:?}"),
            );
        }
    }));
    let tunnels = Arc::downgrade(&ssh);
    internal_ports.add_source(Box::new(move || {
        tunnels
            .upgrade()
            .map(|ssh| ssh.local_ports())
            .unwrap_or_default()
    }));
    ssh
}
