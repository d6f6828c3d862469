//! Shipping a chat through GitHub, against the `github-standin` binary (git
//! over HTTP with token auth, GitHub's pull request calls): pocketcode is
//! started with `GITHUB_TOKEN` and `--github-api` pointing at it and clones
//! `owner/name` from it as it would from github.com. One pocketcode serves
//! every step (opencode is slow to start); each step is a file under
//! `tests/shipping_remote/`.

#[path = "shipping_remote/agent.rs"]
mod agent;
#[path = "shipping_remote/agent_tool.rs"]
mod agent_tool;
#[path = "shipping_remote/author.rs"]
mod author;
#[path = "shipping_remote/bad_inputs.rs"]
mod bad_inputs;
mod common;
#[path = "shipping_remote/hostile_config.rs"]
mod hostile_config;
#[path = "shipping_remote/pulls.rs"]
mod pulls;
#[path = "shipping_remote/push.rs"]
mod push;
#[path = "shipping_remote/standin.rs"]
mod standin;

use common::TestServer;
use common::http::NewChat;
use standin::Standin;

pub const OWNER: &str = "octo";
pub const REPO: &str = "app";

/// pocketcode pointed at the stand-in, with `octo/app` on the stand-in.
pub struct Shipping {
    pub server: TestServer,
    pub standin: Standin,
    _guard: standin::KillOnPanic,
}

impl Shipping {
    pub async fn start() -> Self {
        let standin = Standin::start();
        standin.create_repo(OWNER, REPO);
        let password = "shipping remote test password";
        let server = TestServer::start_binary(
            &[
                ("AUTH_PASSWORD", password),
                ("GITHUB_TOKEN", &standin.token),
                ("POCKETCODE_GITHUB_API", &standin.api_url),
            ],
            password,
        )
        .await;
        Self {
            _guard: standin::KillOnPanic(server.pid()),
            server,
            standin,
        }
    }

    /// A new chat of `octo/app`, cloned from the stand-in as `owner/name`.
    pub async fn chat(&self) -> NewChat {
        NewChat::make(&self.server, &format!("{OWNER}/{REPO}")).await
    }

    pub fn bare(&self) -> std::path::PathBuf {
        self.standin.bare(OWNER, REPO)
    }

    pub async fn stop(self) {
        self.server.stop().await;
        self.standin.stop();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chat_ships_through_github() {
    let shipping = Shipping::start().await;
    push::pushes_update_and_refuse_what_they_should(&shipping).await;
    push::a_picked_branch_name_is_pushed_under_refs_heads(&shipping).await;
    pulls::a_pull_request_opens_updates_and_merges(&shipping).await;
    pulls::a_pull_request_closes(&shipping).await;
    author::a_commit_is_by_the_tokens_github_user(&shipping).await;
    bad_inputs::bad_inputs_get_4xx_and_change_nothing(&shipping).await;
    agent::the_agents_own_push_fails_and_finds_no_token(&shipping).await;
    agent_tool::the_agents_push_tool_pushes_its_own_branch_only(&shipping).await;
    agent_tool::a_forged_capability_pushes_nothing(&shipping).await;
    hostile_config::an_agent_edited_config_does_not_redirect_the_token(&shipping).await;
    shipping.stop().await;
}
