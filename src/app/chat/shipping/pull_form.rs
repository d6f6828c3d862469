//! "Open pull request": title (the chat's), body (the commits it
//! carries), a Draft toggle; opening pushes the branch first.

use leptos::prelude::*;

use super::pull_request::{ActionError, ChatGithub};
use crate::api::OpenPullRequest;
use crate::model::changes::ChatChanges;

/// The body a pull request starts with: the commits, one a line.
pub fn default_body(changes: &ChatChanges) -> String {
    let mut body = String::from("Commits:\n");
    for commit in changes.commits.iter().rev() {
        body.push_str(&format!("- {} {}\n", commit.short_id, commit.summary));
    }
    body.push_str(&format!(
        "\nFrom pocketcode chat {} ({}).",
        changes.chat_id, changes.branch
    ));
    body
}

#[component]
pub fn OpenPullForm(github: ChatGithub, changes: ChatChanges) -> impl IntoView {
    let fallback = StoredValue::new(default_body(&changes));
    let body = move || github.body.get().unwrap_or_else(|| fallback.get_value());
    let pending = github.open.pending();
    let no_commits = changes.commits.is_empty();
    let open = move |_| {
        let chat = github.chat.get_value();
        github.open.dispatch(OpenPullRequest {
            repo: chat.repo,
            chat_id: chat.chat_id,
            title: github.title.get_untracked(),
            body: github
                .body
                .get_untracked()
                .unwrap_or_else(|| fallback.get_value()),
            draft: github.draft.get_untracked(),
        });
    };
    let field = "mt-1 block w-full border border-neutral-700 bg-neutral-950 p-2 text-neutral-100";
    view! {
        <section aria-label="Pull request" class="mt-3">
            <h4 class="text-neutral-100">{format!("Pull request into {}", changes.default_branch)}</h4>
            {no_commits.then(|| view! {
                <p class="text-neutral-500">"Commit first: a pull request carries commits."</p>
            })}
            <label class="mt-1 block">
                <span class="text-neutral-400">"Pull request title"</span>
                <input
                    type="text"
                    class=format!("{field} min-h-11")
                    prop:value=move || github.title.get()
                    on:input=move |ev| github.title.set(event_target_value(&ev))
                />
            </label>
            <label class="mt-2 block">
                <span class="text-neutral-400">"Pull request body"</span>
                <textarea
                    rows="4"
                    class=field
                    prop:value=body
                    on:input=move |ev| github.body.set(Some(event_target_value(&ev)))
                ></textarea>
            </label>
            <label class="mt-1 flex min-h-11 items-center gap-2">
                <input
                    type="checkbox"
                    class="size-6 shrink-0"
                    prop:checked=move || github.draft.get()
                    on:change=move |ev| github.draft.set(event_target_checked(&ev))
                />
                <span>"Draft (not ready for review)"</span>
            </label>
            <button
                type="button"
                class="mt-1 min-h-11 w-full border border-sky-600 px-3 text-sky-200 disabled:text-neutral-600"
                prop:disabled=move || pending.get() || no_commits || github.title.with(|t| t.trim().is_empty())
                on:click=open
            >
                {move || if pending.get() { "Pushing and opening…" } else { "Open pull request" }}
            </button>
            <ActionError github />
        </section>
    }
}
