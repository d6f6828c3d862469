//! Photos for the agent: picked with the photo button (the camera on phones)
//! or pasted into the prompt box, checked for type and size in the browser
//! (the server checks again), shown as thumbnails that can be removed, and
//! sent with the prompt as a JSON form field.

use leptos::prelude::*;

use crate::api::Attachment;
use crate::api::attachments::{IMAGE_TYPES, MAX_IMAGE_BYTES, MAX_IMAGES, describe_size};
use crate::app::web::files::{PickedFile, picked};

/// The form field the images travel in.
pub fn field_value(attachments: &[Attachment]) -> String {
    if attachments.is_empty() {
        String::new()
    } else {
        serde_json::to_string(attachments).unwrap_or_default()
    }
}

/// Why a file can't be attached, before reading it.
fn refuse(name: &str, mime: &str, size: usize, attached: usize) -> Option<String> {
    if attached >= MAX_IMAGES {
        Some(format!("At most {MAX_IMAGES} images per message."))
    } else if !IMAGE_TYPES.contains(&mime) {
        Some(format!(
            "{name} is not an image type models take (PNG, JPEG, GIF or WebP)."
        ))
    } else if size > MAX_IMAGE_BYTES {
        Some(format!(
            "{name} is {}; images can be at most {}.",
            describe_size(size),
            describe_size(MAX_IMAGE_BYTES)
        ))
    } else {
        None
    }
}

/// What reading picked files came to: the images that passed, and the
/// last refusal.
type Read = (Vec<Attachment>, Option<String>);

/// Attaching photos: reads the files it is given and attaches those that
/// pass; the last refusal is shown.
#[derive(Clone, Copy)]
pub struct Attach {
    read: Action<Vec<PickedFile>, Read>,
    error: RwSignal<Option<String>>,
}

impl Attach {
    pub fn new(attachments: RwSignal<Vec<Attachment>>, error: RwSignal<Option<String>>) -> Self {
        let read = Action::new_local(move |files: &Vec<PickedFile>| {
            let attached = attachments.with_untracked(Vec::len);
            read_files(files.clone(), attached)
        });
        Effect::new(move |_| {
            if let Some((images, refused)) = read.value().get() {
                attachments.update(|list| list.extend(images));
                if refused.is_some() {
                    error.set(refused);
                }
            }
        });
        Self { read, error }
    }

    pub fn add(self, files: Vec<PickedFile>) {
        self.error.set(None);
        self.read.dispatch_local(files);
    }
}

/// Reads `files` in turn, after `attached` images already attached.
async fn read_files(files: Vec<PickedFile>, attached: usize) -> Read {
    use base64::Engine;

    let (mut images, mut refused) = (Vec::new(), None);
    for file in files {
        if let Some(reason) = refuse(&file.name, &file.mime, file.size, attached + images.len()) {
            refused = Some(reason);
            continue;
        }
        let Some(bytes) = file.read().await else {
            refused = Some(format!("{} could not be read.", file.name));
            continue;
        };
        let data = base64::engine::general_purpose::STANDARD.encode(bytes);
        let PickedFile { name, mime, .. } = file;
        let data_url = format!("data:{mime};base64,{data}");
        images.push(Attachment {
            name,
            mime,
            data_url,
        });
    }
    (images, refused)
}

/// The photo button: opens the photo picker (the camera too, on phones).
#[component]
pub fn AttachButton(attach: Attach) -> impl IntoView {
    // The input is cleared: the same photo can be picked again after
    // removing it.
    let on_change = move |ev: leptos::ev::Event| attach.add(picked(&ev));
    view! {
        <label class="cursor-pointer border border-neutral-700 px-3 py-1 text-neutral-300 focus-within:border-neutral-400 hover:bg-neutral-900">
            <input
                type="file"
                accept="image/*"
                multiple
                aria-label="Attach photos"
                class="sr-only"
                on:change=on_change
            />
            // A picture: a frame, the sun and a hill (Consolas and its
            // fallbacks have no paperclip glyph).
            <svg
                viewBox="0 0 24 24"
                width="20"
                height="20"
                fill="none"
                stroke="currentColor"
                stroke-width="2"
                aria-hidden="true"
                class="inline-block align-middle"
            >
                <rect x="3" y="5" width="18" height="14" rx="1" />
                <circle cx="9" cy="10" r="2" />
                <path d="M21 17l-5-5-8 7" />
            </svg>
            <span class="sr-only">" Photo"</span>
        </label>
    }
}

/// Thumbnails of the attached images, each with a remove button, and a
/// warning when the picked model takes no images.
#[component]
pub fn AttachedImages(
    attachments: RwSignal<Vec<Attachment>>,
    /// The picked model's name, when it takes no images.
    text_only_model: Signal<Option<String>>,
) -> impl IntoView {
    let remove = move |index: usize| {
        attachments.update(|list| {
            if index < list.len() {
                list.remove(index);
            }
        })
    };
    view! {
        <Show when=move || attachments.with(|list| !list.is_empty())>
            <ul class="mt-2 flex flex-wrap gap-2" aria-label="Attached images">
                {move || {
                    attachments
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(index, image)| {
                            view! {
                                <li class="relative">
                                    <img
                                        src=image.data_url
                                        alt=image.name.clone()
                                        class="h-16 w-16 border border-neutral-700 object-cover"
                                    />
                                    <button
                                        type="button"
                                        aria-label=format!("Remove {}", image.name)
                                        class="absolute -top-2 -right-2 h-6 w-6 rounded-full border border-neutral-600 bg-black text-sm text-neutral-200"
                                        on:click=move |_| remove(index)
                                    >
                                        "✕"
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            {move || {
                text_only_model
                    .get()
                    .map(|name| {
                        view! {
                            <p role="alert" class="mt-1 text-amber-300">
                                {format!("{name} does not take images: pick another model or remove them.")}
                            </p>
                        }
                    })
            }}
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_the_server_would() {
        assert!(refuse("a.png", "image/png", 10, 0).is_none());
        let heic = refuse("a.heic", "image/heic", 10, 0).expect("heic");
        assert!(heic.contains("a.heic is not an image type"));
        let big = refuse("b.jpg", "image/jpeg", MAX_IMAGE_BYTES + 1, 0).expect("big");
        assert!(big.contains("at most 5.0 MiB"));
        assert!(refuse("c.png", "image/png", 1, MAX_IMAGES).is_some());
    }
}
