//! Loading a snapshot: AWS CLI `describe-*` JSON files, recognised by their top-level key.
//!
//! Loading is tolerant: only an unreadable snapshot directory is an error. Everything else
//! that goes wrong (bad JSON, an item of the wrong shape, a missing id, a reference to a
//! resource that is not in the snapshot) becomes a [`Warning`] in `snapshot.warnings`, with
//! the file and the JSON path, and the rest of the input still loads.
//!
//! * [`Snapshot::load`] reads a directory (see [`discover`] for the layouts it accepts).
//! * [`Snapshot::from_documents`] builds a snapshot from JSON texts already in memory (the
//!   demo snapshot bundled in the binary, a collector's responses).
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::snapshot::{Scope, Snapshot, Warning, WarningLevel};

mod accounts;
mod compute;
pub mod discover;
mod enis;
mod parse;
mod pending;
mod resource;
mod validate;
mod validate_links;

/// One JSON document (one `describe-*` response) and where it came from.
#[derive(Debug, Clone)]
pub struct Document<'a> {
    /// What warnings call the document: the file name relative to the snapshot root.
    pub label: String,
    /// The account and region the layout puts the document in (empty when unknown).
    pub scope: Scope,
    /// The JSON text. Bytes, so a binary file is reported rather than refused.
    pub json: Cow<'a, [u8]>,
}

impl<'a> Document<'a> {
    /// A document borrowing its text (e.g. from `include_str!`).
    pub fn new(
        label: impl Into<String>,
        scope: Scope,
        json: &'a (impl AsRef<[u8]> + ?Sized),
    ) -> Self {
        Document {
            label: label.into(),
            scope,
            json: Cow::Borrowed(json.as_ref()),
        }
    }

    /// A document owning its text (e.g. read from a file).
    pub fn owned(label: impl Into<String>, scope: Scope, json: Vec<u8>) -> Document<'static> {
        Document {
            label: label.into(),
            scope,
            json: Cow::Owned(json),
        }
    }
}

/// The snapshot directory itself could not be read. Problems inside it are warnings.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read snapshot directory {}: {source}", path.display())]
    ReadDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} is not a directory (give the snapshot directory, its aws_configs folder or a region folder)", path.display())]
    NotADirectory { path: PathBuf },
}

impl Snapshot {
    /// Loads every `describe-*` JSON file under `dir`. See [`discover`] for the layouts.
    pub fn load(dir: &Path) -> Result<Snapshot, LoadError> {
        let mut builder = Builder::default();
        discover::walk(dir, &mut builder)?;
        Ok(builder.finish())
    }

    /// Builds a snapshot from documents already in memory, in the order given.
    pub fn from_documents<'a>(docs: impl IntoIterator<Item = Document<'a>>) -> Snapshot {
        let mut builder = Builder::default();
        for doc in docs {
            builder.add_document(&doc);
        }
        builder.finish()
    }

    /// True when some input could not be read at all (warnings of level `error`).
    pub fn has_load_errors(&self) -> bool {
        self.warnings.iter().any(|w| w.level == WarningLevel::Error)
    }
}

/// Where a resource was read from, so later passes can name the file and JSON path.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    pub file: u32,
    pub path: String,
}

/// Accumulates documents into a snapshot; `finish` merges side data and validates.
#[derive(Default)]
pub(crate) struct Builder {
    pub snapshot: Snapshot,
    /// Document labels, indexed by `Origin::file`.
    pub files: Vec<String>,
    /// Resource id -> where it was read.
    pub origins: HashMap<String, Origin>,
    pub pending: pending::Pending,
    pub warnings: Vec<Warning>,
    /// Snapshot and image attribute documents, merged in `finish`.
    pub compute: compute::PendingAttributes,
}

impl Builder {
    pub fn warn(&mut self, warning: Warning) {
        self.warnings.push(warning);
    }

    /// The file label and JSON path a resource was read from ("" when unknown).
    pub fn origin_of(&self, id: &str) -> (String, String) {
        match self.origins.get(id) {
            Some(o) => (self.files[o.file as usize].clone(), o.path.clone()),
            None => (String::new(), String::new()),
        }
    }

    pub fn finish(mut self) -> Snapshot {
        self.merge_pending();
        self.merge_compute_attributes();
        self.synthesize_instance_enis();
        accounts::fill_missing_accounts(&mut self.snapshot);
        self.validate();
        let mut warnings = std::mem::take(&mut self.warnings);
        warnings.sort();
        warnings.dedup();
        self.snapshot.warnings = warnings;
        self.snapshot
    }
}
