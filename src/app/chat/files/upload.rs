//! Uploading files into the folder last opened: pick them, they go up
//! together (all or nothing; the server's message when refused), and the
//! open folders load again.

use leptos::prelude::*;

use super::Sheet;
use crate::app::erase::Erase;
use crate::app::web::upload::Upload;
use crate::model::files::FileRoute;

#[component]
pub fn UploadButton() -> impl IntoView {
    let sheet = expect_context::<Sheet>();
    let send = Action::new_local(move |(upload, folder): &(Upload, String)| {
        let url = sheet.route(FileRoute::Upload, folder);
        let count = upload.count;
        let folder = folder.clone();
        let upload = upload.clone();
        async move {
            upload.send(&url).await.map(|()| {
                let place = if folder.is_empty() {
                    "the worktree".to_owned()
                } else {
                    format!("{folder}/")
                };
                format!("Uploaded {count} file(s) into {place}.")
            })
        }
    });
    Effect::new(move |_| {
        if matches!(send.value().get(), Some(Ok(_))) {
            sheet.reloads.update(|n| *n += 1);
        }
    });
    let picked = move |ev: leptos::ev::Event| {
        if let Some(upload) = Upload::picked(&ev) {
            send.dispatch_local((upload, sheet.folder.get_untracked()));
        }
    };
    view! {
        <label class="inline-flex min-h-11 cursor-pointer items-center border border-neutral-500 px-3 text-neutral-100 focus-within:outline focus-within:outline-2">
            {move || if send.pending().get() { "Uploading…" } else { "Upload files" }}
            <input type="file" multiple class="sr-only" on:change=picked />
        </label>
        <p role="status" class="w-full text-xs" data-testid="upload-note">
            {move || match send.value().get() {
                Some(Ok(done)) => view! { <span class="text-green-400">{done}</span> }.erase(),
                Some(Err(e)) => view! { <span class="text-red-400">{format!("Upload refused: {e}")}</span> }.erase(),
                None => ().erase(),
            }}
        </p>
    }
}
