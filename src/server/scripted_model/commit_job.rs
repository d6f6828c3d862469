//! pocketcode's "write the commit message" job (asked aside, with no
//! tools): the scripted model answers a message made from the file list
//! the question carries, so tests can check what reached the model and
//! what came back.

/// The message for a commit-message question; `None` for other text.
pub fn message(user_text: &str) -> Option<String> {
    if !user_text.contains("Write the commit message") {
        return None;
    }
    let (_, after) = user_text.split_once("Files changed:\n")?;
    let files: Vec<&str> = after
        .lines()
        .map_while(|line| line.strip_prefix("- "))
        .map(|line| line.rsplit_once(" (").map_or(line, |(path, _)| path))
        .collect();
    let summary = match files.as_slice() {
        [] => return None,
        [one] => format!("Update {one}"),
        [first, rest @ ..] => format!("Update {first} and {} more file(s)", rest.len()),
    };
    let listed: Vec<String> = files.iter().map(|f| format!("- {f}")).collect();
    Some(format!(
        "{summary}\n\nChanged (the scripted model read the file list):\n{}",
        listed.join("\n")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_list_makes_the_message() {
        let question = "Write the commit message for this chat's uncommitted changes.\n\n\
                        Files changed:\n- src/a (b).rs (modified, +1 −0)\n- notes.txt (added, +2 −0)\n\nThe diff:\n- not a file\n";
        let message = message(question).expect("a message");
        assert!(
            message.starts_with("Update src/a (b).rs and 1 more file(s)\n\n"),
            "{message}"
        );
        assert!(
            message.ends_with("- src/a (b).rs\n- notes.txt"),
            "{message}"
        );
        assert_eq!(super::message("Write a title"), None);
    }
}
