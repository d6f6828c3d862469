//! opencode's models database, cut down to the providers opencode can use
//! here. opencode builds its provider list from the whole models.dev
//! database (225 providers, 5 MB) in every instance it loads, so reviving a
//! disposed chat spent 0.3–1 s in it. Only the gateway's providers work
//! (and opencode's own Zen, whose free models need no key; with the
//! scripted model, only the providers in its config), so opencode is given
//! a copy of its database with just those: the same entries, byte for
//! byte, read through `OPENCODE_MODELS_PATH`.
//!
//! The source is opencode's own cache (`<cache>/opencode/models.json`,
//! which it fetches from models.dev hourly when online). Until that exists
//! the copy does not either, and opencode falls back to the snapshot built
//! into it: slower, never wrong.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use serde_json::{Map, Value};

/// opencode's own provider (Zen): its free models need no key.
pub const ZEN: &str = "opencode";
/// A cache bigger than this is not read (models.dev's is about 5 MB).
const MAX_SOURCE_BYTES: u64 = 64 * 1024 * 1024;
/// How often the copy is brought up to date with opencode's cache while
/// it runs (opencode reads the copy again after each of its hourly fetches).
pub const REFRESH_EVERY: Duration = Duration::from_secs(300);

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("cannot read opencode's models cache {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("opencode's models cache {0} is over 64 MiB: not read")]
    TooBig(String),
    #[error("opencode's models cache {path} is not a JSON object: {why}")]
    Malformed { path: String, why: String },
    #[error("cannot write the models file {path}: {source}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// What a refresh did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refreshed {
    /// The copy was written, with these providers (those of the kept ones
    /// the database knows).
    Written(Vec<String>),
    /// The copy was written from this very cache already.
    UpToDate,
    /// opencode has no cache yet (offline, or before its first fetch).
    NoSource,
}

/// The cut-down copy of opencode's models database.
#[derive(Clone, Debug)]
pub struct ModelsCatalog {
    source: PathBuf,
    copy: PathBuf,
    /// `None`: no provider of the database (see [`Self::config_only`]).
    keep: Option<Vec<String>>,
    /// When the cache the copy was last written from was modified (a copy
    /// left by an earlier run may keep other providers: written again).
    written_from: Arc<Mutex<Option<SystemTime>>>,
}

impl ModelsCatalog {
    /// For the opencode whose XDG directories are under `home`, keeping
    /// `providers` (opencode's ids).
    pub fn new<'a>(home: &Path, providers: impl IntoIterator<Item = &'a str>) -> Self {
        let mut keep: Vec<String> = providers.into_iter().map(str::to_owned).collect();
        keep.sort();
        keep.dedup();
        Self {
            source: home.join("cache").join("opencode").join("models.json"),
            copy: home.join("pocketcode").join("models.json"),
            keep: Some(keep),
            written_from: Arc::default(),
        }
    }

    /// For an opencode whose every model is in its config (the scripted
    /// model's): an empty database, cache or not.
    pub fn config_only(home: &Path) -> Self {
        Self {
            keep: None,
            ..Self::new(home, [])
        }
    }

    /// `OPENCODE_MODELS_PATH`: opencode reads the copy there, and its
    /// built-in snapshot while the copy does not exist.
    pub fn path(&self) -> &Path {
        &self.copy
    }

    /// The providers the copy keeps.
    pub fn kept(&self) -> &[String] {
        self.keep.as_deref().unwrap_or_default()
    }

    /// Writes the copy from opencode's cache when the cache is newer
    /// (blocking). A cache that cannot be read leaves the copy as it was.
    pub fn refresh(&self) -> Result<Refreshed, CatalogError> {
        let source_time = match (&self.keep, modified(&self.source)) {
            (None, _) => SystemTime::UNIX_EPOCH,
            (Some(_), Some(time)) => time,
            (Some(_), None) => return Ok(Refreshed::NoSource),
        };
        let mut written_from = self.written_from.lock().unwrap_or_else(|e| e.into_inner());
        if *written_from == Some(source_time) {
            return Ok(Refreshed::UpToDate);
        }
        if self.keep.is_none() {
            self.write_copy(&Value::Object(Map::new()))?;
            *written_from = Some(source_time);
            return Ok(Refreshed::Written(Vec::new()));
        }
        let database = self.read_source()?;
        let kept: Map<String, Value> = database
            .into_iter()
            .filter(|(id, _)| self.kept().contains(id))
            .collect();
        let providers = kept.keys().cloned().collect();
        self.write_copy(&Value::Object(kept))?;
        *written_from = Some(source_time);
        Ok(Refreshed::Written(providers))
    }

    /// [`Self::refresh`] off the async runtime, logged.
    pub async fn refresh_logged(&self) {
        let catalog = self.clone();
        match tokio::task::spawn_blocking(move || catalog.refresh()).await {
            Ok(Ok(Refreshed::Written(providers))) => {
                tracing::info!(
                    ?providers,
                    "opencode's models database cut down to the usable providers"
                );
            }
            Ok(Ok(_)) => {}
            Ok(Err(error)) => tracing::warn!(%error, "opencode's models database kept as it was"),
            Err(error) => tracing::warn!(%error, "the models database refresh panicked"),
        }
    }

    fn read_source(&self) -> Result<Map<String, Value>, CatalogError> {
        let shown = self.source.display().to_string();
        let read = |source| CatalogError::Read {
            path: shown.clone(),
            source,
        };
        let size = std::fs::metadata(&self.source).map_err(read)?.len();
        if size > MAX_SOURCE_BYTES {
            return Err(CatalogError::TooBig(shown));
        }
        let text = std::fs::read(&self.source).map_err(read)?;
        match serde_json::from_slice(&text) {
            Ok(Value::Object(map)) => Ok(map),
            Ok(_) => Err(CatalogError::Malformed {
                path: shown,
                why: "not an object".into(),
            }),
            Err(e) => Err(CatalogError::Malformed {
                path: shown,
                why: e.to_string(),
            }),
        }
    }

    /// Written beside, then renamed: opencode never reads half a file.
    fn write_copy(&self, database: &Value) -> Result<(), CatalogError> {
        let write = |source| CatalogError::Write {
            path: self.copy.display().to_string(),
            source,
        };
        if let Some(dir) = self.copy.parent() {
            std::fs::create_dir_all(dir).map_err(write)?;
        }
        let staging = self
            .copy
            .with_extension(format!("{}.tmp", std::process::id()));
        std::fs::write(&staging, database.to_string()).map_err(write)?;
        std::fs::rename(&staging, &self.copy).map_err(|e| {
            let _ = std::fs::remove_file(&staging);
            write(e)
        })
    }
}

