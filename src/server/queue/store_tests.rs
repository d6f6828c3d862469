//! Unit tests of the per-chat prompt queues' store (`store.rs`).

use super::*;

fn prompt(text: &str) -> QueuedPrompt {
    QueuedPrompt {
        text: text.into(),
        ..QueuedPrompt::default()
    }
}

fn texts(queue: &PromptQueue) -> Vec<&str> {
    queue.prompts.iter().map(|p| p.text.as_str()).collect()
}

#[test]
fn a_queue_is_kept_in_order_on_disk_and_bad_changes_change_nothing() {
    let data = std::env::temp_dir().join(format!("pocketcode-queue-{}", rand::random::<u32>()));
    let name = WorktreeName::parse("local__widgets__abcdef12").expect("name");
    let key = name.as_string();
    let owner = QueueOwner {
        repo: "local/widgets".into(),
        chat_id: "abcdef12".into(),
        session_id: "ses_1".into(),
    };
    let queues = PromptQueues::open(&data).expect("open");
    for text in ["one", "two", "three"] {
        queues
            .push(&name, owner.clone(), prompt(text))
            .expect("push");
    }
    let ids: Vec<u64> = queues.get(&name).prompts.iter().map(|p| p.id).collect();
    queues.move_to(&name, ids[2], 0).expect("move");
    queues.edit(&name, ids[0], "ONE", None).expect("edit");
    let err = queues.move_to(&name, ids[0], 3).expect_err("out of range");
    assert_eq!(err.status(), 400, "{err}");
    queues.sent(&key, ids[2]).expect("sent");
    let err = queues
        .edit(&name, ids[2], "late", None)
        .expect_err("already sent");
    assert_eq!(err.status(), 409, "{err}");
    assert_eq!(texts(&queues.get(&name)), ["ONE", "two"]);
    assert_eq!(
        queues.key_of_session("ses_1").as_deref(),
        Some(key.as_str())
    );

    // Another process sees the same queue, and new ids stay unique.
    let again = PromptQueues::open(&data).expect("reopen");
    assert_eq!(texts(&again.get(&name)), ["ONE", "two"]);
    let queue = again
        .push(&name, owner.clone(), prompt("four"))
        .expect("push");
    assert!(queue.prompts[2].id > ids[2], "{queue:?}");
    again
        .failed(&key, "opencode said no".into())
        .expect("failed");
    assert!(again.head(&key).is_none(), "an error stops the queue");
    assert!(again.waiting().is_empty());
    again.remove(&name, ids[1]).expect("remove");
    assert_eq!(
        again.head(&key).map(|(_, p)| p.text).as_deref(),
        Some("ONE")
    );
    for _ in 0..MAX_QUEUED - 2 {
        again
            .push(&name, owner.clone(), prompt("more"))
            .expect("push");
    }
    let err = again
        .push(&name, owner, prompt("too many"))
        .expect_err("full");
    assert_eq!(err.status(), 409, "{err}");
    assert_eq!(again.get(&name).prompts.len(), MAX_QUEUED);
    let _ = std::fs::remove_dir_all(&data);
}

#[test]
fn an_edit_keeps_the_files_still_named_and_a_reload_keeps_both() {
    let data = std::env::temp_dir().join(format!("pocketcode-queue-{}", rand::random::<u32>()));
    let name = WorktreeName::parse("local__widgets__abcdef12").expect("name");
    let owner = QueueOwner {
        repo: "local/widgets".into(),
        chat_id: "abcdef12".into(),
        session_id: "ses_1".into(),
    };
    let queues = PromptQueues::open(&data).expect("open");
    let mentioned = QueuedPrompt {
        files: vec!["a.rs".into(), "docs/b.md".into()],
        command: Some("review".into()),
        ..prompt("/review @a.rs and @docs/b.md")
    };
    let queue = queues.push(&name, owner, mentioned).expect("push");
    let id = queue.prompts[0].id;
    let queue = queues
        .edit(
            &name,
            id,
            "/review @a.rs only, not b.md",
            Some("review".into()),
        )
        .expect("edit");
    assert_eq!(queue.prompts[0].files, ["a.rs"]);
    let queue = queues
        .edit(&name, id, "plain now, @a.rs", None)
        .expect("edit");
    assert_eq!(queue.prompts[0].command, None);
    let again = PromptQueues::open(&data).expect("reopen");
    assert_eq!(again.get(&name).prompts[0].files, ["a.rs"]);
    let _ = std::fs::remove_dir_all(&data);
}
