//! "Add a connection": a profile's fields, checked by the server (a bad
//! value comes back naming its field, and nothing is saved). A row's Edit
//! fills the form with its profile; saving under the same name replaces it.

use leptos::prelude::*;

use super::RemotesChanged;
use crate::api::SaveConnection;
use crate::app::erase::Erase;
use crate::model::remotes::Profile;

/// The form's section, scrolled to by a row's Edit.
pub const FORM_ID: &str = "connection-form";

/// The profile the form was filled with by a row's Edit (`None`: a new one).
#[derive(Clone, Copy)]
pub struct Editing(pub RwSignal<Option<Profile>>);

const INPUT: &str = "min-h-11 w-full border border-neutral-700 bg-black px-2 text-base text-neutral-100 focus:border-neutral-400 focus:outline-none";

#[component]
fn Field(
    name: &'static str,
    label: &'static str,
    #[prop(optional)] placeholder: &'static str,
    #[prop(optional)] required: bool,
    #[prop(optional)] numeric: bool,
    /// What an edited profile has in this field.
    value: fn(&Profile) -> String,
) -> impl IntoView {
    let Editing(editing) = expect_context::<Editing>();
    let id = format!("connection-{name}");
    view! {
        <div>
            <label for=id.clone() class="mb-1 block text-sm text-neutral-400">{label}</label>
            <input
                id=id
                name=name
                type="text"
                inputmode=if numeric { "numeric" } else { "text" }
                required=required
                autocomplete="off"
                autocapitalize="off"
                spellcheck="false"
                placeholder=placeholder
                prop:value=move || editing.with(|p| p.as_ref().map(value).unwrap_or_default())
                class=INPUT
            />
        </div>
    }
}

#[component]
pub fn RemoteForm() -> impl IntoView {
    let Editing(editing) = expect_context::<Editing>();
    let save = ServerAction::<SaveConnection>::new();
    let changed = expect_context::<RemotesChanged>();
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            changed.notify();
        }
    });
    let outcome = move || {
        save.value().get().map(|result| match result {
            Ok(saved) => view! {
                <p role="status" class="mt-2 text-neutral-400">{format!("Saved {}.", saved.profile.name)}</p>
            }
            .erase(),
            Err(error) => view! { <p role="alert" class="mt-2 text-red-400">{error.to_string()}</p> }.erase(),
        })
    };
    view! {
        <ActionForm action=save>
            <div class="grid gap-3 sm:grid-cols-2">
                <Field name="name" label="Name (a-z, 0-9, - and _)" placeholder="devbox" required=true value=|p| p.name.clone() />
                <Field name="host" label="Host (an alias from ~/.ssh/config, or a hostname)" placeholder="devbox.example.com" required=true value=|p| p.host.clone() />
                <Field name="hostname" label="HostName (optional)" value=|p| p.hostname.clone().unwrap_or_default() />
                <Field name="port" label="Port (optional)" placeholder="22" numeric=true value=|p| p.port.map(|n| n.to_string()).unwrap_or_default() />
                <Field name="user" label="User (optional)" value=|p| p.user.clone().unwrap_or_default() />
                <Field name="identity_file" label="IdentityFile (optional, absolute or ~/)" placeholder="~/.ssh/id_ed25519" value=|p| p.identity_file.clone().unwrap_or_default() />
                <Field name="proxy_jump" label="ProxyJump (optional, [user@]host[:port])" value=|p| p.proxy_jump.clone().unwrap_or_default() />
                <Field name="remote_port" label="opencode port on the remote" placeholder="4096" numeric=true value=|p| p.remote_port.to_string() />
            </div>
            {move || editing.with(|p| p.as_ref().map(|p| view! {
                <p role="status" class="mt-2 text-sm text-neutral-400">
                    {format!("Editing {}: saving replaces it (a new name saves a copy).", p.name)}
                </p>
            }))}
            <label class="mt-3 flex min-h-11 items-center gap-2 text-sm">
                <input
                    type="checkbox"
                    name="bootstrap"
                    value="true"
                    class="size-5 text-base"
                    prop:checked=move || editing.with(|p| p.as_ref().is_some_and(|p| p.bootstrap))
                />
                "Start opencode on the remote when none answers (bootstrap)"
            </label>
            <button
                type="submit"
                class="mt-2 min-h-11 border border-neutral-500 px-4 text-neutral-100 disabled:text-neutral-600"
                disabled=move || save.pending().get()
            >
                {move || if save.pending().get() { "Saving…" } else { "Save connection" }}
            </button>
        </ActionForm>
        {outcome}
    }
}