/// Refreshes the copy every [`REFRESH_EVERY`] until `stop` says so.
pub(super) async fn keep_fresh(
    catalog: ModelsCatalog,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(REFRESH_EVERY) => catalog.refresh_logged().await,
            _ = stop.changed() => return,
        }
        if *stop.borrow() {
            return;
        }
    }
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn home() -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "pocketcode-catalog-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("cache/opencode")).expect("mkdir");
        dir
    }

    fn database() -> Value {
        json!({
            "opencode": { "id": "opencode", "models": { "free-one": { "limit": { "context": 1 } } } },
            "anthropic": { "id": "anthropic", "models": { "claude": { "cost": { "input": 3 } } } },
            "deepinfra": { "id": "deepinfra", "models": {} },
        })
    }

    #[test]
    fn keeps_the_gateway_providers_and_zen_entry_for_entry() {
        let home = home();
        std::fs::write(
            home.join("cache/opencode/models.json"),
            database().to_string(),
        )
        .expect("write");
        let catalog = ModelsCatalog::new(&home, ["anthropic", "openrouter", ZEN]);
        assert_eq!(
            catalog.refresh().expect("refresh"),
            Refreshed::Written(vec!["anthropic".into(), "opencode".into()])
        );
        let copy: Value =
            serde_json::from_slice(&std::fs::read(catalog.path()).expect("copy")).expect("json");
        assert_eq!(copy["anthropic"], database()["anthropic"]);
        assert_eq!(copy["opencode"], database()["opencode"]);
        assert!(copy.get("deepinfra").is_none(), "{copy}");
        assert_eq!(catalog.refresh().expect("again"), Refreshed::UpToDate);
        std::fs::remove_dir_all(&home).expect("cleanup");
    }

    #[test]
    fn no_cache_no_copy_and_a_broken_cache_keeps_the_copy() {
        let home = home();
        let catalog = ModelsCatalog::new(&home, []);
        assert_eq!(catalog.refresh().expect("refresh"), Refreshed::NoSource);
        assert!(!catalog.path().exists());
        let source = home.join("cache/opencode/models.json");
        std::fs::write(&source, database().to_string()).expect("write");
        catalog.refresh().expect("written");
        let before = std::fs::read(catalog.path()).expect("copy");
        // A newer cache that is not JSON: the copy stays.
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(&source, "{ half a fi").expect("write");
        let error = catalog.refresh().expect_err("malformed");
        assert!(error.to_string().contains("not a JSON object"), "{error}");
        assert_eq!(std::fs::read(catalog.path()).expect("copy"), before);
        std::fs::write(&source, "[1, 2]").expect("write");
        assert!(catalog.refresh().is_err());
        std::fs::remove_dir_all(&home).expect("cleanup");
    }

    #[test]
    fn config_only_is_an_empty_database_whatever_the_cache() {
        let home = home();
        std::fs::write(
            home.join("cache/opencode/models.json"),
            database().to_string(),
        )
        .expect("write");
        let catalog = ModelsCatalog::config_only(&home);
        assert_eq!(
            catalog.refresh().expect("refresh"),
            Refreshed::Written(Vec::new())
        );
        assert_eq!(std::fs::read_to_string(catalog.path()).expect("copy"), "{}");
        assert_eq!(catalog.refresh().expect("again"), Refreshed::UpToDate);
        std::fs::remove_dir_all(&home).expect("cleanup");
    }
}
