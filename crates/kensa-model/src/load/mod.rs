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
use std::any::TypeId;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::completeness::Completeness;
use crate::resource_type::ResourceType;
use crate::snapshot::{Scope, Snapshot, Warning, WarningLevel};

mod accounts;
mod check;
mod compute;
pub mod discover;
mod enis;
mod fast;
mod parse;
mod pending;
mod read;
mod resource;
mod staging;
mod validate;
mod validate_links;

pub use check::{check_cidr_v4, check_cidr_v6, check_ports, check_protocol, ProtocolPorts};
pub use read::{
    is_gzip_name, read_file, read_limited, strip_bom, LoadOptions, ReadError, DEFAULT_MAX_FILE_SIZE,
};

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
    /// The directory (or one of its subdirectories) could not be listed.
    #[error("cannot read snapshot directory {}: {source}", path.display())]
    ReadDir {
        /// The directory.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The path given is a file or does not exist.
    #[error("{} is not a directory (give the snapshot directory, its aws_configs folder or a region folder)", path.display())]
    NotADirectory {
        /// The path given.
        path: PathBuf,
    },
}

impl Snapshot {
    /// Loads every `describe-*` JSON file under `dir`. See [`discover`] for the layouts.
    pub fn load(dir: &Path) -> Result<Snapshot, LoadError> {
        Self::load_with(dir, &LoadOptions::default())
    }

    /// [`Snapshot::load`] with explicit limits.
    pub fn load_with(dir: &Path, options: &LoadOptions) -> Result<Snapshot, LoadError> {
        let mut builder = Builder::default();
        discover::walk(dir, options, &mut builder)?;
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

/// Where a resource was read from, compactly (one per resource): `$.<prefix>[index]`,
/// then `.<nested>[nested_index]` and `.NetworkInterfaces[eni]` when set.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ItemPath {
    pub prefix: u32,
    pub index: u32,
    pub nested: Option<(u32, u32)>,
    pub eni: Option<u32>,
}

impl ItemPath {
    /// `$.<prefix>[index]`.
    pub fn top(prefix: u32, index: usize) -> Self {
        ItemPath {
            prefix,
            index: index as u32,
            nested: None,
            eni: None,
        }
    }

    /// `$.<prefix>[index].<nested>[nested_index]`.
    pub fn nested(prefix: u32, index: usize, nested: u32, nested_index: usize) -> Self {
        ItemPath {
            nested: Some((nested, nested_index as u32)),
            ..Self::top(prefix, index)
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Origin {
    pub file: u32,
    pub path: ItemPath,
}

/// A 64-bit FNV-1a hash of a resource id: the origin map's key (no string copies).
pub(crate) fn id_key(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// Accumulates documents into a snapshot; `finish` merges side data and validates.
#[derive(Default)]
pub(crate) struct Builder {
    pub snapshot: Snapshot,
    /// Document labels, indexed by `Origin::file`.
    pub files: Vec<String>,
    /// Path segments (`$.Reservations`, `Instances`), indexed by `ItemPath` fields.
    pub segments: Vec<String>,
    /// Resource id hash -> where it was read.
    pub origins: HashMap<u64, Origin, staging::IdHash>,
    pub pending: pending::Pending,
    pub warnings: Vec<Warning>,
    /// Snapshot and image attribute documents, merged in `finish`.
    pub compute: compute::PendingAttributes,
    /// Records read so far, per resource type; moved into `snapshot` first in `finish`.
    staging: HashMap<TypeId, Box<dyn staging::AnyStaged>>,
    /// Skip the one-pass reader (tests compare the two readers).
    tolerant_only: bool,
    /// Documents with at least one recognised describe-* key.
    pub documents: usize,
    /// Records read per kind (a kind is present, maybe with 0 records, once a list of it
    /// was seen).
    pub present: BTreeMap<ResourceType, usize>,
    /// Records (or whole lists) rejected per kind.
    pub partial: BTreeMap<ResourceType, usize>,
}

impl Builder {
    /// The records of type `T` read so far.
    pub(crate) fn staged<T: resource::Resource>(&mut self) -> &mut staging::Staged<T> {
        self.staging
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Box::new(staging::Staged::<T>::default()))
            .as_any()
            .downcast_mut()
            .expect("staging is keyed by the record type")
    }

    /// Notes that a list of `kind` with `n` records was read.
    pub fn saw(&mut self, kind: ResourceType, n: usize) {
        *self.present.entry(kind).or_default() += n;
    }

    /// Notes that a record (or list) of `kind` was rejected.
    pub fn lost(&mut self, kind: ResourceType) {
        *self.partial.entry(kind).or_default() += 1;
    }

    pub fn warn(&mut self, warning: Warning) {
        self.warnings.push(warning);
    }

    /// The index of a path segment, added on first use (there are a few dozen).
    pub fn segment(&mut self, name: &str) -> u32 {
        match self.segments.iter().position(|s| s == name) {
            Some(i) => i as u32,
            None => {
                self.segments.push(name.to_string());
                (self.segments.len() - 1) as u32
            }
        }
    }

    pub fn render(&self, path: &ItemPath) -> String {
        let mut out = format!("{}[{}]", self.segments[path.prefix as usize], path.index);
        if let Some((nested, index)) = path.nested {
            out.push_str(&format!(".{}[{index}]", self.segments[nested as usize]));
        }
        if let Some(eni) = path.eni {
            out.push_str(&format!(".NetworkInterfaces[{eni}]"));
        }
        out
    }

    pub fn set_origin(&mut self, id: &str, origin: Origin) {
        self.origins.insert(id_key(id), origin);
    }

    pub fn origin(&self, id: &str) -> Option<Origin> {
        self.origins.get(&id_key(id)).copied()
    }

    /// The file label and JSON path a resource was read from ("" when unknown).
    pub fn origin_of(&self, id: &str) -> (String, String) {
        match self.origin(id) {
            Some(o) => (self.files[o.file as usize].clone(), self.render(&o.path)),
            None => (String::new(), String::new()),
        }
    }

    pub fn finish(mut self) -> Snapshot {
        for (_, staged) in std::mem::take(&mut self.staging) {
            staged.flush(&mut self.snapshot);
        }
        self.merge_pending();
        self.merge_compute_attributes();
        self.synthesize_instance_enis();
        if let Some(w) = accounts::fill_missing_accounts(&mut self.snapshot) {
            self.warnings.push(w);
        }
        self.validate();
        let mut warnings = std::mem::take(&mut self.warnings);
        warnings.sort();
        warnings.dedup();
        let partial = std::mem::take(&mut self.partial);
        self.snapshot.completeness =
            Completeness::from_load(&warnings, self.documents, &self.present, partial);
        self.snapshot.warnings = warnings;
        self.snapshot
    }
}
