//! The Files sheet (⋯ → Files): the chat's worktree as a tree whose
//! folders load when opened, each file with its git status and size; a
//! file opens in a viewer (line numbers, highlighting, a wrap toggle); the
//! folder last opened downloads as a zip and takes uploads. A remote
//! chat's are its directory on the remote (no sizes there).

mod tree;
mod upload;
mod viewer;

use leptos::prelude::*;

use crate::model::files::{FileRoute, file_route};
use tree::Folder;
use upload::UploadButton;
use viewer::Viewer;

/// What the sheet's parts share.
#[derive(Clone, Copy)]
struct Sheet {
    /// `(repo, chat_id)`.
    chat: StoredValue<(String, String)>,
    /// The folder zips and uploads go to: the one last opened.
    folder: RwSignal<String>,
    /// The file in the viewer.
    opened: RwSignal<Option<String>>,
    /// The folders open in the tree (kept here: a folder loaded again
    /// after an upload makes its rows anew, and they stay open).
    open_folders: RwSignal<std::collections::HashSet<String>>,
    /// Bumped after an upload: open folders load again.
    reloads: RwSignal<u32>,
}

impl Sheet {
    fn route(self, route: FileRoute, path: &str) -> String {
        self.chat
            .with_value(|(repo, chat_id)| file_route(route, repo, chat_id, path))
    }
}

#[component]
pub fn FilesPanel(
    repo: String,
    chat_id: String,
    on_close: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let sheet = Sheet {
        chat: StoredValue::new((repo, chat_id)),
        folder: RwSignal::new(String::new()),
        opened: RwSignal::new(None),
        open_folders: RwSignal::new(Default::default()),
        reloads: RwSignal::new(0),
    };
    provide_context(sheet);
    view! {
        <section
            aria-label="Files"
            class="absolute top-full right-0 left-0 z-20 max-h-[80dvh] overflow-y-auto border-b border-neutral-700 bg-black p-2 text-sm text-neutral-300"
        >
            <div class="flex items-center justify-between">
                <h3 class="text-neutral-100">"Files"</h3>
                <button type="button" class="min-h-11 min-w-11" aria-label="Close the files" on:click=move |_| on_close()>
                    "✕"
                </button>
            </div>
            // The tree stays (hidden) while a file is open: its open folders
            // are still open on the way back.
            <div class:hidden=move || sheet.opened.with(Option::is_some)>
                <FolderBar />
                <ul aria-label="Worktree" class="mt-1">
                    <Folder path=String::new() />
                </ul>
            </div>
            {move || sheet.opened.get().map(|path| view! { <Viewer path /> })}
        </section>
    }
}

/// The folder last opened: download it as a zip, upload into it.
#[component]
fn FolderBar() -> impl IntoView {
    let sheet = expect_context::<Sheet>();
    let shown = move || {
        let folder = sheet.folder.get();
        if folder.is_empty() {
            "/ (the worktree)".to_owned()
        } else {
            format!("{folder}/")
        }
    };
    view! {
        <p class="text-neutral-400">
            "Folder: " <code class="break-all text-neutral-100" data-testid="files-folder">{shown}</code>
        </p>
        <div class="mt-1 flex flex-wrap gap-2">
            <a
                class="inline-flex min-h-11 items-center border border-neutral-500 px-3 text-neutral-100"
                href=move || sheet.route(FileRoute::Zip, &sheet.folder.get())
                download=""
            >
                "Download folder (zip)"
            </a>
            <UploadButton />
        </div>
    }
}
