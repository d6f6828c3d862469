//! Page `/resources`: what pocketcode uses on this server and the ways to
//! free it: disk, opencode's memory, the tokens and cost of the chats'
//! turns, repos, chats with their worktrees, running sessions, processes
//! the agent left behind, and garbage collection.

mod chats;
mod disk;
mod gc;
mod memory;
mod processes;
mod repos;
mod usage;

pub use crate::app::confirm::ConfirmButton;

use crate::app::resource::json_resource;
use leptos::prelude::*;

use crate::api::get_disk_usage;
use crate::app::chat_list::ChatList;
use chats::{Chats, RunningSessions};
use disk::Disk;
use gc::GarbageCollection;
use memory::Memory;
use processes::Orphans;
use repos::Repos;
use usage::TokenUsage;

/// Tells the page's lists to reload after something was deleted.
/// The sidebar's chats are refreshed too.
///
/// A counter, not a `Trigger`: a resource memoizes its source and refetches
/// only when the value changes, so a source of `()` would never reload.
#[derive(Clone, Copy)]
pub struct ResourcesChanged {
    version: RwSignal<u64>,
    chat_list: ChatList,
}

impl ResourcesChanged {
    pub fn notify(self) {
        self.version.update(|v| *v += 1);
        self.chat_list.refresh();
    }

    /// The caller (a resource's source) reloads each time this changes.
    pub fn version(self) -> u64 {
        self.version.get()
    }
}

#[component]
pub fn ResourcesPage() -> impl IntoView {
    let changed = ResourcesChanged {
        version: RwSignal::new(0),
        chat_list: expect_context::<ChatList>(),
    };
    provide_context(changed);
    let disk = json_resource(move || changed.version(), |_| get_disk_usage());
    view! {
        <div class="min-h-0 flex-1 space-y-6 overflow-y-auto p-3 pb-[max(0.75rem,env(safe-area-inset-bottom))]">
            <h2 class="text-neutral-100">"Resources"</h2>
            <Section title="Disk">
                <Disk disk />
            </Section>
            <Section title="Memory">
                <Memory />
            </Section>
            <Section title="Usage">
                <TokenUsage />
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

/// A row's facts, the known ones, joined with " · ".
pub fn facts(facts: impl IntoIterator<Item = Option<String>>) -> String {
    facts.into_iter().flatten().collect::<Vec<_>>().join(" · ")
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
