//! Advisory feed importers. Each returns normalised records plus the problems it skipped.
use std::io::Read;
use std::path::Path;

use crate::advisory::AdvisoryRecord;
use crate::error::{Error, Location, Problem, Result};

pub(crate) mod alas;
pub(crate) mod alpine;
pub(crate) mod debian;
pub mod guard;
pub(crate) mod json;
pub(crate) mod osv;

/// What one import produced: the records, how many advisories they came from, and the
/// items that were skipped (with where and why).
#[derive(Debug, Default, Clone)]
pub struct Import {
    /// Normalised records, one per (advisory, package, release).
    pub records: Vec<AdvisoryRecord>,
    /// Distinct advisories the records came from.
    pub advisories: usize,
    /// Items skipped, with where and why.
    pub problems: Vec<Problem>,
}

impl Import {
    /// Adds another import's records, counts and problems (several feeds, one update).
    pub fn extend(&mut self, other: Import) {
        self.records.extend(other.records);
        self.advisories += other.advisories;
        self.problems.extend(other.problems);
    }
}

/// Most bytes a feed document may have, after decompression. Real feeds are far below
/// (Amazon Linux 2's updateinfo.xml is ~60 MB); a small `.gz` can inflate to gigabytes.
pub const MAX_FEED_BYTES: u64 = 1 << 30;

/// Reads a file, transparently gunzipping `*.gz` (or anything starting with the gzip
/// magic bytes), streaming and within [`MAX_FEED_BYTES`]. Only regular files are read.
pub fn read_maybe_gz(path: &Path) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    let loc = || Location::file(path.display().to_string());
    if !meta.is_file() {
        return Err(Error::parse(
            loc(),
            "not a regular file (device, FIFO or socket); refused",
        ));
    }
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    read_limited(std::io::BufReader::new(file), MAX_FEED_BYTES).map_err(|e| Error::parse(loc(), e))
}

/// Gunzips bytes that start with the gzip magic; returns other bytes unchanged. Within
/// [`MAX_FEED_BYTES`].
pub fn gunzip_if_needed(raw: &[u8]) -> std::result::Result<Vec<u8>, String> {
    read_limited(raw, MAX_FEED_BYTES)
}

/// Reads everything, gunzipping when the input starts with the gzip magic, and fails
/// once more than `limit` bytes come out.
pub fn read_limited(
    mut input: impl std::io::BufRead,
    limit: u64,
) -> std::result::Result<Vec<u8>, String> {
    let gz = input
        .fill_buf()
        .map_err(|e| e.to_string())?
        .starts_with(&[0x1f, 0x8b]);
    let mut out = Vec::new();
    let read = if gz {
        flate2::bufread::MultiGzDecoder::new(input)
            .take(limit + 1)
            .read_to_end(&mut out)
            .map_err(|e| format!("gzip: {e}"))?
    } else {
        input
            .take(limit + 1)
            .read_to_end(&mut out)
            .map_err(|e| e.to_string())?
    };
    if read as u64 > limit {
        let what = if gz { " after decompression" } else { "" };
        return Err(format!("larger than the {limit}-byte limit{what}; refused"));
    }
    Ok(out)
}
