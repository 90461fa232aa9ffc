//! Alerts of `kensa trail replay` and `kensa trail watch` into the store, each exactly
//! once (keyed by event ID and rule: a replayed file or a redelivered event adds
//! nothing). The store lives on its own thread with its own runtime, so the sink works
//! the same from replay's plain loop and from watch's async pipeline.
use std::sync::mpsc;
use std::thread::JoinHandle;

use anyhow::Context;
use kensa_store::{Location, NewAlert, Store};
use kensa_trail::{Alert, Sink, SinkError};

use super::store_common::{store_in_use, StoreArgs};

type Reply = mpsc::Sender<Result<bool, String>>;

/// A [`Sink`] that stores every alert; counts what it added and what was there already.
pub struct StoreSink {
    tx: Option<mpsc::Sender<(NewAlert, Reply)>>,
    thread: Option<JoinHandle<()>>,
    location: String,
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
        let (tx, rx) = mpsc::channel::<(NewAlert, Reply)>();
        let (ready_tx, ready_rx) = mpsc::channel::<Result<(), String>>();
        let shown = location.display();
        let thread = std::thread::spawn(move || {
            let opened = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
                .and_then(|rt| match rt.block_on(Store::open(&location)) {
                    Ok(store) => Ok((rt, store)),
                    Err(e) => Err(e.to_string()),
                });
            let (rt, store) = match opened {
                Ok(pair) => pair,
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                    return;
                }
            };
            let _ = ready_tx.send(Ok(()));
            for (alert, reply) in rx {
                let done = rt.block_on(store.record_alert(&alert));
                let _ = reply.send(done.map_err(|e| e.to_string()));
            }
            rt.block_on(store.close());
        });
        ready_rx
            .recv()
            .context("the store thread stopped")?
            .map_err(anyhow::Error::msg)
            .with_context(|| format!("opening the store {shown} for alerts"))?;
        Ok(StoreSink {
            tx: Some(tx),
            thread: Some(thread),
            location: shown,
            stored: 0,
            duplicates: 0,
        })
    }

    /// The store, for messages (a URL without its password).
    pub fn summary_location(&self) -> &str {
        &self.location
    }

    /// One line for stderr: where alerts went.
    pub fn summary(&self) -> String {
        format!(
            "store {}: {} alert(s) stored, {} already there",
            self.location, self.stored, self.duplicates
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
        let gone = || SinkError::Other(format!("store {}: its thread stopped", self.location));
        let tx = self.tx.as_ref().ok_or_else(gone)?;
        let (reply_tx, reply_rx) = mpsc::channel();
        tx.send((new_alert(alert), reply_tx)).map_err(|_| gone())?;
        match reply_rx.recv().map_err(|_| gone())? {
            Ok(true) => self.stored += 1,
            Ok(false) => self.duplicates += 1,
            Err(e) => return Err(SinkError::Other(format!("store {}: {e}", self.location))),
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), SinkError> {
        // Every emit waited for its write.
        Ok(())
    }
}

impl Drop for StoreSink {
    fn drop(&mut self) {
        drop(self.tx.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
