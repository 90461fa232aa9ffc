//! Runtime alerts from the agent's watcher (shell history deleted, truncated or
//! replaced), sent in batches to `POST /api/v1/agents/alerts` apart from telemetry,
//! so that an alert does not wait for the next collection.
use serde::{Deserialize, Serialize};

use crate::validate::{is_rfc3339_utc, SchemaError};

/// The version of the alert batch layout.
pub const ALERT_SCHEMA_VERSION: u32 = 1;
/// The most alerts one batch may carry.
pub const MAX_ALERTS_PER_BATCH: usize = 1000;

/// What happened to a shell history file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HistoryChange {
    /// Unlinked, or renamed away.
    Deleted,
    /// Made shorter in place (`> ~/.bash_history`, `truncate -s 0`).
    Truncated,
    /// Another file or a symbolic link (`ln -sf /dev/null`) now has its name.
    Replaced,
}

impl HistoryChange {
    /// The rule name the alert is shown under.
    pub fn rule(self) -> &'static str {
        match self {
            HistoryChange::Deleted => "Shell history deleted",
            HistoryChange::Truncated => "Shell history truncated",
            HistoryChange::Replaced => "Shell history replaced",
        }
    }
}

/// How the acting process was identified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WhoSource {
    /// fanotify reported the pid of the process that made the change.
    Fanotify,
    /// Neither fanotify nor audit was available: who made the change is unknown.
    Unknown,
}

/// The process that made the change, as far as it could be identified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// How it was identified.
    pub source: WhoSource,
    /// Its process id (fanotify).
    pub pid: Option<u32>,
    /// Its name (`/proc/PID/comm`), when it still ran when the event was read.
    pub process: Option<String>,
    /// Its executable (`/proc/PID/exe`).
    pub exe: Option<String>,
    /// Its command line, arguments separated by spaces.
    pub cmdline: Option<String>,
    /// Its real user id.
    pub uid: Option<u32>,
    /// That user's name (`/etc/passwd`).
    pub user: Option<String>,
    /// Why some of the above is missing ("who unknown: ...", "exited before ...").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostAlert {
    /// UUID; the server stores each once.
    pub id: String,
    /// What happened.
    pub change: HistoryChange,
    /// When the watcher saw it, RFC 3339 UTC.
    pub time: String,
    /// The history file.
    pub path: String,
    /// The user whose home directory holds it.
    pub owner: Option<String>,
    /// Size before a truncation, bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_before: Option<u64>,
    /// Size after the change (truncation), or where a replacing link points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Who did it.
    pub who: Actor,
}

/// What the agent uploads: the host and its alerts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertBatch {
    /// [`ALERT_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The host's name.
    pub hostname: String,
    /// EC2 instance id, when the agent knows it (IMDS).
    pub instance_id: Option<String>,
    /// EC2 region, when known.
    pub region: Option<String>,
    /// AWS account id, when known.
    pub account: Option<String>,
    /// The alerts, oldest first.
    pub alerts: Vec<HostAlert>,
}

impl AlertBatch {
    /// Parses and checks a batch from untrusted bytes.
    pub fn from_json(bytes: &[u8]) -> Result<AlertBatch, SchemaError> {
        let batch: AlertBatch = serde_json::from_slice(bytes)?;
        let field = |field, reason: String| Err(SchemaError::Field { field, reason });
        if batch.schema_version != ALERT_SCHEMA_VERSION {
            return Err(SchemaError::Version {
                found: batch.schema_version.into(),
                expected: ALERT_SCHEMA_VERSION,
            });
        }
        if batch.hostname.trim().is_empty() {
            return field("hostname", "empty".into());
        }
        if batch.alerts.is_empty() || batch.alerts.len() > MAX_ALERTS_PER_BATCH {
            return field(
                "alerts",
                format!(
                    "1 to {MAX_ALERTS_PER_BATCH} alerts, got {}",
                    batch.alerts.len()
                ),
            );
        }
        for a in &batch.alerts {
            if a.id.len() != 36 || !a.id.chars().all(|c| c == '-' || c.is_ascii_hexdigit()) {
                return field("alerts[].id", format!("{:?} is not a UUID", a.id));
            }
            if !is_rfc3339_utc(&a.time) {
                return field("alerts[].time", format!("{:?} is not RFC 3339 UTC", a.time));
            }
            if a.path.is_empty() || a.path.len() > 4096 {
                return field("alerts[].path", "1 to 4096 characters".into());
            }
        }
        Ok(batch)
    }
}
