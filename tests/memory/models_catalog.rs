//! opencode is given its models database cut down to the providers it can
//! use here (the gateway's and its own Zen), read from its own cache: the
//! kept providers' models are exactly what opencode alone makes of the
//! same cache, and the others are gone.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::common::{TempDir, TestOpencode, TestServer};
use pocketcode::server::supervisor::{ModelsCatalog, Upstream, models_catalog};

/// A models.dev database as opencode caches it: three real providers'
/// entries, Zen's with a model of our own (not in opencode's built-in
/// snapshot, so seeing it proves which database opencode read).
const DATABASE: &str = include_str!("../fixtures/models_dev.json");

fn seed_cache(home: &Path) {
    let dir = home.join("cache").join("opencode");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("models.json"), DATABASE).expect("seed the cache");
}

async fn get(upstream: &Upstream, directory: &Path, path: &str) -> Value {
    let response = upstream
        .request(&reqwest::Client::new(), reqwest::Method::GET, path)
        .header("x-opencode-directory", directory.display().to_string())
        .send()
        .await
        .expect("opencode answers");
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    response.json().await.expect("json")
}

/// `/config/providers`' entry for Zen.
async fn zen(upstream: &Upstream, directory: &Path) -> Value {
    let providers = get(upstream, directory, "/config/providers").await;
    providers["providers"]
        .as_array()
        .expect("providers")
        .iter()
        .find(|p| p["id"] == "opencode")
        .cloned()
        .unwrap_or_else(|| panic!("no Zen provider in {providers}"))
}

/// Every provider opencode knows of (connected or not).
async fn known(upstream: &Upstream, directory: &Path) -> BTreeSet<String> {
    let all = get(upstream, directory, "/provider").await;
    all["all"]
        .as_array()
        .expect("all")
        .iter()
        .filter_map(|p| p["id"].as_str().map(str::to_owned))
        .collect()
}

/// opencode with the scripted model in its config and nothing else
/// (as with a real key: Zen stays on), on `DATABASE` in its cache.
async fn opencode(catalog: Option<&[&str]>) -> TestOpencode {
    TestOpencode::start_with(seed_cache, |settings| {
        let mut config: Value =
            serde_json::from_str(settings.config_json.as_deref().expect("config")).expect("json");
        config
            .as_object_mut()
            .expect("object")
            .remove("enabled_providers");
        settings.config_json = Some(config.to_string());
        settings.models =
            catalog.map(|keep| ModelsCatalog::new(&settings.home, keep.iter().copied()));
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kept_providers_models_are_what_the_whole_database_gives() {
    let _one = crate::ONE_AT_A_TIME.lock().await;
    let cut = opencode(Some(&["anthropic", models_catalog::ZEN])).await;
    let whole = opencode(None).await;

    // The copy keeps the kept providers' entries as they were, only them.
    let database: Value = serde_json::from_str(DATABASE).expect("fixture");
    let copy_path = cut.dir.path().join("opencode/pocketcode/models.json");
    let copy: Value =
        serde_json::from_slice(&std::fs::read(&copy_path).expect("the copy exists")).expect("json");
    let kept: Vec<&String> = copy.as_object().expect("object").keys().collect();
    assert_eq!(kept, ["anthropic", "opencode"], "{copy_path:?}");
    assert_eq!(copy["opencode"], database["opencode"]);
    assert_eq!(copy["anthropic"], database["anthropic"]);

    // opencode read the copy (the fixture's model is in no built-in
    // snapshot), and Zen is the same to the byte as from the whole cache:
    // limits, costs, capabilities.
    let with_copy = zen(&cut.upstream, &cut.workspace).await;
    let models: Vec<&String> = with_copy["models"]
        .as_object()
        .expect("models")
        .keys()
        .collect();
    assert_eq!(models, ["pocketcode-fixture-free"], "{with_copy}");
    assert_eq!(
        with_copy["models"]["pocketcode-fixture-free"]["limit"]["context"],
        123456
    );
    assert_eq!(zen(&whole.upstream, &whole.workspace).await, with_copy);

    // The provider cut is gone; the whole database has it.
    let cut_known = known(&cut.upstream, &cut.workspace).await;
    assert!(
        cut_known.contains("anthropic") && !cut_known.contains("deepinfra"),
        "{cut_known:?}"
    );
    let whole_known = known(&whole.upstream, &whole.workspace).await;
    assert!(whole_known.contains("deepinfra"), "{whole_known:?}");
    cut.stop().await;
    whole.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_scripted_model_opencode_gets_an_empty_database() {
    let _one = crate::ONE_AT_A_TIME.lock().await;
    let data = TempDir::new();
    seed_cache(&data.path().join("opencode"));
    let server = TestServer::start_in(data, &[]).await;
    let state = &server.pocketcode.as_ref().expect("running").state;
    let upstream = state
        .supervisor
        .ready(crate::common::READY)
        .await
        .expect("opencode healthy");
    let copy = server
        .data_dir
        .path()
        .join("opencode/pocketcode/models.json");
    assert_eq!(
        std::fs::read_to_string(&copy).expect("the copy exists"),
        "{}"
    );
    let known = known(&upstream, &state.workspace).await;
    assert!(
        !known.contains("deepinfra") && !known.contains("opencode"),
        "{known:?}"
    );
    // Its one provider, from its config, is still there.
    let providers = get(&upstream, &state.workspace, "/config/providers").await;
    assert_eq!(
        providers["default"]["scripted"], "scripted-model-lite",
        "{providers}"
    );
    server.stop().await;
}
