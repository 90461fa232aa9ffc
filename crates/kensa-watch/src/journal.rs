//! The events a live watcher has applied, one CloudTrail record per line: on a restart
//! they are applied again (without alerting) before new deliveries, so the model is the
//! one the alerts were computed on, and an event delivered again is recognised by its id.
use std::collections::HashSet;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use crate::event::ChangeEvent;

/// Why the journal cannot be read or written.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// The file cannot be read or written.
    #[error("journal {path}: {source}")]
    Io {
        /// The journal file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A line is not a record kensa wrote.
    #[error("journal {path} line {line}: {message}")]
    Corrupt {
        /// The journal file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong with it.
        message: String,
    },
}

/// The append-only journal of applied events, with the ids it holds.
pub struct Journal {
    path: PathBuf,
    file: std::fs::File,
    ids: HashSet<String>,
}

impl Journal {
    /// Opens (or creates) the journal; returns it and the events it holds, in order.
    pub fn open(path: &Path) -> Result<(Journal, Vec<ChangeEvent>), JournalError> {
        let io = |source| JournalError::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut events = Vec::new();
        match std::fs::File::open(path) {
            Ok(f) => {
                for (i, line) in std::io::BufReader::new(f).lines().enumerate() {
                    let line = line.map_err(io)?;
                    if line.trim().is_empty() {
                        continue;
                    }
                    let corrupt = |message: String| JournalError::Corrupt {
                        path: path.to_path_buf(),
                        line: i + 1,
                        message,
                    };
                    let v: serde_json::Value =
                        serde_json::from_str(&line).map_err(|e| corrupt(e.to_string()))?;
                    events.push(ChangeEvent::from_record(&v).map_err(|e| corrupt(e.to_string()))?);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(e)),
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(io)?;
        let ids = events.iter().map(|e| e.event_id.clone()).collect();
        let journal = Journal {
            path: path.to_path_buf(),
            file,
            ids,
        };
        Ok((journal, events))
    }

    /// Whether an event with this id was already applied (events without an id never are).
    pub fn contains(&self, event_id: &str) -> bool {
        !event_id.is_empty() && self.ids.contains(event_id)
    }

    /// Appends one event and syncs it to disk.
    pub fn append(&mut self, ev: &ChangeEvent) -> Result<(), JournalError> {
        let io = |source| JournalError::Io {
            path: self.path.clone(),
            source,
        };
        let mut line = ev.to_record().to_string();
        line.push('\n');
        self.file.write_all(line.as_bytes()).map_err(io)?;
        self.file.sync_data().map_err(io)?;
        self.ids.insert(ev.event_id.clone());
        Ok(())
    }
}
