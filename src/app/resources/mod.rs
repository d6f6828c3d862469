//! Page `/resources`: what pocketcode uses on this server and the ways to
//! free it: disk, repos, chats with their worktrees, running sessions,
//! processes the agent left behind, and garbage collection.

mod chats;
mod disk;
mod gc;
mod processes;
mod repos;

use leptos::prelude::*;

use crate::api::get_disk_usage;
use crate::app::directory::ChatDirectory;
use chats::{Chats, RunningSessions};
use disk::Disk;
use gc::GarbageCollection;
use processes::Orphans;
use repos::Repos;

/// Tells the page's lists to reload after something was deleted.
/// The sidebar's chats are refreshed too.
#[derive(Clone, Copy)]
pub struct ResourcesChanged {
    version: RwSignal<u32>,
    directory: ChatDirectory,
}

impl ResourcesChanged {
    pub fn notify(self) {
        self.version.update(|n| *n = n.wrapping_add(1));
        self.directory.refresh();
    }

    pub fn version(self) -> u32 {
        self.version.get()
    }
}

#[component]
pub fn ResourcesPage() -> impl IntoView {
    let changed = ResourcesChanged {
        version: RwSignal::new(0),
        directory: expect_context::<ChatDirectory>(),
    };
    provide_context(changed);
    let disk = Resource::new(move || changed.version(), |_| get_disk_usage());
    view! {
        <div class="min-h-0 flex-1 space-y-6 overflow-y-auto p-3 pb-[max(0.75rem,env(safe-area-inset-bottom))]">
            <h2 class="text-neutral-100">"Resources"</h2>
            <Section title="Disk">
                <Disk disk />
            </Section>
            <Section title="Running sessions">
                <RunningSessions />
            </Section>
            <Section title="Chats">
                <Chats disk />
            </Section>
            <Section title="Repos">
                <Repos disk />
            </Section>
            <Section title="Orphan processes">
                <Orphans />
            </Section>
            <Section title="Garbage collection">
                <GarbageCollection />
            </Section>
        </div>
    }
}

#[component]
fn Section(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <section aria-label=title>
            <h3 class="mb-2 text-sm text-neutral-400 uppercase">{title}</h3>
            {children()}
        </section>
    }
}

/// A destructive button that asks once more before acting: the first tap
/// arms it ("Tap again to …"), the second acts.
#[component]
pub fn ConfirmButton(
    label: String,
    confirm: String,
    #[prop(into)] disabled: Signal<bool>,
    on_confirm: impl Fn() + 'static,
) -> impl IntoView {
    let armed = RwSignal::new(false);
    let text = {
        let label = label.clone();
        move || {
            if armed.get() {
                confirm.clone()
            } else {
                label.clone()
            }
        }
    };
    view! {
        <button
            type="button"
            class="min-h-11 shrink-0 border border-red-900 px-3 text-red-300 disabled:text-neutral-600 data-[armed=true]:bg-red-950"
            data-armed=move || armed.get().to_string()
            disabled=move || disabled.get()
            on:click=move |_| {
                if armed.get_untracked() {
                    armed.set(false);
                    on_confirm();
                } else {
                    armed.set(true);
                }
            }
        >
            {text}
        </button>
    }
}
