//! The repo picker (page `/repos`, and `/` when there is no chat yet): add a
//! repo by `owner/name`, https URL or local path (with clone progress),
//! the repos on disk, the user's GitHub repos; "New chat" on each.

mod add_form;
mod clone_progress;
mod github;
mod repo_list;

use crate::app::resource::json_resource;
use leptos::prelude::*;

use crate::api::list_repos;
use add_form::AddRepoForm;
use github::GithubRepos;
use repo_list::RepoList;

/// Tells the repo list to reload (a repo was added or deleted).
#[derive(Clone, Copy)]
pub struct ReposChanged(RwSignal<u32>);

impl ReposChanged {
    pub fn notify(self) {
        self.0.update(|n| *n = n.wrapping_add(1));
    }
}

#[component]
pub fn ReposPage() -> impl IntoView {
    view! { <RepoPicker /> }
}

#[component]
pub fn RepoPicker() -> impl IntoView {
    let changed = RwSignal::new(0_u32);
    provide_context(ReposChanged(changed));
    let repos = json_resource(move || changed.get(), |_| list_repos());
    view! {
        <div class="min-h-0 flex-1 overflow-y-auto p-3 pb-[max(0.75rem,env(safe-area-inset-bottom))]">
            <h2 class="mb-3 text-neutral-100">"Pick a repo"</h2>
            <AddRepoForm />
            <section aria-label="Repos on this server" class="mt-6">
                <h3 class="mb-2 text-sm text-neutral-400 uppercase">"On this server"</h3>
                <RepoList repos />
            </section>
            <section aria-label="GitHub" class="mt-6">
                <h3 class="mb-2 text-sm text-neutral-400 uppercase">"GitHub"</h3>
                <GithubRepos />
            </section>
        </div>
    }
}
