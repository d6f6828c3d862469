//! A tool call in the transcript: its name, status and what it acts on as a
//! tap-to-collapse summary, then what it did in full: the command run, the
//! file edit as a diff, the todo list, the output or the error.

use leptos::prelude::*;
use serde_json::Value;

use super::review::ReviewOpener;
use crate::app::diff::{Patch, replaced, written};
use crate::app::erase::Erase;
use crate::opencode::ToolState;

#[component]
pub fn ToolCall(tool: String, state: ToolState, open: RwSignal<bool>) -> impl IntoView {
    let status = state.status();
    let summary = state.summary();
    let color = match status {
        "completed" => "text-emerald-400",
        "error" => "text-red-400",
        _ => "text-amber-300",
    };
    let input = input_view(&tool, &state);
    let result = match state {
        ToolState::Completed { output, .. } if !output.is_empty() && tool != "todowrite" => {
            Some(view! {
                <pre
                    aria-label="Output"
                    class="mt-1 overflow-x-auto text-xs whitespace-pre-wrap break-words text-neutral-400"
                >
                    {output}
                </pre>
            }
            .erase())
        }
        ToolState::Error { error, .. } => Some(
            view! { <div role="alert" class="mt-1 whitespace-pre-wrap break-words text-red-400">{error}</div> }
                .erase(),
        ),
        _ => None,
    };
    view! {
        <details
            aria-label=format!("tool {tool}")
            data-tool-status=status
            class="border border-neutral-800 px-2 py-1 text-sm"
            open=move || open.get()
            on:toggle:target=move |ev| open.set(ev.target().open())
        >
            <summary class="cursor-pointer">
                <span class="text-neutral-100">{format!("⚙ {tool}")}</span>
                " "
                <span class=color>{status}</span>
                {summary.map(|s| view! { <span class="break-all text-neutral-500">{format!(" {s}")}</span> })}
            </summary>
            {input}
            {result}
        </details>
    }
}

/// What the call was asked to do, in the form that reads best for its tool.
fn input_view(tool: &str, state: &ToolState) -> Option<AnyView> {
    let input = state.input()?;
    let text = |key: &str| input.get(key).and_then(Value::as_str);
    let path = text("filePath").or_else(|| text("path")).unwrap_or("file");
    match tool {
        "bash" => text("command").map(|command| {
            view! {
                <pre aria-label="Command" class="mt-1 overflow-x-auto text-xs whitespace-pre-wrap break-words text-neutral-200">
                    {format!("$ {command}")}
                </pre>
            }
            .erase()
        }),
        "write" => text("content").map(|content| {
            view! {
                <Patch patch=written(path, content) label="File diff" />
                {review_button(path, state)}
            }
            .erase()
        }),
        "edit" => {
            let patch = state.metadata_str("diff").map(str::to_owned).or_else(|| {
                Some(replaced(path, text("oldString")?, text("newString")?))
            })?;
            Some(view! { <Patch patch label="File diff" /> {review_button(path, state)} }.erase())
        }
        "todowrite" | "todoread" => {
            let todos = input.get("todos").and_then(Value::as_array)?;
            Some(view! { <Todos todos=todos.clone() /> }.erase())
        }
        _ => match input {
            Value::Object(fields) if !fields.is_empty() => {
                let pretty = serde_json::to_string_pretty(input).unwrap_or_default();
                Some(view! {
                    <pre aria-label="Input" class="mt-1 overflow-x-auto text-xs whitespace-pre-wrap break-words text-neutral-500">
                        {pretty}
                    </pre>
                }
                .erase())
            }
            _ => None,
        },
    }
}

/// "Review this change": the chat's Review sheet, opened at this file
/// (local chats, once the edit is done).
fn review_button(path: &str, state: &ToolState) -> Option<impl IntoView + use<>> {
    let opener = use_context::<ReviewOpener>()?;
    if state.status() != "completed" {
        return None;
    }
    let path = path.to_owned();
    Some(view! {
        <button
            type="button"
            class="mt-1 min-h-11 border border-neutral-700 px-3 text-sky-300"
            on:click=move |_| opener.open_at(&path)
        >
            "Review this change"
        </button>
    })
}

/// The agent's todo list, each item with its status.
#[component]
fn Todos(todos: Vec<Value>) -> impl IntoView {
    let items = todos
        .into_iter()
        .map(|todo| {
            let content = todo
                .get("content")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let status = todo
                .get("status")
                .and_then(Value::as_str)
                .unwrap_or("pending")
                .to_owned();
            let (mark, class) = todo_mark(&status);
            view! {
                <li class=format!("flex gap-2 {class}") data-todo-status=status.clone()>
                    <span aria-hidden="true">{mark}</span>
                    <span class="min-w-0 flex-1 break-words">{content}</span>
                    <span class="sr-only">{format!("({})", status.replace('_', " "))}</span>
                </li>
            }
        })
        .collect_view();
    view! { <ul aria-label="Todo list" class="mt-1 space-y-0.5">{items}</ul> }
}

/// The mark and colour of a todo's status.
fn todo_mark(status: &str) -> (&'static str, &'static str) {
    match status {
        "completed" => ("☑", "text-neutral-400 line-through"),
        "in_progress" => ("◐", "text-amber-200"),
        "cancelled" => ("☒", "text-neutral-500 line-through"),
        _ => ("☐", "text-neutral-200"),
    }
}

#[cfg(test)]
mod tests {
    use super::todo_mark;

    #[test]
    fn each_todo_status_has_its_own_mark() {
        let marks: Vec<_> = ["pending", "in_progress", "completed", "cancelled"]
            .iter()
            .map(|s| todo_mark(s).0)
            .collect();
        assert_eq!(marks, ["☐", "◐", "☑", "☒"]);
        assert_eq!(todo_mark("unknown").0, "☐");
    }
}
