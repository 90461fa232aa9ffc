//! Advisory feed importers. Each returns normalised records plus the problems it skipped.
use std::io::Read;
use std::path::Path;

use crate::advisory::AdvisoryRecord;
use crate::error::{Error, Location, Problem, Result};

pub mod alas;
pub mod alpine;
pub mod debian;
pub mod json;
pub mod osv;

/// What one import produced: the records, how many advisories they came from, and the
/// items that were skipped (with where and why).
#[derive(Debug, Default, Clone)]
pub struct Import {
    pub records: Vec<AdvisoryRecord>,
    pub advisories: usize,
    pub problems: Vec<Problem>,
}

impl Import {
    pub fn extend(&mut self, other: Import) {
        self.records.extend(other.records);
        self.advisories += other.advisories;
        self.problems.extend(other.problems);
    }
}

/// Reads a file, transparently gunzipping `*.gz` (or anything starting with the gzip
/// magic bytes).
pub fn read_maybe_gz(path: &Path) -> Result<Vec<u8>> {
    let raw = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    gunzip_if_needed(&raw).map_err(|e| Error::parse(Location::file(path.display().to_string()), e))
}

/// Gunzips bytes that start with the gzip magic; returns other bytes unchanged.
pub fn gunzip_if_needed(raw: &[u8]) -> std::result::Result<Vec<u8>, String> {
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::with_capacity(raw.len() * 4);
        flate2::read::MultiGzDecoder::new(raw)
            .read_to_end(&mut out)
            .map_err(|e| format!("gzip: {e}"))?;
        Ok(out)
    } else {
        Ok(raw.to_vec())
    }
}
