//! The durable checkpoint of `kensa trail watch --s3`: which objects of each CloudTrail
//! partition (`.../CloudTrail/<region>/`) were processed, so a restart neither
//! re-alerts nor skips.
//!
//! CloudTrail writes `YYYY/MM/DD/<account>_CloudTrail_<region>_<time>_<random>.json.gz`
//! under each partition, and may deliver a file after later ones, so a single "last
//! key" would skip late files. Instead each partition keeps the set of keys processed in
//! its two most recent day folders; older days are closed (`done_before`) and listing
//! starts there. Partitions without day folders keep every key.

use crate::trail::error::TrailSourceError;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

const VERSION: u32 = 1;

/// What an S3 source has handled, per partition (`s3://bucket/<partition prefix>`): the
/// day folders fully done and the keys handled in the days still open.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    version: u32,
    /// Keyed by `s3://bucket/<partition prefix>`.
    partitions: BTreeMap<String, PartitionState>,
}

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct PartitionState {
    /// Day folders (`YYYY/MM/DD`) strictly before this one are fully processed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    done_before: Option<String>,
    /// Full keys processed in the open day folders (or all keys, for flat layouts).
    #[serde(default)]
    keys: BTreeSet<String>,
}

/// `YYYY/MM/DD` of a key under `partition`, if it follows the CloudTrail layout.
fn day_of<'k>(partition: &str, key: &'k str) -> Option<&'k str> {
    let rel = key.strip_prefix(partition)?;
    let day = rel.get(..10)?;
    let b = day.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    (digits(0..4)
        && b[4] == b'/'
        && digits(5..7)
        && b[7] == b'/'
        && digits(8..10)
        && rel.len() > 11)
        .then_some(day)
}

impl Checkpoint {
    /// Reads the checkpoint; a missing file is an empty checkpoint (first run).
    pub fn load(path: &Path) -> Result<Checkpoint, TrailSourceError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Checkpoint {
                    version: VERSION,
                    ..Checkpoint::default()
                })
            }
            Err(e) => return Err(state_error(path, e.to_string())),
        };
        let checkpoint: Checkpoint = serde_json::from_str(&text)
            .map_err(|e| state_error(path, format!("not a kensa checkpoint: {e}")))?;
        if checkpoint.version != VERSION {
            return Err(state_error(
                path,
                format!("unsupported checkpoint version {}", checkpoint.version),
            ));
        }
        Ok(checkpoint)
    }

    /// Writes the checkpoint atomically (temporary file, fsync, rename).
    pub fn save(&self, path: &Path) -> Result<(), TrailSourceError> {
        let json = serde_json::to_vec_pretty(self).map_err(|e| state_error(path, e.to_string()))?;
        write_atomic(path, &json)
    }

    /// Where listing of a partition may start (`StartAfter`): before the first open day.
    pub fn start_after(&self, partition_id: &str, partition_prefix: &str) -> Option<String> {
        let state = self.partitions.get(partition_id)?;
        state
            .done_before
            .as_ref()
            .map(|day| format!("{partition_prefix}{day}"))
    }

    /// Whether `key` of the partition (under `partition_prefix`) was handled already.
    pub fn is_done(&self, partition_id: &str, partition_prefix: &str, key: &str) -> bool {
        let Some(state) = self.partitions.get(partition_id) else {
            return false;
        };
        let closed = match (day_of(partition_prefix, key), &state.done_before) {
            (Some(day), Some(before)) => day < before.as_str(),
            _ => false,
        };
        closed || state.keys.contains(key)
    }

    /// Records `key` as processed and closes day folders older than the two newest.
    pub fn mark_done(&mut self, partition_id: &str, partition_prefix: &str, key: &str) {
        let state = self.partitions.entry(partition_id.to_owned()).or_default();
        state.keys.insert(key.to_owned());
        let days: BTreeSet<&str> = state
            .keys
            .iter()
            .filter_map(|k| day_of(partition_prefix, k))
            .collect();
        if days.len() <= 2 {
            return;
        }
        let Some(second_newest) = days.iter().rev().nth(1).map(|d| d.to_string()) else {
            return;
        };
        state
            .keys
            .retain(|k| day_of(partition_prefix, k).is_none_or(|d| d >= second_newest.as_str()));
        state.done_before = Some(second_newest);
    }

    /// Number of keys remembered (for progress output and tests).
    pub fn remembered(&self) -> usize {
        self.partitions.values().map(|p| p.keys.len()).sum()
    }
}

