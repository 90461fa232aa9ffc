//! What automatic remediation did, kept next to the watcher's journal: one JSON line per
//! state change of a remediation, the last line of an id being its state. The watcher
//! appends before it acts (so a restart never starts the same remediation twice) and
//! after (the outcome); `kensa remediate approve` appends the approval's outcome, which
//! the running watcher then alerts.
use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::alert::EventRef;
use crate::journal::JournalError;
use crate::policy::PolicyMode;

/// Where a remediation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RemediationState {
    /// The policy is a dry run: planned and reported, nothing changed.
    DryRun,
    /// Waiting for `kensa remediate approve ID` (or an operator's approval in `kensa
    /// serve`).
    Pending,
    /// Approved in `kensa serve`: the watcher applies it next (it alone reaches AWS).
    Approved,
    /// Started: journaled by the driver, calls under way (a restart that finds this
    /// state does not start it again: the driver's journal says what happened).
    Applying,
    /// Applied and verified by describing the groups again.
    Applied,
    /// Applied in part or not at all, or not verified: see `message` and the report.
    Failed,
    /// The policy's rate limit was reached: nothing changed.
    RateLimited,
    /// A resource carries an allow-list tag: nothing changed.
    Exempt,
    /// The groups fail none of the policy's controls: nothing to change.
    NothingToDo,
}

/// One remediation: the exposure that triggered it, the policy, the plan and what
/// became of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Remediation {
    /// `R` and 12 hex digits from the event, policy and interface: the same trigger
    /// delivered again has the same id.
    pub id: String,
    /// The policy's name.
    pub policy: String,
    /// The current state.
    pub state: RemediationState,
    /// The event that opened the exposure.
    pub event: EventRef,
    /// The exposed instance (else interface).
    pub resource: String,
    /// The exposed interface.
    pub network_interface: String,
    /// The opened ports (`tcp/22`).
    pub ports: Vec<String>,
    /// The interface's groups the plan is limited to.
    pub groups: Vec<String>,
    /// The policy's mode.
    pub mode: PolicyMode,
    /// The remediation plan (kensa-aws's plan JSON), when one was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<Value>,
    /// The driver's journal run: `kensa remediate rollback ID` undoes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub journal_id: Option<String>,
    /// The driver's apply report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<Value>,
    /// Whether the groups, described again, hold the fix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified: Option<bool>,
    /// Why, for people.
    pub message: String,
    /// When this state was reached (seconds since the Unix epoch).
    pub at: u64,
    /// Who moved it to this state (`policy NAME`, `approve`).
    pub by: String,
    /// The watcher has alerted this state (false for an outcome `approve` wrote).
    #[serde(default)]
    pub alerted: bool,
}

/// A remediation's id: the same trigger always gets the same one.
pub fn remediation_id(event_id: &str, policy: &str, eni: &str) -> String {
    // FNV-1a: stable across builds and platforms, unlike std's hasher.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in [event_id, "\0", policy, "\0", eni].concat().bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("R{:012x}", h & 0xffff_ffff_ffff)
}

/// The remediations of one watcher, from its state file.
pub struct RemediationLog {
    path: PathBuf,
    by_id: BTreeMap<String, Remediation>,
    /// Bytes read so far: [`RemediationLog::reload`] reads only what others appended.
    read_to: u64,
}

impl RemediationLog {
    /// Opens the state file (a missing file is an empty log).
    pub fn open(path: &Path) -> Result<Self, JournalError> {
        let mut log = RemediationLog {
            path: path.to_path_buf(),
            by_id: BTreeMap::new(),
            read_to: 0,
        };
        log.reload()?;
        Ok(log)
    }

    /// The state file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the lines appended since the last read (by `kensa remediate approve`);
    /// returns the remediations they changed.
    pub fn reload(&mut self) -> Result<Vec<Remediation>, JournalError> {
        let io = |source| JournalError::Io {
            path: self.path.clone(),
            source,
        };
        let mut f = match std::fs::File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io(e)),
        };
        use std::io::Seek;
        f.seek(std::io::SeekFrom::Start(self.read_to)).map_err(io)?;
        let mut changed = Vec::new();
        let mut reader = std::io::BufReader::new(f);
        let mut line = String::new();
        let mut line_no = 0;
        loop {
            line.clear();
            let n = reader.read_line(&mut line).map_err(io)?;
            // A line without its newline is still being written: read it next time.
            if n == 0 || !line.ends_with('\n') {
                break;
            }
            line_no += 1;
            self.read_to += n as u64;
            if line.trim().is_empty() {
                continue;
            }
            let r: Remediation =
                serde_json::from_str(&line).map_err(|e| JournalError::Corrupt {
                    path: self.path.clone(),
                    line: line_no,
                    message: e.to_string(),
                })?;
            self.by_id.insert(r.id.clone(), r.clone());
            changed.push(r);
        }
        Ok(changed)
    }

    /// A remediation by id.
    pub fn get(&self, id: &str) -> Option<&Remediation> {
        self.by_id.get(id)
    }

    /// Every remediation, by id.
    pub fn all(&self) -> impl Iterator<Item = &Remediation> {
        self.by_id.values()
    }

    /// Records a new state of a remediation (appended and synced before returning).
    pub fn put(&mut self, r: &Remediation) -> Result<(), JournalError> {
        let io = |source| JournalError::Io {
            path: self.path.clone(),
            source,
        };
        let mut line = serde_json::to_string(r).map_err(|e| JournalError::Corrupt {
            path: self.path.clone(),
            line: 0,
            message: e.to_string(),
        })?;
        line.push('\n');
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(io)?;
        f.write_all(line.as_bytes()).map_err(io)?;
        f.sync_data().map_err(io)?;
        // Others may have appended in between: read up to and including our line.
        self.reload()?;
        self.by_id.insert(r.id.clone(), r.clone());
        Ok(())
    }

    /// Remediations of `policy` started (applying, applied or failed) in the hour
    /// before `now`: what the rate limit counts.
    pub fn started_in_last_hour(&self, policy: &str, now: u64) -> usize {
        self.by_id
            .values()
            .filter(|r| r.policy == policy && r.by.starts_with("policy"))
            .filter(|r| {
                matches!(
                    r.state,
                    RemediationState::Applying
                        | RemediationState::Applied
                        | RemediationState::Failed
                )
            })
            .filter(|r| now.saturating_sub(r.at) < 3600)
            .count()
    }
}

impl RemediationState {
    /// The state as serialized and stored (`pending`, `dry-run`).
    pub fn as_str(self) -> &'static str {
        match self {
            RemediationState::DryRun => "dry-run",
            RemediationState::Pending => "pending",
            RemediationState::Approved => "approved",
            RemediationState::Applying => "applying",
            RemediationState::Applied => "applied",
            RemediationState::Failed => "failed",
            RemediationState::RateLimited => "rate-limited",
            RemediationState::Exempt => "exempt",
            RemediationState::NothingToDo => "nothing-to-do",
        }
    }
}

/// Seconds since the Unix epoch.
pub fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
