//! Alerts of `kensa trail replay` and `kensa trail watch` into the store, each exactly
//! once (keyed by event ID and rule: a replayed file or a redelivered event adds
//! nothing). The store lives on its own thread ([`StoreThread`]), so the sink works the
//! same from replay's plain loop and from watch's async pipeline.
use anyhow::Context;
use kensa_store::{Location, NewAlert};
use kensa_trail::{Alert, Sink, SinkError};

use super::store_common::{store_in_use, StoreArgs};
use super::store_thread::StoreThread;

/// A [`Sink`] that stores every alert; counts what it added and what was there already.
pub struct StoreSink {
    db: StoreThread,
    pub stored: u64,
    pub duplicates: u64,
}

impl StoreSink {
    /// The sink for the store in use (`--store`, `KENSA_STORE`, or the default store
    /// file when it exists); None when there is none.
    pub fn for_args(args: &StoreArgs) -> anyhow::Result<Option<StoreSink>> {
        store_in_use(args)?.map(StoreSink::open).transpose()
    }

    pub fn open(location: Location) -> anyhow::Result<StoreSink> {
        Ok(StoreSink {
            db: StoreThread::open(location).context("storing alerts")?,
            stored: 0,
            duplicates: 0,
        })
    }

    /// The store, for messages (a URL without its password); `kensa trail watch`
    /// (AWS builds) names it.
    #[cfg(feature = "aws")]
    pub fn summary_location(&self) -> &str {
        &self.db.shown
    }

    /// One line for stderr: where alerts went.
    pub fn summary(&self) -> String {
        format!(
            "store {}: {} alert(s) stored, {} already there",
            self.db.shown, self.stored, self.duplicates
        )
    }
}

/// The store's record of an alert.
pub fn new_alert(a: &Alert) -> NewAlert {
    NewAlert {
        dedup_key: kensa_store::dedup_key(
            &a.rule,
            a.event_id.as_deref(),
            a.time.as_deref(),
            &a.output,
        ),
        rule: a.rule.clone(),
        priority: a.priority.to_string(),
        event_id: a.event_id.clone(),
        event_name: a.event_name.clone(),
        event_time: a.time.clone(),
        account: a.account_id.clone(),
        region: a.aws_region.clone(),
        principal: a.user_arn.clone().or_else(|| a.user.clone()),
        resource: a.resources.iter().find_map(|r| r.arn.clone()),
        output: a.output.clone(),
        origin: a.origin.clone(),
        body: serde_json::to_value(a).unwrap_or_default(),
    }
}

impl Sink<Alert> for StoreSink {
    fn emit(&mut self, alert: &Alert) -> Result<(), SinkError> {
        let alert = new_alert(alert);
        let added = (self.db)
            .call(move |s| Box::pin(async move { s.record_alert(&alert).await }))
            .map_err(|e| SinkError::Other(format!("store {}: {e:#}", self.db.shown)))?;
        if added {
            self.stored += 1;
        } else {
            self.duplicates += 1;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), SinkError> {
        // Every emit waited for its write.
        Ok(())
    }
}
