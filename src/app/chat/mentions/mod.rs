//! The composer's `/` and `@` pickers. `/` at the start of the prompt lists
//! the chat's slash commands (filtered as you type); `@` after a space
//! searches the worktree's files. Arrows move, Enter or Tab choose, Escape
//! closes; a tap chooses too. Choosing puts `/name ` or `@path ` in the
//! prompt; Send then runs the command, and sends each file still named as
//! `@path` as a file part (the hidden `files` field).
//!
//! The prompt stays a multi-line textbox (ARIA in HTML allows no combobox
//! role on a `textarea`): it points at the open listbox with
//! `aria-controls`, `aria-autocomplete="list"` and `aria-activedescendant`,
//! and each suggestion is an `option` of that listbox. The listbox is in the
//! WASM chunk `composer` (`list`): it never shows on the first paint.

mod list;

use leptos::ev::KeyboardEvent;
use leptos::html::Textarea;
use leptos::prelude::*;

use super::ChatKey;
use crate::api::{find_files, list_commands};
use crate::app::lazy::LazyPart;
use crate::app::storage::save_draft;
use crate::model::mentions::{
    Mention, SlashCommand, filter_commands, mention_at, mentioned_files, replace_mention,
};

pub const LISTBOX_ID: &str = "mention-options";

/// One suggestion: what it shows and what choosing it inserts.
#[derive(Clone, Debug, PartialEq)]
struct Suggestion {
    label: String,
    detail: Option<String>,
    insert: String,
    /// A file to send with the prompt once chosen.
    file: Option<String>,
}

/// The pickers' state, shared by the prompt box and the list.
#[derive(Clone, Copy)]
pub struct Mentions {
    chat: StoredValue<ChatKey>,
    draft: RwSignal<String>,
    pub textarea: NodeRef<Textarea>,
    /// The caret as a byte offset into the draft.
    caret: RwSignal<usize>,
    /// The files chosen so far (sent while still named in the text).
    chosen: RwSignal<Vec<String>>,
    /// The mention Escape closed: its picker stays closed until it changes.
    dismissed: RwSignal<Option<Mention>>,
    active: RwSignal<usize>,
    /// The listbox is in the page (its chunk came).
    listed: RwSignal<bool>,
    // Plain signals filled by tasks, not resources: a resource read here
    // would join the chat page's `Suspense`, which would then re-render the
    // whole composer (and drop the keyboard's focus) on every search.
    commands: RwSignal<Option<Vec<SlashCommand>>>,
    files: RwSignal<Vec<String>>,
}

impl Mentions {
    pub fn new(chat: StoredValue<ChatKey>, draft: RwSignal<String>) -> Self {
        let caret = RwSignal::new(0);
        let mention = Memo::new(move |_| draft.with(|t| mention_at(t, caret.get())));
        let this = Self {
            chat,
            draft,
            textarea: NodeRef::new(),
            caret,
            chosen: RwSignal::new(Vec::new()),
            dismissed: RwSignal::new(None),
            listed: RwSignal::new(false),
            active: RwSignal::new(0),
            commands: RwSignal::new(None),
            files: RwSignal::new(Vec::new()),
        };
        this.fetch_commands_once(mention);
        this.fetch_files(mention);
        this
    }

    /// The chat's commands, fetched the first time `/` is typed.
    fn fetch_commands_once(self, mention: Memo<Option<Mention>>) {
        Effect::new(move |_| {
            let wanted = mention.with(|m| matches!(m, Some(Mention::Command { .. })));
            if !wanted || self.commands.with_untracked(Option::is_some) {
                return;
            }
            self.commands.set(Some(Vec::new()));
            let (repo, chat_id) = self.names();
            leptos::task::spawn_local(async move {
                let listed = list_commands(repo, chat_id).await.unwrap_or_default();
                self.commands.set(Some(listed));
            });
        });
    }

    /// The files matching the `@` query, searched again as it changes.
    fn fetch_files(self, mention: Memo<Option<Mention>>) {
        let query = Memo::new(move |_| match mention.get() {
            Some(Mention::File { query, .. }) if !query.trim().is_empty() => Some(query),
            _ => None,
        });
        Effect::new(move |_| {
            let Some(wanted) = query.get() else {
                self.files.set(Vec::new());
                return;
            };
            let (repo, chat_id) = self.names();
            leptos::task::spawn_local(async move {
                let found = find_files(repo, chat_id, wanted.clone()).await;
                // A slower answer to an older query must not replace a newer one.
                if query.get_untracked().as_deref() == Some(wanted.as_str()) {
                    self.files.set(found.unwrap_or_default());
                }
            });
        });
    }

    fn names(self) -> (String, String) {
        self.chat
            .with_value(|k| (k.repo.clone(), k.chat_id.clone()))
    }

    /// The mention at the caret, unless Escape closed it.
    fn open_mention(self) -> Option<Mention> {
        let mention = self.draft.with(|t| mention_at(t, self.caret.get()))?;
        (self.dismissed.get().as_ref() != Some(&mention)).then_some(mention)
    }

