//! The outbox sender: claims due rows, sends each, records the outcome.
//!
//! Retries back off exponentially (`retry_base_secs` doubling, capped at
//! `retry_max_secs`) and never give up on a transient failure: a mail server
//! that is down for a weekend delays mail, it does not lose it. A permanent
//! refusal marks the row failed (shown as undeliverable in the deviation
//! report); the row is kept.

use chrono::{DateTime, Duration as ChronoDuration, Utc};
use tokio_util::sync::CancellationToken;

use super::transport::{SendError, Transport};
use super::{MailConfig, MailError};
use crate::calendar::Clock;
use crate::store::Db;
use crate::store::Store;

/// How long a claim holds a row: longer than any one SMTP attempt, so only
/// a sender that died mid-attempt leaves a row waiting for it to lapse.
const LEASE_SECS: i64 = 300;
const BATCH: usize = 20;

/// What one drain did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DrainOutcome {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
}

/// Delay before the next attempt after `attempts` failed ones.
pub fn backoff(config: &MailConfig, attempts: i64) -> ChronoDuration {
    let exponent = attempts.clamp(1, 20) as u32 - 1;
    let secs = config
        .retry_base_secs
        .max(1)
        .saturating_mul(1u64 << exponent)
        .min(config.retry_max_secs.max(1));
    ChronoDuration::seconds(secs as i64)
}

/// Sends every due mail (in batches) until none is due or shutdown is asked.
/// Shutdown is honoured between mails, never in the middle of one.
pub async fn drain(
    store: &Db,
    transport: &Transport,
    config: &MailConfig,
    clock: &dyn Clock,
    shutdown: &CancellationToken,
) -> Result<DrainOutcome, MailError> {
    let mut outcome = DrainOutcome::default();
    loop {
        let now = clock.now();
        let claimed = store
            .run(move |s| {
                crate::store::outbox::claim_due_mail(
                    s,
                    now,
                    now + ChronoDuration::seconds(LEASE_SECS),
                    BATCH,
                )
            })
            .await?;
        if claimed.is_empty() {
            return Ok(outcome);
        }
        for row in claimed {
            if shutdown.is_cancelled() {
                // The claim lapses after LEASE_SECS; restarting sooner only
                // delays this row, it never loses it.
                return Ok(outcome);
            }
            let result = transport
                .send(&row.envelope_from, &row.recipients, &row.raw)
                .await;
            let at = clock.now();
            let attempts = row.attempts + 1;
            let next = at + backoff(config, attempts);
            match &result {
                Ok(()) => {
                    outcome.sent += 1;
                    tracing::info!(outbox = row.id, kind = %row.kind, "e-post sendt");
                }
                Err(SendError::Transient(e)) => {
                    outcome.retrying += 1;
                    tracing::warn!(outbox = row.id, attempts, error = %e, "e-post ikke sendt; prøver igjen");
                }
                Err(SendError::Permanent(e)) => {
                    outcome.failed += 1;
                    tracing::error!(outbox = row.id, error = %e, "e-post avvist for godt");
                }
            }
            let id = row.id;
            store.run(move |s| record(s, id, result, at, next)).await?;
        }
    }
}

fn record(
    store: &Store,
    id: i64,
    result: Result<(), SendError>,
    at: DateTime<Utc>,
    next: DateTime<Utc>,
) -> Result<(), MailError> {
    match result {
        Ok(()) => crate::store::outbox::mark_mail_sent(store, id, at)?,
        Err(SendError::Transient(e)) => crate::store::outbox::mark_mail_retry(store, id, &e, next)?,
        Err(SendError::Permanent(e)) => crate::store::outbox::mark_mail_failed(store, id, &e)?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let cfg = MailConfig {
            retry_base_secs: 30,
            retry_max_secs: 3600,
            ..MailConfig::default()
        };
        assert_eq!(backoff(&cfg, 1).num_seconds(), 30);
        assert_eq!(backoff(&cfg, 2).num_seconds(), 60);
        assert_eq!(backoff(&cfg, 4).num_seconds(), 240);
        assert_eq!(backoff(&cfg, 12).num_seconds(), 3600);
        assert_eq!(backoff(&cfg, 1000).num_seconds(), 3600);
    }
}
