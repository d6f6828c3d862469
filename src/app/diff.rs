//! Unified diffs as the UI shows them: the chat's full diff from the ⋯
//! menu, and a tool call's edit in the transcript. Lines are coloured like a
//! terminal's; the patch text itself is built here for tools that report
//! only what they wrote.

use leptos::prelude::*;

/// A unified diff, line by line.
#[component]
pub fn Patch(patch: String, #[prop(default = "Diff")] label: &'static str) -> impl IntoView {
    let lines = patch
        .lines()
        .map(|line| {
            let class = line_class(line);
            view! { <span class=format!("block {class}")>{line.to_owned()}</span> }
        })
        .collect_view();
    view! {
        <pre aria-label=label class="mt-1 overflow-x-auto text-xs whitespace-pre">{lines}</pre>
    }
}

fn line_class(line: &str) -> &'static str {
    if line.starts_with("+++") || line.starts_with("---") || line.starts_with("Index:") {
        "text-neutral-100"
    } else if line.starts_with('+') {
        "text-green-400"
    } else if line.starts_with('-') {
        "text-red-400"
    } else if line.starts_with("@@") {
        "text-sky-300"
    } else {
        "text-neutral-400"
    }
}

/// The patch for a file written whole: every line added.
pub fn written(path: &str, content: &str) -> String {
    let count = content.lines().count();
    let mut patch = format!("--- /dev/null\n+++ {path}\n@@ -0,0 +1,{count} @@\n");
    for line in content.lines() {
        patch.push('+');
        patch.push_str(line);
        patch.push('\n');
    }
    patch
}

/// The patch for a replacement of `old` by `new` in `path`, when the tool
/// did not report its own (no line numbers: they are not known here).
pub fn replaced(path: &str, old: &str, new: &str) -> String {
    let mut patch = format!("--- {path}\n+++ {path}\n@@ @@\n");
    for line in old.lines() {
        patch.push('-');
        patch.push_str(line);
        patch.push('\n');
    }
    for line in new.lines() {
        patch.push('+');
        patch.push_str(line);
        patch.push('\n');
    }
    patch
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_file_is_all_additions() {
        assert_eq!(
            written("a.txt", "one\ntwo\n"),
            "--- /dev/null\n+++ a.txt\n@@ -0,0 +1,2 @@\n+one\n+two\n"
        );
        assert_eq!(written("e", ""), "--- /dev/null\n+++ e\n@@ -0,0 +1,0 @@\n");
    }

    #[test]
    fn a_replacement_removes_then_adds() {
        let patch = replaced("src/x.rs", "let a = 1;", "let a = 2;\nlet b = 3;");
        assert!(
            patch.ends_with("@@ @@\n-let a = 1;\n+let a = 2;\n+let b = 3;\n"),
            "{patch}"
        );
    }

    #[test]
    fn lines_are_coloured_by_their_first_character() {
        assert_eq!(line_class("+++ b/x"), "text-neutral-100");
        assert_eq!(line_class("+x"), "text-green-400");
        assert_eq!(line_class("-x"), "text-red-400");
        assert_eq!(line_class("@@ -1 +1 @@"), "text-sky-300");
        assert_eq!(line_class(" x"), "text-neutral-400");
    }
}
