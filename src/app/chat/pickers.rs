//! The model and mode pickers under the prompt box. Their values go with
//! the form (`model`, `agent`); the pick is remembered per chat in this
//! browser, and a chat this browser never picked for starts from its last
//! prompt's model and mode, else opencode's defaults.

use leptos::prelude::*;

use super::ChatKey;
use crate::app::storage::{Pick, pick as saved_pick, save_pick};
use crate::model::chats::ChatOpening;
use crate::opencode::Choices;

/// The pick a chat starts with on first paint (the server knows no
/// browser storage; the saved pick replaces it after hydration).
pub fn initial_pick(choices: Option<&Choices>, opening: &ChatOpening) -> Pick {
    let (model, agent) = (opening.model.clone(), opening.agent.clone());
    let model = model
        .filter(|id| choices.is_some_and(|c| c.model(id).is_some()))
        .or_else(|| choices.and_then(|c| c.default_model.clone()));
    let agent = agent
        .filter(|name| choices.is_some_and(|c| c.agent(name).is_some()))
        .or_else(|| choices.and_then(|c| c.default_agent.clone()));
    Pick { model, agent }
}

/// Restores this browser's pick for the chat once hydrated, if the choices
/// still hold it.
pub fn restore_pick(key: &ChatKey, choices: &Choices, pick: RwSignal<Pick>) {
    let (repo, chat_id) = (key.repo.clone(), key.chat_id.clone());
    let choices = choices.clone();
    Effect::new(move |_| {
        let Some(saved) = saved_pick(&repo, &chat_id) else {
            return;
        };
        pick.update(|current| {
            if let Some(model) = saved.model.filter(|id| choices.model(id).is_some()) {
                current.model = Some(model);
            }
            if let Some(agent) = saved.agent.filter(|name| choices.agent(name).is_some()) {
                current.agent = Some(agent);
            }
        });
    });
}

#[component]
pub fn Pickers(key: ChatKey, choices: Choices, pick: RwSignal<Pick>) -> impl IntoView {
    let remember = move || save_pick(&key.repo, &key.chat_id, &pick.get_untracked());
    let remember_model = remember.clone();
    let providers = group_by_provider(&choices);
    let select = "min-w-0 border border-neutral-700 bg-black px-1 py-1 text-base text-neutral-100 focus:border-neutral-400 focus:outline-none";
    view! {
        <label class="sr-only" for="mode">
            "Mode"
        </label>
        <select
            id="mode"
            name="agent"
            class=select
            title="Mode: which opencode agent answers"
            on:change:target=move |ev| {
                pick.update(|p| p.agent = Some(ev.target().value()));
                remember();
            }
        >
            {choices
                .agents
                .into_iter()
                .map(|agent| {
                    let name = agent.name.clone();
                    let selected = move || pick.with(|p| p.agent.as_deref() == Some(name.as_str()));
                    view! {
                        <option value=agent.name.clone() selected=selected title=agent.description>
                            {agent.name.clone()}
                        </option>
                    }
                })
                .collect_view()}
        </select>
        <label class="sr-only" for="model">
            "Model"
        </label>
        <select
            id="model"
            name="model"
            class=format!("{select} flex-1 basis-40")
            on:change:target=move |ev| {
                pick.update(|p| p.model = Some(ev.target().value()));
                remember_model();
            }
        >
            {providers
                .into_iter()
                .map(|(provider, models)| {
                    view! {
                        <optgroup label=provider>
                            {models
                                .into_iter()
                                .map(|(id, name)| {
                                    let value = id.clone();
                                    let selected = move || {
                                        pick.with(|p| p.model.as_deref() == Some(id.as_str()))
                                    };
                                    view! {
                                        <option value=value selected=selected>
                                            {name}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </optgroup>
                    }
                })
                .collect_view()}
        </select>
    }
}

/// `(provider, [(id, name)])` in the order the choices list them.
fn group_by_provider(choices: &Choices) -> Vec<(String, Vec<(String, String)>)> {
    let mut groups: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for model in &choices.models {
        let entry = (model.id.clone(), model.name.clone());
        match groups.last_mut() {
            Some((provider, models)) if *provider == model.provider => models.push(entry),
            _ => groups.push((model.provider.clone(), vec![entry])),
        }
    }
    groups
}
