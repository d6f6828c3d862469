//! A permission request: allow once, always, or reject.

use leptos::prelude::*;

use crate::app::call::Call;

use super::{AskContext, BOX, BUTTON};
use crate::api::AnswerPermission;
use crate::opencode::PermissionRequest;

#[component]
pub fn Permission(request: PermissionRequest, ctx: AskContext) -> impl IntoView {
    let answer = Call::<AnswerPermission>::new();
    Effect::new(move |_| {
        if let Some(result) = answer.value().get() {
            ctx.answered(result);
        }
    });
    let busy = answer.pending();
    let request_id = StoredValue::new(request.id.clone());
    let reply = move |reply: &'static str| {
        move |_| {
            let key = ctx.key.get_value();
            answer.dispatch(AnswerPermission {
                repo: key.repo,
                chat_id: key.chat_id,
                session_id: key.session_id,
                request_id: request_id.get_value(),
                reply: reply.into(),
            });
        }
    };
    let what = request.patterns.join("\n");
    view! {
        <section role="group" aria-label="Permission request" class=BOX>
            <p class="text-amber-300">{format!("The agent asks to use {}:", request.permission)}</p>
            <pre class="my-1 overflow-x-auto whitespace-pre-wrap break-all text-neutral-100">{what}</pre>
            <div class="flex flex-wrap gap-2">
                <button type="button" class=BUTTON disabled=busy on:click=reply("once")>
                    "Allow once"
                </button>
                <button type="button" class=BUTTON disabled=busy on:click=reply("always")>
                    "Always allow"
                </button>
                <button type="button" class=BUTTON disabled=busy on:click=reply("reject")>
                    "Reject"
                </button>
            </div>
        </section>
    }
}
