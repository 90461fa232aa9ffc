//! `kensa watch --store`: the watcher's session, remediations and alerts in the store
//! instead of the state directory's files, so `kensa serve` shows them and an operator
//! approves there. The store runs on a thread of its own (its own runtime): the watcher
//! calls it from inside its CloudTrail source's handler, itself inside a runtime.
use kensa_model::Severity;
use kensa_report::stream::{Record, Sink, SinkError};
use kensa_store::NewAlert;

pub use super::store_thread::StoreThread;
use kensa_watch::WatchRecord;

/// The watcher's store (see [`StoreThread`]).
pub type WatchDb = StoreThread;

/// A sink that stores each alert (exactly once, by its key) in the alerts table the
/// dashboard's feed and `GET /api/v1/alerts` read, then writes it to the inner sink.
pub struct StoreTee {
    pub inner: Box<dyn Sink<WatchRecord>>,
    pub db: std::sync::Arc<WatchDb>,
    /// The CloudTrail source: the alerts' origin.
    pub origin: String,
}

impl Sink<WatchRecord> for StoreTee {
    fn emit(&mut self, record: &WatchRecord) -> Result<(), SinkError> {
        let alert = new_alert(record, &self.origin);
        self.db
            .call(move |s| Box::pin(async move { s.record_alert(&alert).await }))
            .map_err(|e| SinkError::Other(format!("storing the alert: {e:#}")))?;
        self.inner.emit(record)
    }
    fn flush(&mut self) -> Result<(), SinkError> {
        self.inner.flush()
    }
}

/// Falco's priority for a severity (the alerts table ranks by it).
fn priority(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "Critical",
        Severity::High => "Error",
        Severity::Medium => "Warning",
        Severity::Low => "Notice",
        Severity::Informational => "Informational",
    }
}

/// The store's record of a watcher alert. Its key is unique per alert: the event and
/// what changed on which interface, a remediation's id and state, or, for kensa's own
/// events without an id, a hash of the text.
pub fn new_alert(record: &WatchRecord, origin: &str) -> NewAlert {
    let output = record.text_line();
    let (rule, priority, event, resource, key) = match record {
        WatchRecord::Exposure(a) => (
            format!("kensa watch: exposure {}", a.change),
            priority(a.severity),
            Some(&a.event),
            a.resource.clone(),
            format!(
                "{}\u{1f}{}\u{1f}{}",
                a.network_interface,
                a.change,
                a.ports.join(",")
            ),
        ),
        WatchRecord::Redescribe(n) => (
            "kensa watch: re-describe".to_string(),
            "Notice",
            Some(&n.event),
            n.resource.clone(),
            n.resource.clone(),
        ),
        WatchRecord::Remediation(r) => (
            format!("kensa watch: remediation {}", r.state.as_str()),
            match r.state {
                kensa_watch::remediation::RemediationState::Failed => "Error",
                _ => "Notice",
            },
            Some(&r.event),
            r.resource.clone(),
            format!("{}\u{1f}{}", r.id, r.state.as_str()),
        ),
        WatchRecord::Drift(_) => (
            "kensa watch: drift".to_string(),
            "Warning",
            None,
            String::new(),
            String::new(),
        ),
    };
    let event_id = event.map(|e| e.event_id.clone()).filter(|i| !i.is_empty());
    let time = event
        .map(|e| e.event_time.clone())
        .or_else(|| match record {
            WatchRecord::Drift(d) => Some(d.time.clone()),
            _ => None,
        });
    let dedup_key = match (&event_id, record) {
        // A remediation's state is unique by its id, whatever the event.
        (_, WatchRecord::Remediation(_)) => format!("watch\u{1f}{key}"),
        (Some(id), _) => format!("{id}\u{1f}{rule}\u{1f}{key}"),
        (None, _) => kensa_store::dedup_key(&rule, None, time.as_deref(), &output),
    };
    NewAlert {
        dedup_key,
        rule,
        priority: priority.to_string(),
        event_id,
        event_name: event.map(|e| e.event_name.clone()),
        event_time: time,
        account: event.and_then(|e| e.account.clone()),
        region: event.and_then(|e| e.region.clone()),
        principal: event.map(|e| e.actor.clone()).filter(|a| !a.is_empty()),
        resource: Some(resource).filter(|r| !r.is_empty()),
        output,
        origin: origin.to_string(),
        body: serde_json::to_value(record).unwrap_or_default(),
    }
}

/// The watcher's session row, rewritten as it goes (after each poll, each resync, and
/// when it stops): what `kensa serve` shows as the watcher's state.
pub struct Session {
    db: std::sync::Arc<WatchDb>,
    pub row: kensa_store::WatchSession,
}

impl Session {
    /// A running session on `source`, its model from `snapshot` and its policy file's
    /// text (kept in the store by hash).
    pub fn start(
        db: std::sync::Arc<WatchDb>,
        source: &str,
        regions: Vec<String>,
        snapshot: &std::path::Path,
        policies_yaml: Option<String>,
    ) -> anyhow::Result<Session> {
        let policies_hash = match policies_yaml {
            Some(yaml) => Some(
                db.call(move |s| Box::pin(async move { s.record_watch_policies(&yaml).await }))?,
            ),
            None => None,
        };
        let now = kensa_store::clock::now();
        let mut session = Session {
            db,
            row: kensa_store::WatchSession {
                source: source.to_string(),
                regions,
                model_ref: String::new(),
                model_hash: None,
                policies_hash,
                state: "running".into(),
                message: String::new(),
                started_at: now.clone(),
                updated_at: now,
                last_event_at: None,
                last_resync_at: None,
                drift_count: 0,
                stats: serde_json::Value::Null,
            },
        };
        session.model(snapshot);
        session.save()?;
        Ok(session)
    }

    /// The model now starts from `snapshot` (the start's, or a resync's).
    pub fn model(&mut self, snapshot: &std::path::Path) {
        self.row.model_ref = snapshot.display().to_string();
        self.row.model_hash = kensa_store::hash_directory(snapshot).ok();
    }

    pub fn save(&mut self) -> anyhow::Result<()> {
        self.row.updated_at = kensa_store::clock::now();
        let row = self.row.clone();
        self.db
            .call(move |s| Box::pin(async move { s.record_watch_session(&row).await }))
    }

    /// The session ended: `stopped`, or `failed` with why.
    pub fn end(&mut self, result: &anyhow::Result<std::process::ExitCode>) {
        match result {
            Ok(_) => self.row.state = "stopped".into(),
            Err(e) => {
                self.row.state = "failed".into();
                self.row.message = format!("{e:#}");
            }
        }
        if let Err(e) = self.save() {
            eprintln!("warning: cannot record the watcher's end: {e:#}");
        }
    }
}
