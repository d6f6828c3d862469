//! Starting what opencode needs before it starts: the scripted model when
//! no provider key is set, the provider gateway in front of the models,
//! opencode's settings, and the ports the shared browser may not reach.

use std::sync::Arc;

use super::{Dirs, StartupError};
use crate::server::config::Config;
use crate::server::gateway::{Gateway, KeyHeader, ProviderRoute};
use crate::server::sandbox::Zone;
use crate::server::sandbox::internal_ports::InternalPorts;
use crate::server::scripted_model::{self, ScriptedModel};
use crate::server::supervisor::{ModelsCatalog, OpencodeSettings, Supervisor, models_catalog};

/// The scripted model, started, when no provider key is set.
pub async fn scripted_model(config: &Config) -> Result<Option<ScriptedModel>, StartupError> {
    if !config.use_scripted_model() {
        return Ok(None);
    }
    let model = ScriptedModel::start()
        .await
        .map_err(StartupError::ScriptedModel)?;
    tracing::info!(url = %model.base_url(), "no provider key set: using the scripted model");
    Ok(Some(model))
}

/// The gateway in front of the scripted model when it is in use, else in
/// front of every provider whose key is set.
pub async fn start_gateway(scripted: Option<&ScriptedModel>) -> Result<Gateway, StartupError> {
    let routes = match scripted {
        Some(model) => ProviderRoute::new(
            scripted_model::PROVIDER_ID,
            &model.base_url(),
            KeyHeader::Bearer,
            model.api_key().to_owned(),
        )
        .into_iter()
        .collect(),
        None => ProviderRoute::from_env(|var| std::env::var(var).ok()),
    };
    let gateway = Gateway::start(routes).await?;
    let providers: Vec<&str> = gateway.providers().collect();
    tracing::info!(addr = %gateway.addr(), ?providers, "provider gateway listening");
    Ok(gateway)
}

/// How opencode is run. It holds the gateway's token, never a key (its
/// environment does not carry them either).
pub fn settings(
    config: &Config,
    dirs: &Dirs,
    zone: Option<Zone>,
    gateway: &Gateway,
    scripted: Option<&ScriptedModel>,
) -> OpencodeSettings {
    let mut settings = OpencodeSettings::new(dirs.opencode_home.clone(), dirs.workspace.clone());
    settings.binary = config.opencode_bin.clone();
    settings.liveness = config.liveness();
    settings.sandbox = zone;
    if !config.opencode_full_models {
        settings.models = Some(match scripted {
            Some(_) => ModelsCatalog::config_only(&dirs.opencode_home),
            None => ModelsCatalog::new(
                &dirs.opencode_home,
                gateway.providers().chain([models_catalog::ZEN]),
            ),
        });
    }
    if let Some(model) = scripted {
        let via_gateway = gateway.url(scripted_model::PROVIDER_ID);
        let config =
            scripted_model::opencode_config(&via_gateway, gateway.token(), &model.share_url());
        settings.config_json = Some(config.to_string());
        settings.offline = true;
    } else {
        settings.config_json =
            crate::server::gateway::opencode_config(gateway).map(|c| c.to_string());
    }
    settings
}

/// Ports the shared browser's pages may not reach: the scripted model's,
/// the gateway's and opencode's. The listener's is added by whoever binds
/// it (see `Pocketcode::serving_on`), the tunnels' by the SSH part.
pub fn internal_ports(
    supervisor: &Arc<Supervisor>,
    scripted: Option<&ScriptedModel>,
    gateway: &Gateway,
) -> Arc<InternalPorts> {
    let internal_ports = Arc::new(InternalPorts::default());
    if let Some(model) = scripted {
        internal_ports.add(model.addr().port());
    }
    internal_ports.add(gateway.addr().port());
    let opencode = Arc::downgrade(supervisor);
    internal_ports.add_source(Box::new(move || {
        opencode
            .upgrade()
            .and_then(|s| s.status().port)
            .into_iter()
            .collect()
    }));
    internal_ports
}
