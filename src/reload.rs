//! SIGHUP for the services that take their config once at start (board,
//! mail, metrics, `direct`, `after-meeting`, `forget`): [`restart_on_reload`]
//! runs a service and, when the daemon publishes a new config, stops it
//! gracefully and starts it again with the new one. So `systemctl reload`
//! re-reads every section — mail settings and recipients, report schedules,
//! web limits, direct allocation, the after-meeting quiet period, the
//! forget policy — not only the folders (the intake applies those itself,
//! without a restart; the printout task reads the current config each turn).
//!
//! A service is restarted only when its config actually changed, so a reload
//! that touches nothing drops no board connection.

use std::fmt::Display;
use std::future::Future;
use std::sync::Arc;

use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::config::Config;

/// Runs `start(config, token)` until `shutdown` (Ok) or a failure (Err);
/// restarts it with the new config when `configs` changes and `relevant`
/// differs between the old and the new one. A service that ends by itself
/// without an error (nothing to do under its config) is started again by the
/// next relevant change.
pub async fn restart_on_reload<F, Fut, E>(
    what: &'static str,
    mut configs: watch::Receiver<Arc<Config>>,
    relevant: fn(&Config) -> String,
    shutdown: CancellationToken,
    mut start: F,
) -> Result<(), String>
where
    F: FnMut(Arc<Config>, CancellationToken) -> Fut,
    Fut: Future<Output = Result<(), E>>,
    E: Display,
{
    let mut config = configs.borrow_and_update().clone();
    loop {
        let token = shutdown.child_token();
        let service = start(config.clone(), token.clone());
        tokio::pin!(service);
        // Wait for the service to end, or for a config that concerns it.
        let next = loop {
            tokio::select! {
                result = &mut service => {
                    result.map_err(|e| e.to_string())?;
                    // Nothing to do under this config (no unit allocates
                    // directly, say): wait for one under which there is.
                    match next_relevant(&mut configs, relevant, &config, &shutdown).await {
                        Some(new) => break new,
                        None => return Ok(()),
                    }
                }
                changed = configs.changed() => {
                    if changed.is_err() {
                        // The daemon is stopping; the service follows `shutdown`.
                        return service.await.map_err(|e| e.to_string());
                    }
                    let new = configs.borrow_and_update().clone();
                    if relevant(&new) != relevant(&config) {
                        token.cancel();
                        service.await.map_err(|e| e.to_string())?;
                        break new;
                    }
                }
            }
        };
        if shutdown.is_cancelled() {
            return Ok(());
        }
        tracing::info!(
            service = what,
            "startet på nytt med ny konfigurasjon (SIGHUP)"
        );
        config = next;
    }
}

/// The next config whose `relevant` part differs from `current`'s, or None
/// when the daemon stops first.
async fn next_relevant(
    configs: &mut watch::Receiver<Arc<Config>>,
    relevant: fn(&Config) -> String,
    current: &Config,
    shutdown: &CancellationToken,
) -> Option<Arc<Config>> {
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return None,
            changed = configs.changed() => {
                changed.ok()?;
                let new = configs.borrow_and_update().clone();
                if relevant(&new) != relevant(current) {
                    return Some(new);
                }
            }
        }
    }
}

/// Everything but the folders (which the intake applies itself): any change
/// restarts the board, the mailer and the metrics endpoint. Compared by
/// their `Debug` form, which covers every key of every section.
pub fn all_sections(config: &Config) -> String {
    format!("{:?}", config.raw)
}

/// The `forget` task sweeps once when it starts: it restarts only when its
/// own policy (or the data folder it sweeps) changed, so an unrelated reload
/// does not start an extra sweep.
pub fn forget_policy(config: &Config) -> String {
    format!("{:?} {:?}", config.raw.forget, config.raw.data_dir)
}
