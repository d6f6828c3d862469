//! What the agent waits on the user for, above the prompt box: permission
//! requests (allow once / always / reject) and questions (tap an option,
//! or type an answer). Answered here or in any other tab, they go away
//! everywhere: every tab refetches when one is asked or answered.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::ChatKey;
use crate::api::{answer_permission, answer_question, get_pending_asks};
use crate::app::use_chat_events;
use crate::opencode::{Event, PendingAsks, PermissionRequest, QuestionRequest};

#[component]
pub fn Asks(key: ChatKey, initial: PendingAsks) -> impl IntoView {
    let pending = RwSignal::new(initial);
    let error = RwSignal::new(None::<String>);
    let generation = StoredValue::new(0_u64);
    let reload = {
        let key = key.clone();
        move || {
            let key = key.clone();
            let Some(mine) = generation.try_update_value(|g| {
                *g += 1;
                *g
            }) else {
                return;
            };
            spawn_local(async move {
                if let Ok(fresh) = get_pending_asks(key.repo, key.chat_id, key.session_id).await
                    && generation.try_get_value() == Some(mine)
                {
                    pending.try_set(fresh);
                }
            });
        }
    };
    use_chat_events(
        &key.session_id,
        &key.directory,
        {
            let reload = reload.clone();
            move |event: &Event| {
                if matches!(event, Event::AsksChanged { .. } | Event::SessionIdle { .. }) {
                    reload();
                }
            }
        },
        reload.clone(),
    );
    let ctx = AskContext {
        key,
        error,
        reload: std::sync::Arc::new(reload),
    };
    view! {
        <div aria-live="polite" class="px-3">
            <For
                each=move || pending.get().permissions
                key=|p| p.id.clone()
                children={
                    let ctx = ctx.clone();
                    move |request| view! { <Permission request ctx=ctx.clone() /> }
                }
            />
            <For
                each=move || pending.get().questions
                key=|q| q.id.clone()
                children={
                    let ctx = ctx.clone();
                    move |request| view! { <Question request ctx=ctx.clone() /> }
                }
            />
            {move || error.get().map(|e| view! { <p role="alert" class="py-1 text-red-400">{e}</p> })}
        </div>
    }
}

#[derive(Clone)]
struct AskContext {
    key: ChatKey,
    error: RwSignal<Option<String>>,
    reload: std::sync::Arc<dyn Fn() + Send + Sync>,
}

const BOX: &str = "my-2 border border-amber-700/70 p-2";
const BUTTON: &str =
    "min-h-11 border border-neutral-500 px-3 text-neutral-100 disabled:text-neutral-600";

#[component]
fn Permission(request: PermissionRequest, ctx: AskContext) -> impl IntoView {
    let busy = RwSignal::new(false);
    let answer = move |reply: &'static str| {
        let ctx = ctx.clone();
        let id = request.id.clone();
        move |_| {
            let ctx = ctx.clone();
            let id = id.clone();
            busy.set(true);
            spawn_local(async move {
                let key = ctx.key.clone();
                let result =
                    answer_permission(key.repo, key.chat_id, key.session_id, id, reply.into())
                        .await;
                ctx.error.try_set(result.err().map(|e| e.to_string()));
                busy.try_set(false);
                (ctx.reload)();
            });
        }
    };
    let what = request.patterns.join("\n");
    view! {
        <section role="group" aria-label="Permission request" class=BOX>
            <p class="text-amber-300">{format!("The agent asks to use {}:", request.permission)}</p>
            <pre class="my-1 overflow-x-auto whitespace-pre-wrap break-all text-neutral-100">{what}</pre>
            <div class="flex flex-wrap gap-2">
                <button type="button" class=BUTTON disabled=busy on:click=answer("once")>
                    "Allow once"
                </button>
                <button type="button" class=BUTTON disabled=busy on:click=answer("always")>
                    "Always allow"
                </button>
                <button type="button" class=BUTTON disabled=busy on:click=answer("reject")>
                    "Reject"
                </button>
            </div>
        </section>
    }
}

#[component]
fn Question(request: QuestionRequest, ctx: AskContext) -> impl IntoView {
    let busy = RwSignal::new(false);
    let count = request.questions.len();
    // One answer per question: the labels chosen (or the typed text).
    let chosen = RwSignal::new(vec![Vec::<String>::new(); count]);
    let send = {
        let ctx = ctx.clone();
        let id = request.id.clone();
        move |answers: Vec<Vec<String>>, reject: bool| {
            let ctx = ctx.clone();
            let id = id.clone();
            busy.set(true);
            spawn_local(async move {
                let key = ctx.key.clone();
                let result =
                    answer_question(key.repo, key.chat_id, key.session_id, id, answers, reject)
                        .await;
                ctx.error.try_set(result.err().map(|e| e.to_string()));
                busy.try_set(false);
                (ctx.reload)();
            });
        }
    };
    // A single question with single choice is answered by one tap.
    let one_tap = count == 1 && !request.questions[0].multiple;
    let questions = request
        .questions
        .into_iter()
        .enumerate()
        .map(|(index, question)| {
            let send = send.clone();
            let options = question
                .options
                .into_iter()
                .map(|option| {
                    let label = option.label.clone();
                    let send = send.clone();
                    let pressed = {
                        let label = label.clone();
                        move || chosen.with(|c| c[index].contains(&label)).to_string()
                    };
                    let on_click = move |_| {
                        if one_tap {
                            send(vec![vec![label.clone()]], false);
                        } else {
                            chosen.update(|c| {
                                let answer = &mut c[index];
                                match answer.iter().position(|l| *l == label) {
                                    Some(at) => {
                                        answer.remove(at);
                                    }
                                    None if question.multiple => answer.push(label.clone()),
                                    None => *answer = vec![label.clone()],
                                }
                            });
                        }
                    };
                    view! {
                        <button
                            type="button"
                            class=BUTTON
                            aria-pressed=pressed
                            title=option.description
                            disabled=busy
                            on:click=on_click
                        >
                            {option.label}
                        </button>
                    }
                })
                .collect_view();
            view! {
                <p class="text-amber-300">{question.question}</p>
                <div class="my-1 flex flex-wrap gap-2">{options}</div>
            }
        })
        .collect_view();
    let typed = RwSignal::new(String::new());
    let send_typed = {
        let send = send.clone();
        move |_| {
            let text = typed.get_untracked();
            let mut answers = chosen.get_untracked();
            if count == 1 && !text.trim().is_empty() {
                answers[0] = vec![text.trim().to_owned()];
            }
            send(answers, false);
        }
    };
    let dismiss = move |_| send(Vec::new(), true);
    view! {
        <section role="group" aria-label="Question" class=BOX>
            {questions}
            <div class="mt-1 flex flex-wrap gap-2">
                {(count == 1)
                    .then(|| {
                        view! {
                            <label class="sr-only" for=format!("answer-{}", request.id)>
                                "Your answer"
                            </label>
                            <input
                                id=format!("answer-{}", request.id)
                                type="text"
                                placeholder="or type an answer"
                                class="min-h-11 min-w-0 flex-1 border border-neutral-700 bg-black px-2 text-base text-neutral-100"
                                on:input:target=move |ev| typed.set(ev.target().value())
                            />
                        }
                    })}
                <button type="button" class=BUTTON disabled=busy on:click=send_typed>
                    "Answer"
                </button>
                <button type="button" class=BUTTON disabled=busy on:click=dismiss>
                    "Dismiss"
                </button>
            </div>
        </section>
    }
}
