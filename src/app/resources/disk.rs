//! The data directory's size and the volume's free space.

use crate::app::resource::JsonResource;
use leptos::prelude::*;

use crate::api::AppError;
use crate::app::erase::Erase;
use crate::app::error_list::ErrorList;
use crate::app::format::bytes;
use crate::model::disk::DiskUsage;

#[component]
pub fn Disk(disk: JsonResource<Result<DiskUsage, AppError>>) -> impl IntoView {
    view! {
        <Transition fallback=|| view! { <p class="text-neutral-500">"Measuring…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorList errors /> }>
                {move || Suspend::new(async move { disk.await.map(|usage| view! { <Usage usage /> }) })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn Usage(usage: DiskUsage) -> impl IntoView {
    let volume = match (usage.volume_total_bytes, usage.volume_available_bytes) {
        (Some(total), Some(available)) => {
            let used = total.saturating_sub(available);
            view! {
                <p>{format!("Volume: {} free of {}", bytes(available), bytes(total))}</p>
                <progress class="w-full" max=total.to_string() value=used.to_string()></progress>
            }
            .erase()
        }
        _ => view! { <p class="text-neutral-500">"The volume's size is unknown."</p> }.erase(),
    };
    view! {
        <div data-testid="disk" class="space-y-1">
            <p>
                {format!("pocketcode's data: {}", bytes(usage.data_bytes))}
                <span class="block truncate text-xs text-neutral-500">{usage.data_dir.clone()}</span>
            </p>
            {volume}
        </div>
    }
}

/// The size of `name` in `list`, formatted, when it was measured.
pub fn size_of(usage: Option<&DiskUsage>, worktree: bool, name: &str) -> Option<String> {
    let usage = usage?;
    let list = if worktree {
        &usage.worktrees
    } else {
        &usage.repos
    };
    list.iter().find(|p| p.name == name).map(|p| bytes(p.bytes))
}
