//! The chat's pull request on GitHub: the context that holds it and its
//! actions ([`ChatGithub`]), the header's "PR #N" chip, and the sheet's
//! part below the commits: Push, then either "Open pull request" (see
//! `pull_form`) or the pull request with its checks, Merge and Close.
//! Repos without a GitHub remote get a note to merge locally instead.

use crate::app::resource::{JsonResource, json_resource};
use leptos::prelude::*;

use crate::app::call::Call;

use super::pull_form::OpenPullForm;
use super::push_box::PushBox;
use super::{ChatShipping, ShippingChat};
use crate::api::{
    AppError, ClosePullRequest, MergePullRequest, OpenPullRequest, PushChat, get_pull_request,
};
use crate::app::confirm::ConfirmButton;
use crate::app::erase::Erase;
use crate::model::changes::ChatChanges;
use crate::model::pull_request::{MergeMethod, PullRequest, PullRequestState};

/// The chat's push and pull request actions, and its pull request as
/// GitHub has it (reloaded after each of them).
#[derive(Clone, Copy)]
pub struct ChatGithub {
    pub chat: StoredValue<ShippingChat>,
    pub push: Call<PushChat>,
    pub open: Call<OpenPullRequest>,
    pub merge: Call<MergePullRequest>,
    pub close: Call<ClosePullRequest>,
    pub pull: JsonResource<Result<Option<PullRequest>, AppError>>,
    /// The pull request being written (they outlive the sheet's reloads);
    /// `body` is `None` until edited: the commits are its default.
    pub title: RwSignal<String>,
    pub body: RwSignal<Option<String>>,
    pub draft: RwSignal<bool>,
    /// The branch name typed in Push, `None` until typed (the name it was
    /// last pushed under is the default). Kept here, not in Push, whose
    /// reload after every push would put the default back over what the
    /// user is typing.
    pub branch: RwSignal<Option<String>>,
}

/// Makes the chat's [`ChatGithub`] and provides it; a push (an opened
/// pull request pushes too) reloads the chat's changes.
pub fn provide_chat_github(shipping: ChatShipping) -> ChatGithub {
    let push = Call::<PushChat>::new();
    let open = Call::<OpenPullRequest>::new();
    let merge = Call::<MergePullRequest>::new();
    let close = Call::<ClosePullRequest>::new();
    let chat = shipping.chat;
    let pull = json_resource(
        move || {
            (
                push.version().get(),
                open.version().get(),
                merge.version().get(),
                close.version().get(),
            )
        },
        move |_| {
            let ShippingChat { repo, chat_id, .. } = chat.get_value();
            async move {
                // A repo cloned from a local path never has a GitHub remote:
                // no request (its 409 would be a console error on every chat page).
                if repo.starts_with("local/") {
                    return Err(AppError::Conflict(format!(
                        "{repo} has no GitHub remote: merge locally"
                    )));
                }
                get_pull_request(repo, chat_id).await
            }
        },
    );
    Effect::new(move |before: Option<(usize, usize)>| {
        let now = (push.version().get(), open.version().get());
        if before.is_some_and(|b| b != now) {
            shipping.changes.refetch();
        }
        now
    });
    let github = ChatGithub {
        chat,
        push,
        open,
        merge,
        close,
        pull,
        title: RwSignal::new(chat.with_value(|c| c.title.clone())),
        body: RwSignal::new(None),
        draft: RwSignal::new(false),
        branch: RwSignal::new(None),
    };
    provide_context(github);
    github
}

/// The repo has no GitHub remote: pushing and pull requests do not apply.
fn no_github_remote(error: &AppError) -> bool {
    matches!(error, AppError::Conflict(m) if m.contains("no GitHub remote"))
}

/// "PR #N open" in the chat header, a link to the pull request on GitHub.
#[component]
pub fn PullChip() -> impl IntoView {
    let Some(github) = use_context::<ChatGithub>() else {
        return ().erase();
    };
    let chip = move || {
        let pull = github.pull.get()?.ok()??;
        let state = state_word(&pull);
        let colour = match pull.state {
            PullRequestState::Open if pull.draft => "border-neutral-500 text-neutral-300",
            PullRequestState::Open => "border-emerald-600 text-emerald-300",
            PullRequestState::Merged => "border-violet-600 text-violet-300",
            PullRequestState::Closed => "border-red-800 text-red-300",
        };
        Some(view! {
            <a
                href=pull.html_url
                target="_blank"
                rel="noopener"
                data-testid="pull-chip"
                aria-label=format!("Pull request #{} {state} on GitHub", pull.number)
                class="flex min-h-11 shrink-0 items-center"
            >
                <span class=format!("rounded-full border px-2 py-0.5 {colour}")>
                    {format!("PR #{} {state}", pull.number)}
                </span>
            </a>
        })
    };
    view! { <Transition fallback=|| ()>{chip}</Transition> }.erase()
}

/// `open`, `draft`, `merged` or `closed`.
fn state_word(pull: &PullRequest) -> &'static str {
    match pull.state {
        PullRequestState::Open if pull.draft => "draft",
        PullRequestState::Open => "open",
        PullRequestState::Merged => "merged",
        PullRequestState::Closed => "closed",
    }
}

