//! "Push": the chat's branch to GitHub as `pocketcode/<chat id>`, the name
//! it was last pushed under, or one the user types, done by pocketcode with
//! its token. Says whether the branch is pushed ("pushed ✓
//! <sha>", "N unpushed"); when GitHub refuses a push that would drop its
//! commits, "Force push" behind a second tap.

use leptos::prelude::*;

use super::pull_request::ChatGithub;
use crate::api::{AppError, PushChat};
use crate::app::confirm::ConfirmButton;
use crate::app::erase::Erase;
use crate::model::changes::ChatChanges;

/// What the branch is on GitHub, in a few words.
pub fn push_state(changes: &ChatChanges) -> String {
    let tip = changes.commits.first().map(|c| c.short_id.as_str());
    match changes.pushed {
        Some(p) if p.ahead == 0 && p.behind == 0 => match tip {
            Some(tip) => format!("pushed ✓ {tip}"),
            None => "pushed ✓".to_owned(),
        },
        Some(p) if p.behind == 0 => format!("{} unpushed", p.ahead),
        Some(p) => format!(
            "{} unpushed; GitHub has {} commit(s) this branch lacks",
            p.ahead, p.behind
        ),
        None if changes.commits.is_empty() => "nothing to push: commit first".to_owned(),
        None => format!("{} unpushed (never pushed)", changes.commits.len()),
    }
}

/// A refusal that a forced push would get past.
fn not_fast_forward(error: &AppError) -> bool {
    matches!(error, AppError::Conflict(m) if m.contains("not a fast-forward"))
}

#[component]
pub fn PushBox(github: ChatGithub, changes: ChatChanges) -> impl IntoView {
    let push = github.push;
    let pending = push.pending();
    let nothing = match changes.pushed {
        Some(p) => p.ahead == 0 && p.behind == 0,
        None => changes.commits.is_empty(),
    };
    let state = push_state(&changes);
    let remote = StoredValue::new(changes.remote_branch.clone());
    let typed = github.branch;
    let name = move || typed.get().unwrap_or_else(|| remote.get_value());
    let renamed = move || {
        typed.with(|t| {
            t.as_ref()
                .is_some_and(|n| remote.with_value(|r| n.trim() != r))
        })
    };
    let dispatch = move |force: bool| {
        let chat = github.chat.get_value();
        let branch = untrack(name).trim().to_owned();
        push.dispatch(PushChat {
            repo: chat.repo,
            chat_id: chat.chat_id,
            branch: (!branch.is_empty()).then_some(branch),
            force,
        });
    };
    let result = move || {
        push.value().get().map(|result| match result {
            Ok(outcome) => {
                let short: String = outcome.commit.chars().take(7).collect();
                let how = match (outcome.up_to_date, outcome.forced) {
                    (true, _) => "GitHub already had it",
                    (false, true) => "forced",
                    (false, false) => "sent",
                };
                view! {
                    <p role="status" data-testid="pushed" class="text-emerald-300">
                        {format!("Pushed {} at {short} ({how}).", outcome.branch)}
                    </p>
                }
                .erase()
            }
            Err(e) if not_fast_forward(&e) => view! {
                <p role="alert" class="text-amber-300">{format!("Not pushed: {e}")}</p>
                <ConfirmButton
                    label="Force push".to_owned()
                    confirm="Tap again: replace GitHub's commits".to_owned()
                    disabled=pending
                    on_confirm=move || dispatch(true)
                />
            }
            .erase(),
            Err(e) => {
                view! { <p role="alert" class="text-red-400">{format!("Not pushed: {e}")}</p> }
                    .erase()
            }
        })
    };
    view! {
        <section aria-label="Push" class="mt-3">
            <h4 class="text-neutral-100">"Push to GitHub"</h4>
            <label class="mt-1 block">
                <span class="text-neutral-400">"Branch on GitHub"</span>
                <input
                    type="text"
                    autocapitalize="off"
                    autocomplete="off"
                    spellcheck="false"
                    enterkeyhint="send"
                    class="mt-1 block min-h-11 w-full border border-neutral-700 bg-neutral-950 px-2 font-mono text-base text-neutral-100"
                    prop:value=name
                    on:input=move |ev| typed.set(Some(event_target_value(&ev)))
                />
            </label>
            <p data-testid="push-state" class="mt-1">
                {move || if renamed() {
                    "not pushed under this name yet".to_owned()
                } else {
                    state.clone()
                }}
            </p>
            {changes.uncommitted().then(|| view! {
                <p class="text-neutral-500">"Only committed work is pushed: commit first."</p>
            })}
            <button
                type="button"
                class="mt-2 min-h-11 w-full border border-emerald-600 px-3 text-emerald-200 disabled:text-neutral-600"
                prop:disabled=move || {
                    pending.get() || name().trim().is_empty() || (nothing && !renamed())
                }
                on:click=move |_| dispatch(false)
            >
                {move || if pending.get() { "Pushing…" } else { "Push" }}
            </button>
            {result}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::push_state;
    use crate::app::chat::shipping::pull_form::default_body;
    use crate::model::changes::{ChatChanges, ChatCommit, MergeCheck, Pushed};

    fn changes(commits: &[&str], pushed: Option<(u32, u32)>) -> ChatChanges {
        ChatChanges {
            repo: "o/r".into(),
            chat_id: "c1".into(),
            branch: "pocketcode/c1".into(),
            remote_branch: "pocketcode/c1".into(),
            default_branch: "main".into(),
            files: Vec::new(),
            insertions: 0,
            deletions: 0,
            commits: commits
                .iter()
                .enumerate()
                .map(|(i, summary)| ChatCommit {
                    id: format!("{i}").repeat(40),
                    short_id: format!("{i}").repeat(7),
                    summary: (*summary).to_owned(),
                    author: "a".into(),
                    time: 0,
                })
                .collect(),
            pushed: pushed.map(|(ahead, behind)| Pushed { ahead, behind }),
            merge: MergeCheck::default(),
        }
    }

    #[test]
    fn the_push_state_says_pushed_with_the_tip_or_how_many_are_not() {
        assert_eq!(
            push_state(&changes(&["b", "a"], Some((0, 0)))),
            "pushed ✓ 0000000"
        );
        assert_eq!(
            push_state(&changes(&["b", "a"], Some((2, 0)))),
            "2 unpushed"
        );
        assert_eq!(
            push_state(&changes(&["a"], None)),
            "1 unpushed (never pushed)"
        );
        assert_eq!(
            push_state(&changes(&[], None)),
            "nothing to push: commit first"
        );
        assert!(push_state(&changes(&["a"], Some((1, 2)))).contains("GitHub has 2 commit(s)"));
    }

    #[test]
    fn the_default_body_lists_the_commits_oldest_first() {
        let body = default_body(&changes(&["second", "first"], None));
        let first = body.find("1111111 first").expect("first listed");
        let second = body.find("0000000 second").expect("second listed");
        assert!(first < second, "{body}");
        assert!(body.contains("pocketcode/c1"), "{body}");
    }
}
