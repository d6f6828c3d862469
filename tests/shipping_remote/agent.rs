//! The agent's own `git push` (its bash tool, run through the scripted
//! model) fails at GitHub's door, and nothing the agent can read holds the
//! token: not its environment, not git's config or credential files, not
//! `/proc/self/environ`.

use std::path::Path;

use crate::Shipping;
use crate::common::agent_bash::run_agent_bash;
use crate::standin::{commit, sha};

const BEGIN: &str = "AGENT-PUSH-BEGIN";
const END: &str = "AGENT-PUSH-END";

pub async fn the_agents_own_push_fails_and_finds_no_token(shipping: &Shipping) {
    let chat = shipping.chat().await;
    let head = commit(Path::new(&chat.worktree), "agent.txt", "by the agent\n");
    let branch = format!("agent-{}", chat.chat_id);
    let command = format!(
        "echo {BEGIN}; GIT_TERMINAL_PROMPT=0 GIT_ASKPASS=/bin/false git push origin HEAD:refs/heads/{branch} 2>&1; \
         echo push-exit=$?; env; git config -l --show-origin; cat ~/.git-credentials ~/.config/git/credentials; \
         cat /proc/self/environ | tr '\\0' '\\n'; echo; echo {END}"
    );
    let output = run_agent_bash(&shipping.server, &chat, &command, (BEGIN, END)).await;
    assert!(
        output.contains("PATH="),
        "it ran and saw its environment: {output}"
    );
    assert!(
        output.contains("remote.origin.url="),
        "git's config was listed: {output}"
    );
    assert!(
        !output.contains("push-exit=0"),
        "the agent pushed: {output}"
    );
    assert!(
        output.contains("Authentication failed")
            || output.contains("could not read Username")
            || output.contains("401"),
        "refused for want of credentials: {output}"
    );
    assert!(
        !output.contains(&shipping.standin.token),
        "the agent found the token: {output}"
    );
    assert!(!output.contains("GITHUB_TOKEN"), "{output}");
    assert_eq!(sha(&shipping.bare(), &format!("refs/heads/{branch}")), None);
    let pushed = format!("refs/heads/pocketcode/{}", chat.chat_id);
    assert_eq!(
        sha(&shipping.bare(), &pushed),
        None,
        "{head} reached GitHub"
    );
}
