//! The commits on the chat's branch that the default branch lacks, and
//! whether they were pushed.

use leptos::prelude::*;

use crate::model::changes::ChatChanges;

#[component]
pub fn CommitList(changes: ChatChanges) -> impl IntoView {
    let pushed = match changes.pushed {
        None => "never pushed".to_owned(),
        Some(p) if p.ahead == 0 && p.behind == 0 => "pushed".to_owned(),
        Some(p) => format!("{} not pushed, {} behind origin", p.ahead, p.behind),
    };
    let heading = format!(
        "Commits not on {} ({}; {pushed})",
        changes.default_branch,
        changes.commits.len()
    );
    let commits = changes
        .commits
        .into_iter()
        .map(|commit| {
            view! {
                <li class="flex gap-2 py-1" title=commit.author>
                    <code class="text-neutral-500">{commit.short_id}</code>
                    <span class="min-w-0 flex-1 truncate">{commit.summary}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <h4 class="mt-3 text-neutral-100">{heading}</h4>
        <ul aria-label="Commits ahead">{commits}</ul>
    }
}