fn state_error(path: &Path, message: String) -> TrailSourceError {
    TrailSourceError::State {
        path: path.to_path_buf(),
        message,
    }
}

/// Replaces `path` with `bytes` so that a crash leaves either the old or the new file.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), TrailSourceError> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| state_error(path, e.to_string()))?;
    let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(format!(".tmp{}", std::process::id()));
    let tmp: PathBuf = dir.join(tmp_name);
    let write = || -> std::io::Result<()> {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)?;
        // Make the rename itself durable.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        state_error(path, e.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: &str = "AWSLogs/o-abc/111122223333/CloudTrail/us-east-1/";
    const ID: &str = "s3://trail/AWSLogs/o-abc/111122223333/CloudTrail/us-east-1/";

    fn key(day: &str, n: u32) -> String {
        format!(
            "{P}{day}/111122223333_CloudTrail_us-east-1_{}T1200Z_{n}.json.gz",
            day.replace('/', "")
        )
    }

    #[test]
    fn day_folders_are_recognised() {
        assert_eq!(day_of(P, &key("2024/02/29", 1)), Some("2024/02/29"));
        assert_eq!(day_of(P, &format!("{P}notes.txt")), None);
        assert_eq!(day_of("other/", &key("2024/02/29", 1)), None);
    }

    #[test]
    fn keeps_two_open_days_and_closes_older_ones() {
        let mut cp = Checkpoint::default();
        cp.mark_done(ID, P, &key("2024/01/01", 1));
        cp.mark_done(ID, P, &key("2024/01/02", 1));
        assert_eq!(cp.start_after(ID, P), None);
        cp.mark_done(ID, P, &key("2024/01/03", 1));
        assert_eq!(
            cp.start_after(ID, P).as_deref(),
            Some(&*format!("{P}2024/01/02"))
        );
        assert!(cp.is_done(ID, P, &key("2024/01/01", 99)), "closed day");
        assert!(cp.is_done(ID, P, &key("2024/01/02", 1)));
        assert!(
            !cp.is_done(ID, P, &key("2024/01/02", 2)),
            "late file of an open day"
        );
        assert_eq!(cp.remembered(), 2);
    }

    #[test]
    fn flat_layouts_remember_every_key() {
        let mut cp = Checkpoint::default();
        for n in 0..5 {
            cp.mark_done("s3://b/flat/", "flat/", &format!("flat/file{n}.json"));
        }
        assert_eq!(cp.remembered(), 5);
        assert!(cp.is_done("s3://b/flat/", "flat/", "flat/file3.json"));
        assert!(!cp.is_done("s3://b/flat/", "flat/", "flat/file9.json"));
    }

    #[test]
    fn survives_a_round_trip_through_disk() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state/checkpoint.json");
        assert_eq!(Checkpoint::load(&path).unwrap().remembered(), 0);
        let mut cp = Checkpoint::load(&path).unwrap();
        cp.mark_done(ID, P, &key("2024/01/01", 1));
        cp.save(&path).unwrap();
        assert_eq!(Checkpoint::load(&path).unwrap(), cp);
        std::fs::write(&path, b"{not json").unwrap();
        let err = Checkpoint::load(&path).unwrap_err().to_string();
        assert!(
            err.contains("checkpoint.json") && err.contains("not a kensa checkpoint"),
            "{err}"
        );
    }
}
