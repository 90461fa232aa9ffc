//! CloudTrail files read for an offline replay: a delivered log file
//! (`{"Records": [...]}`, gzip-compressed or not), a JSON array of records, one record,
//! or JSON lines (one record per line, as EventBridge targets and `lookup-events` exports
//! write them); an EventBridge event is read as the CloudTrail record it carries.
use std::io::Read;
use std::path::Path;

use serde_json::Value;

use crate::event::{ChangeEvent, EventError};

/// Why a file or a record could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file cannot be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not JSON.
    #[error("{path}: not CloudTrail JSON: {source}")]
    Json {
        /// The file.
        path: String,
        /// The parse error.
        source: serde_json::Error,
    },
    /// One record is not an event (it is skipped).
    #[error("{path}: record {index}: {source}")]
    Record {
        /// The file.
        path: String,
        /// Position of the record in the file.
        index: usize,
        /// Why it is not an event.
        source: EventError,
    },
}

/// The events of one file, and the records that could not be read (skipped, reported).
pub fn read_file(path: &Path) -> Result<(Vec<ChangeEvent>, Vec<ReadError>), ReadError> {
    let shown = path.display().to_string();
    let io = |source| ReadError::Io {
        path: shown.clone(),
        source,
    };
    let mut bytes = std::fs::read(path).map_err(io)?;
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(bytes.as_slice())
            .read_to_end(&mut out)
            .map_err(io)?;
        bytes = out;
    }
    parse(&bytes, &shown)
}

/// The events of a file's bytes (`path` only names it in errors).
pub fn parse(bytes: &[u8], path: &str) -> Result<(Vec<ChangeEvent>, Vec<ReadError>), ReadError> {
    let records = match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(mut o)) => match o.remove("Records") {
            Some(Value::Array(a)) => a,
            _ => vec![Value::Object(o)],
        },
        Ok(Value::Array(a)) => a,
        Ok(_) => Vec::new(),
        Err(whole) => json_lines(bytes).map_err(|_| ReadError::Json {
            path: path.to_string(),
            source: whole,
        })?,
    };
    let mut events = Vec::new();
    let mut errors = Vec::new();
    for (index, r) in records.iter().enumerate() {
        // EventBridge delivers the CloudTrail record as the event's `detail`.
        let r = match r.get("detail") {
            Some(detail) if r.get("detail-type").is_some() => detail,
            _ => r,
        };
        match ChangeEvent::from_record(r) {
            Ok(e) => events.push(e),
            Err(source) => errors.push(ReadError::Record {
                path: path.to_string(),
                index,
                source,
            }),
        }
    }
    Ok((events, errors))
}

fn json_lines(bytes: &[u8]) -> Result<Vec<Value>, serde_json::Error> {
    serde_json::Deserializer::from_slice(bytes)
        .into_iter::<Value>()
        .collect()
}

/// Replay order: by event time (CloudTrail delivers files out of order), file order
/// among events of the same second.
pub fn replay_order(events: &mut [ChangeEvent]) {
    events.sort_by(|a, b| a.time.cmp(&b.time));
}
