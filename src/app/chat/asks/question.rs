//! Questions the agent asked at once: tap an option (a single question
//! with a single choice is answered by that one tap), or type an answer;
//! Answer sends the choices, Dismiss rejects them all.

use leptos::prelude::*;

use crate::app::call::Call;

use super::{AskContext, BOX, BUTTON};
use crate::api::AnswerQuestion;
use crate::opencode::{QuestionInfo, QuestionRequest};

/// One answer per question: the labels chosen (or the typed text).
type Chosen = RwSignal<Vec<Vec<String>>>;

#[component]
pub fn Question(request: QuestionRequest, ctx: AskContext) -> impl IntoView {
    let answer = Call::<AnswerQuestion>::new();
    Effect::new(move |_| {
        if let Some(result) = answer.value().get() {
            ctx.answered(result);
        }
    });
    let busy = answer.pending();
    let request_id = StoredValue::new(request.id.clone());
    let send = move |answers: Vec<Vec<String>>, reject: bool| {
        let key = ctx.key.get_value();
        answer.dispatch(AnswerQuestion {
            repo: key.repo,
            chat_id: key.chat_id,
            session_id: key.session_id,
            request_id: request_id.get_value(),
            answers,
            reject,
        });
    };
    let count = request.questions.len();
    let chosen: Chosen = RwSignal::new(vec![Vec::new(); count]);
    let one_tap = count == 1 && !request.questions[0].multiple;
    let questions = request
        .questions
        .into_iter()
        .enumerate()
        .map(|(index, question)| view! { <Choices index question chosen one_tap busy send /> })
        .collect_view();
    let typed = RwSignal::new(String::new());
    let send_typed = move |_| {
        let text = typed.get_untracked();
        let mut answers = chosen.get_untracked();
        if count == 1 && !text.trim().is_empty() {
            answers[0] = vec![text.trim().to_owned()];
        }
        send(answers, false);
    };
    let field = format!("answer-{}", request.id);
    view! {
        <section role="group" aria-label="Question" class=BOX>
            {questions}
            <div class="mt-1 flex flex-wrap gap-2">
                {(count == 1).then(|| view! {
                    <label class="sr-only" for=field.clone()>"Your answer"</label>
                    <input
                        id=field
                        type="text"
                        placeholder="or type an answer"
                        class="min-h-11 min-w-0 flex-1 border border-neutral-700 bg-black px-2 text-base text-neutral-100"
                        on:input:target=move |ev| typed.set(ev.target().value())
                    />
                })}
                <button type="button" class=BUTTON disabled=busy on:click=send_typed>
                    "Answer"
                </button>
                <button type="button" class=BUTTON disabled=busy on:click=move |_| send(Vec::new(), true)>
                    "Dismiss"
                </button>
            </div>
        </section>
    }
}

/// One question and its options, pressed when chosen.
#[component]
fn Choices(
    index: usize,
    question: QuestionInfo,
    chosen: Chosen,
    one_tap: bool,
    busy: Signal<bool>,
    send: impl Fn(Vec<Vec<String>>, bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let multiple = question.multiple;
    let options = question
        .options
        .into_iter()
        .map(|option| {
            let label = StoredValue::new(option.label.clone());
            let pressed = move || {
                label
                    .with_value(|label| chosen.with(|c| c[index].contains(label)))
                    .to_string()
            };
            let on_click = move |_| {
                let label = label.get_value();
                if one_tap {
                    send(vec![vec![label]], false);
                } else {
                    chosen.update(|c| choose(&mut c[index], label, multiple));
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
}

/// A tap on `label`: unchooses it if chosen, else adds it (several
/// allowed) or makes it the one choice.
fn choose(answer: &mut Vec<String>, label: String, multiple: bool) {
    match answer.iter().position(|l| *l == label) {
        Some(at) => {
            answer.remove(at);
        }
        None if multiple => answer.push(label),
        None => *answer = vec![label],
    }
}
