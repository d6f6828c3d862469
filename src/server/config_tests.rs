//! The command line's parsing: defaults, ranges, secrets kept out of debug output.

use super::*;

#[test]
fn defaults_listen_on_loopback_8080_with_local_data_dir() {
    let config = Config::try_parse_from(["pocketcode"]).expect("defaults parse");
    assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
    assert_eq!(config.data_dir, PathBuf::from("./data"));
    assert_eq!(config.workspace_dir(), PathBuf::from("./data/workspace"));
}

#[test]
fn auto_uses_the_scripted_model_only_without_a_provider_key() {
    let config = Config::try_parse_from(["pocketcode"]).expect("defaults parse");
    assert_eq!(config.scripted_model, ScriptedModelMode::Auto);
    assert!(config.use_scripted_model_with(|_| None));
    assert!(config.use_scripted_model_with(|_| Some(String::new())));
    assert!(!config.use_scripted_model_with(|var| {
        (var == "OPENROUTER_API_KEY").then(|| "sk-or-test".to_string())
    }));
    let always =
        Config::try_parse_from(["pocketcode", "--scripted-model", "always"]).expect("flag parses");
    assert!(always.use_scripted_model_with(|_| Some("key".into())));
}

#[test]
fn flags_override_defaults_and_bad_values_are_refused() {
    let config = Config::try_parse_from([
        "pocketcode",
        "--listen",
        "127.0.0.1:9999",
        "--scripted-model",
        "never",
    ])
    .expect("flags parse");
    assert_eq!(config.listen.port(), 9999);
    assert!(!config.use_scripted_model());
    assert!(Config::try_parse_from(["pocketcode", "--listen", "nowhere"]).is_err());
    assert!(Config::try_parse_from(["pocketcode", "--scripted-model", "maybe"]).is_err());
}

#[test]
fn the_push_contact_must_be_mailto_or_https() {
    let config = Config::try_parse_from(["pocketcode"]).expect("defaults");
    assert_eq!(config.push_contact, "mailto:pocketcode@localhost");
    for bad in [
        "me@example.com",
        "http://example.com",
        "mailto:",
        "mailto:a b@c",
    ] {
        assert!(
            Config::try_parse_from(["pocketcode", "--push-contact", bad]).is_err(),
            "{bad}"
        );
    }
    assert!(
        Config::try_parse_from(["pocketcode", "--push-contact", "https://example.com/me"]).is_ok()
    );
}

#[test]
fn the_watchdog_defaults_to_three_misses_of_five_second_probes() {
    use crate::server::supervisor::Liveness;
    let config = Config::try_parse_from(["pocketcode"]).expect("defaults");
    assert_eq!(config.liveness(), Liveness::default());
    let off = Config::try_parse_from(["pocketcode", "--opencode-probe-secs", "0"])
        .expect("0 turns it off");
    assert!(off.liveness().every.is_zero());
    for bad in [
        ["--opencode-probe-timeout-secs", "0"],
        ["--opencode-probe-misses", "0"],
        ["--opencode-probe-secs", "-1"],
    ] {
        assert!(
            Config::try_parse_from(["pocketcode", bad[0], bad[1]]).is_err(),
            "{bad:?}"
        );
    }
}

#[test]
fn the_memory_budget_defaults_to_the_fly_machine_and_zero_turns_it_off() {
    let config = Config::try_parse_from(["pocketcode"]).expect("defaults");
    let budget = config.memory_budget();
    assert_eq!(
        budget.budget_bytes,
        crate::server::budget::DEFAULT_BUDGET_MB * 1024 * 1024
    );
    assert_eq!(budget.every, std::time::Duration::from_secs(5));
    let off =
        Config::try_parse_from(["pocketcode", "--opencode-memory-mb", "0"]).expect("0 is allowed");
    assert_eq!(off.memory_budget().budget_bytes, 0);
    for bad in [
        ["--opencode-memory-mb", "-1"],
        ["--opencode-memory-mb", "lots"],
        ["--opencode-memory-check-secs", "0"],
    ] {
        let mut args = vec!["pocketcode"];
        args.extend(bad);
        assert!(Config::try_parse_from(args).is_err(), "{bad:?}");
    }
}

#[test]
fn the_github_api_must_give_a_git_host_tokens_may_go_to() {
    let config = Config::try_parse_from(["pocketcode"]).expect("defaults");
    assert_eq!(config.github_api, "https://api.github.com");
    let enterprise =
        Config::try_parse_from(["pocketcode", "--github-api", "https://ghe.example/api/v3"]);
    assert!(enterprise.is_ok());
    for bad in [
        "http://ghe.example/api/v3",
        "https://user:secret@ghe.example/api/v3",
        "ftp://ghe.example/api/v3",
        "nonsense",
    ] {
        assert!(
            Config::try_parse_from(["pocketcode", "--github-api", bad]).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn the_github_token_never_shows_in_debug_output() {
    let config = Config::try_parse_from(["pocketcode", "--github-token", "ghp_secret42"])
        .expect("flag parses");
    assert!(config.github_token.is_some());
    assert!(!format!("{config:?}").contains("ghp_secret42"));
}