/// The sheet's GitHub part: Push and the pull request.
#[component]
pub fn GithubShip(changes: ChatChanges) -> impl IntoView {
    let Some(github) = use_context::<ChatGithub>() else {
        return ().erase();
    };
    let changes = StoredValue::new(changes);
    view! {
        <Transition fallback=|| view! { <p class="mt-3 text-neutral-500">"Asking GitHub…"</p> }>
            {move || Suspend::new(async move {
                let changes = changes.get_value();
                match github.pull.await {
                    Err(e) if no_github_remote(&e) => view! {
                        <p class="mt-3 text-neutral-500" data-testid="no-github">
                            {format!("No push or pull request: {e} (below).")}
                        </p>
                    }
                    .erase(),
                    Err(e) => view! {
                        <PushBox github changes />
                        <p role="alert" class="mt-2 text-red-400">{format!("Pull request unknown: {e}")}</p>
                    }
                    .erase(),
                    Ok(None) => view! {
                        <PushBox github changes=changes.clone() />
                        <OpenPullForm github changes />
                    }
                    .erase(),
                    Ok(Some(pull)) => view! {
                        <PushBox github changes />
                        <PullCard github pull />
                    }
                    .erase(),
                }
            })}
        </Transition>
    }
    .erase()
}

/// An existing pull request: number and state, checks, the link, and for
/// an open one Merge (with the methods the repo allows) and Close.
#[component]
fn PullCard(github: ChatGithub, pull: PullRequest) -> impl IntoView {
    let state = state_word(&pull);
    let checks = pull.checks;
    let checks = if checks.total == 0 {
        "no checks".to_owned()
    } else {
        format!(
            "checks: {} passed, {} failed, {} pending",
            checks.passed, checks.failed, checks.pending
        )
    };
    let open = pull.state == PullRequestState::Open;
    let checks_colour = if pull.checks.failed > 0 {
        "text-red-400"
    } else {
        "text-neutral-400"
    };
    view! {
        <section aria-label="Pull request" class="mt-3">
            <h4 class="text-neutral-100" data-testid="pull-state">
                {format!("Pull request #{} {state}", pull.number)}
            </h4>
            <p class="truncate">{pull.title.clone()}</p>
            <p data-testid="pull-checks" class=checks_colour>
                {checks}
            </p>
            <a
                href=pull.html_url.clone()
                target="_blank"
                rel="noopener"
                class="flex min-h-11 items-center text-sky-300 underline"
            >
                {format!("#{} on GitHub ↗", pull.number)}
            </a>
            {open.then(|| view! { <MergeClose github pull=pull.clone() /> })}
            <ActionError github />
        </section>
    }
}

/// Merge (a method picker when the repo allows more than one) and Close.
#[component]
fn MergeClose(github: ChatGithub, pull: PullRequest) -> impl IntoView {
    let methods = pull.merge_methods.clone();
    let Some(first) = methods.first().copied() else {
        return view! { <p class="text-amber-300">"The repo allows no merge method: merge on GitHub."</p> }
            .erase();
    };
    let method = RwSignal::new(first);
    let busy = Signal::derive(move || github.merge.pending().get() || github.close.pending().get());
    let picker = (methods.len() > 1).then(|| {
        let options = methods
            .iter()
            .map(|m| view! { <option value=m.as_str()>{m.as_str()}</option> })
            .collect_view();
        view! {
            <select
                aria-label="Merge method"
                class="min-h-11 border border-neutral-700 bg-neutral-950 px-2 text-neutral-100"
                on:change=move |ev| {
                    if let Some(m) = MergeMethod::parse(&event_target_value(&ev)) {
                        method.set(m);
                    }
                }
            >
                {options}
            </select>
        }
    });
    let merge = move |_| {
        let chat = github.chat.get_value();
        github.merge.dispatch(MergePullRequest {
            repo: chat.repo,
            chat_id: chat.chat_id,
            method: method.get_untracked().as_str().to_owned(),
        });
    };
    let close = move || {
        let chat = github.chat.get_value();
        github.close.dispatch(ClosePullRequest {
            repo: chat.repo,
            chat_id: chat.chat_id,
        });
    };
    view! {
        <div class="mt-2 flex gap-2">
            {picker}
            <button
                type="button"
                class="min-h-11 flex-1 border border-violet-500 px-3 text-violet-200 disabled:text-neutral-600"
                prop:disabled=move || busy.get()
                on:click=merge
            >
                {move || if github.merge.pending().get() { "Merging…" } else { "Merge pull request" }}
            </button>
        </div>
        <div class="mt-2 flex justify-end">
            <ConfirmButton
                label="Close pull request".to_owned()
                confirm=format!("Tap again to close #{}", pull.number)
                disabled=busy
                on_confirm=close
            />
        </div>
    }
    .erase()
}

/// The last refusal of opening, merging or closing, with GitHub's reason.
#[component]
pub fn ActionError(github: ChatGithub) -> impl IntoView {
    let error = move || {
        let latest = [
            ("Not opened", github.open.value().get()),
            ("Not merged", github.merge.value().get()),
            ("Not closed", github.close.value().get()),
        ];
        latest.into_iter().find_map(|(what, result)| {
            let e = result?.err()?;
            Some(view! { <p role="alert" class="mt-2 text-red-400">{format!("{what}: {e}")}</p> })
        })
    };
    view! { {error} }
}