    fn suggestions(self) -> Vec<Suggestion> {
        match self.open_mention() {
            Some(Mention::Command { query }) => self.commands.with(|all| {
                filter_commands(all.as_deref().unwrap_or_default(), &query)
                    .into_iter()
                    .map(|c| Suggestion {
                        label: format!("/{}", c.name),
                        detail: c.description.clone(),
                        insert: format!("/{}", c.name),
                        file: None,
                    })
                    .collect()
            }),
            Some(Mention::File { .. }) => self
                .files
                .get()
                .into_iter()
                .map(|path| Suggestion {
                    label: path.clone(),
                    detail: None,
                    insert: format!("@{path}"),
                    file: Some(path),
                })
                .collect(),
            None => Vec::new(),
        }
    }

    /// Follows the caret (after typing, clicks, arrow keys, selections).
    pub fn track_caret(self) {
        let Some(el) = self.textarea.get_untracked() else {
            return;
        };
        let utf16 = el.selection_start().ok().flatten().unwrap_or(0) as usize;
        let text = el.value();
        let caret = byte_offset(&text, utf16);
        if caret != self.caret.get_untracked() {
            self.caret.set(caret);
            self.active.set(0);
        }
    }

    /// Handles the picker's keys; `true` when the key was the picker's.
    /// Only a list in the page takes keys: while its chunk is on its way,
    /// Enter is a new line and Tab moves on, as with no list at all.
    pub fn keydown(self, ev: &KeyboardEvent) -> bool {
        let count = self.suggestions().len();
        if count == 0
            || !self.listed.get_untracked()
            || ev.ctrl_key()
            || ev.meta_key()
            || ev.alt_key()
        {
            return false;
        }
        match ev.key().as_str() {
            "ArrowDown" => self.active.update(|i| *i = (*i + 1) % count),
            "ArrowUp" => self.active.update(|i| *i = (*i + count - 1) % count),
            "Enter" | "Tab" if !ev.shift_key() => self.choose(self.active.get_untracked()),
            "Escape" => self.dismissed.set(self.open_mention()),
            _ => return false,
        }
        ev.prevent_default();
        true
    }

    fn choose(self, index: usize) {
        let (Some(mention), Some(pick)) = (
            self.open_mention(),
            self.suggestions().into_iter().nth(index),
        ) else {
            return;
        };
        let (text, caret) = self.draft.with_untracked(|t| {
            replace_mention(t, self.caret.get_untracked(), &mention, &pick.insert)
        });
        if let Some(file) = pick.file {
            self.chosen.update(|files| files.push(file));
        }
        self.chat
            .with_value(|k| save_draft(&k.repo, &k.chat_id, &text));
        self.draft.set(text.clone());
        self.caret.set(caret);
        if let Some(el) = self.textarea.get_untracked() {
            // Set now, not on the next render: the caret goes after it.
            el.set_value(&text);
            let at = text[..caret].encode_utf16().count() as u32;
            let _ = el.set_selection_range(at, at);
            let _ = el.focus();
        }
    }

    /// The files to send: those chosen and still named in the text.
    pub fn files_field(self) -> String {
        let files = self
            .draft
            .with(|t| self.chosen.with(|chosen| mentioned_files(t, chosen)));
        files.join("\n")
    }

    /// [`Self::files_field`], read outside any reactive scope (a tap).
    pub fn files_field_untracked(self) -> String {
        untrack(|| self.files_field())
    }

    /// After a send: nothing is chosen any more.
    pub fn clear(self) {
        self.chosen.set(Vec::new());
        self.dismissed.set(None);
    }

    /// The open option's id, for the textbox's `aria-activedescendant`.
    pub fn active_id(self) -> Option<String> {
        self.is_listed().then(|| option_id(self.active.get()))
    }

    /// Whether there are suggestions to show.
    fn is_open(self) -> bool {
        !self.suggestions().is_empty()
    }

    /// Whether the listbox is in the page, suggestions shown (for the
    /// textbox's `aria-controls`): not while its chunk is on its way.
    pub fn is_listed(self) -> bool {
        self.listed.get() && self.is_open()
    }
}

fn option_id(index: usize) -> String {
    format!("mention-option-{index}")
}

/// The byte offset of UTF-16 offset `utf16` in `text` (the browser counts
/// the caret in UTF-16 units).
pub(super) fn byte_offset(text: &str, utf16: usize) -> usize {
    let mut units = 0;
    for (byte, c) in text.char_indices() {
        if units >= utf16 {
            return byte;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// The suggestions, above the prompt box (the phone's keyboard is below),
/// from the `composer` chunk (`list`): "Loading…" the first time if it has
/// not come yet.
#[component]
pub fn MentionList(mentions: Mentions) -> impl IntoView {
    view! {
        <Show when=move || mentions.is_open()>
            <LazyPart label="Suggestions" load=move || list::mention_list(mentions) />
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_carets_become_byte_offsets() {
        assert_eq!(byte_offset("abc", 2), 2);
        assert_eq!(byte_offset("é@x", 2), 3);
        assert_eq!(byte_offset("😀@", 2), 4);
        assert_eq!(byte_offset("ab", 9), 2);
    }
}
