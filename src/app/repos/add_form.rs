//! "Add a repo": `owner/name`, an https git URL, or a path on the server.
//! While it clones, the clone's progress shows below.

use leptos::prelude::*;

use super::ReposChanged;
use super::clone_progress::CloneProgress;
use crate::api::AddRepo;
use crate::app::erase::Erase;
use crate::model::repos::CloneOutcome;

#[component]
pub fn AddRepoForm() -> impl IntoView {
    let add = ServerAction::<AddRepo>::new();
    let changed = expect_context::<ReposChanged>();
    Effect::new(move |_| {
        if let Some(Ok(_)) = add.value().get() {
            changed.notify();
        }
    });
    let outcome = move || {
        add.value().get().map(|result| match result {
            Ok(added) => {
                let what = match added.outcome {
                    CloneOutcome::Cloned => "cloned",
                    CloneOutcome::Joined => "cloned (by another request)",
                    CloneOutcome::Existing => "already here",
                };
                view! { <p role="status" class="mt-2 text-neutral-400">{format!("{}: {what}.", added.repo.name)}</p> }
                    .erase()
            }
            Err(error) => {
                view! { <p role="alert" class="mt-2 text-red-400">{error.to_string()}</p> }.erase()
            }
        })
    };
    view! {
        <ActionForm action=add>
            <label for="repo-source" class="mb-1 block text-sm text-neutral-400">
                "Add a repo: owner/name, https URL or a path on the server"
            </label>
            <div class="flex gap-2">
                <input
                    id="repo-source"
                    name="source"
                    type="text"
                    required
                    autocomplete="off"
                    autocapitalize="off"
                    spellcheck="false"
                    placeholder="owner/name"
                    class="min-h-11 min-w-0 flex-1 border border-neutral-700 bg-black px-2 text-base text-neutral-100 focus:border-neutral-400 focus:outline-none"
                />
                <button
                    type="submit"
                    class="min-h-11 border border-neutral-500 px-4 text-neutral-100 disabled:text-neutral-600"
                    disabled=move || add.pending().get()
                >
                    {move || if add.pending().get() { "Adding…" } else { "Add" }}
                </button>
            </div>
        </ActionForm>
        <CloneProgress active=add.pending().into() />
        {outcome}
    }
}
