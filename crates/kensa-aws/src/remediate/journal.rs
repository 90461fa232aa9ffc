//! The journal: durable records of what each action found before it changed anything.
//!
//! ```text
//! <root>/<run-id>/run.json              the plan and how the run was started
//! <root>/<run-id>/<action>.before.json  the resource's original state, written and
//!                                       fsync'd (file and directory) BEFORE the change
//! <root>/<run-id>/<action>.result.json  what happened, after the change
//! ```
//! A run interrupted anywhere leaves every `before` it needs: rollback reads only those.
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{de::DeserializeOwned, Deserialize, Serialize};

use super::live::GroupState;
use super::plan::{Action, Plan};
use crate::error::AwsError;

/// The original state of one action's resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum Captured {
    /// A security group's rules.
    SecurityGroup(GroupState),
    /// The region's EBS encryption-by-default setting.
    EbsEncryptionByDefault {
        /// Whether it was on.
        enabled: bool,
    },
    /// An EBS snapshot's `createVolumePermission` groups.
    SnapshotPermissions {
        /// The groups (`all` when public).
        groups: Vec<String>,
    },
    /// An AMI's launch permission groups.
    ImagePermissions {
        /// The groups (`all` when public).
        groups: Vec<String>,
    },
    /// An instance's metadata options.
    InstanceMetadata {
        /// `optional` or `required`.
        http_tokens: String,
    },
}

/// `<action>.before.json`: an action's resource as it was before the change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BeforeRecord {
    /// The action about to run.
    pub action: Action,
    /// The account the action ran in (resolved at apply time).
    pub account_id: String,
    /// The resource's state before the change.
    pub captured: Captured,
}

/// `run.json`: how an applying run started.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// The journal's id.
    pub run_id: String,
    /// When the run started (RFC 3339, UTC).
    pub started_at: String,
    /// The plan applied.
    pub plan: Plan,
}

/// One run's journal directory.
pub struct Journal {
    /// The journal's id (its directory's name).
    pub id: String,
    dir: PathBuf,
}

impl Journal {
    /// Creates `<root>/<id>/` and writes `run.json`.
    pub fn create(root: &Path, id: &str, record: &RunRecord) -> Result<Journal, AwsError> {
        let dir = root.join(id);
        std::fs::create_dir_all(&dir).map_err(|e| AwsError::io(&dir, e))?;
        let journal = Journal {
            id: id.to_owned(),
            dir,
        };
        journal.write("run.json", record)?;
        Ok(journal)
    }

    /// Opens the journal `id` under `root`; an error if it has no `run.json`.
    pub fn open(root: &Path, id: &str) -> Result<Journal, AwsError> {
        let dir = root.join(id);
        if !dir.join("run.json").is_file() {
            return Err(AwsError::Invalid(format!(
                "no journal {id:?} under {} (expected {}/run.json)",
                root.display(),
                dir.display()
            )));
        }
        Ok(Journal {
            id: id.to_owned(),
            dir,
        })
    }

    /// The journal's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Reads `run.json`.
    pub fn run(&self) -> Result<RunRecord, AwsError> {
        self.read("run.json")
    }

    /// Writes an action's `before` record (fsync'd before the change is made).
    pub fn record_before(&self, record: &BeforeRecord) -> Result<(), AwsError> {
        self.write(&format!("{}.before.json", record.action.id), record)
    }

    /// Writes what an action did.
    pub fn record_result<T: Serialize>(&self, action_id: &str, result: &T) -> Result<(), AwsError> {
        self.write(&format!("{action_id}.result.json"), result)
    }

    /// Every `before` record, in action order.
    pub fn befores(&self) -> Result<Vec<BeforeRecord>, AwsError> {
        let mut names: Vec<String> = std::fs::read_dir(&self.dir)
            .map_err(|e| AwsError::io(&self.dir, e))?
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".before.json"))
            .collect();
        names.sort();
        names.iter().map(|n| self.read(n)).collect()
    }

    /// What apply recorded for `action_id` after its change, if it got that far.
    pub fn result<T: DeserializeOwned>(&self, action_id: &str) -> Result<Option<T>, AwsError> {
        let name = format!("{action_id}.result.json");
        if !self.dir.join(&name).is_file() {
            return Ok(None);
        }
        self.read(&name).map(Some)
    }

    fn read<T: DeserializeOwned>(&self, name: &str) -> Result<T, AwsError> {
        let path = self.dir.join(name);
        let text = std::fs::read_to_string(&path).map_err(|e| AwsError::io(&path, e))?;
        serde_json::from_str(&text).map_err(|e| AwsError::Json { path, source: e })
    }

    /// Writes via a temporary file, fsyncs it, renames it into place and fsyncs the
    /// directory, so that a crash leaves either no record or a whole one.
    fn write<T: Serialize>(&self, name: &str, value: &T) -> Result<(), AwsError> {
        let path = self.dir.join(name);
        let tmp = self.dir.join(format!(".{name}.tmp"));
        let body = serde_json::to_vec_pretty(value).map_err(|e| AwsError::Json {
            path: path.clone(),
            source: e,
        })?;
        let mut f = File::create(&tmp).map_err(|e| AwsError::io(&tmp, e))?;
        f.write_all(&body).map_err(|e| AwsError::io(&tmp, e))?;
        f.sync_all().map_err(|e| AwsError::io(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| AwsError::io(&path, e))?;
        File::open(&self.dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| AwsError::io(&self.dir, e))?;
        Ok(())
    }
}

/// `20261123T145200Z-<8 hex of the plan>`: sortable, and two runs of one plan in the same
/// second still differ by the suffix counter the caller adds if the directory exists.
pub fn new_run_id(root: &Path, plan: &Plan, now: std::time::SystemTime) -> String {
    use sha2::{Digest, Sha256};
    let stamp = aws_sdk_ec2::primitives::DateTime::from(now)
        .fmt(aws_sdk_ec2::primitives::DateTimeFormat::DateTime)
        .unwrap_or_default()
        .replace(['-', ':'], "");
    let stamp = stamp
        .split('.')
        .next()
        .unwrap_or_default()
        .trim_end_matches('Z')
        .to_owned()
        + "Z";
    let digest = Sha256::digest(serde_json::to_vec(plan).unwrap_or_default());
    let base = format!("{stamp}-{}", hex::encode(&digest[..4]));
    let mut id = base.clone();
    let mut n = 1;
    while root.join(&id).exists() {
        n += 1;
        id = format!("{base}-{n}");
    }
    id
}
