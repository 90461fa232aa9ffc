//! Loading a collected snapshot for the tests, through the model's loader.
use std::path::Path;

use kensa_model::Snapshot;

pub fn load(dir: &Path) -> Snapshot {
    Snapshot::load(dir).unwrap_or_else(|e| panic!("loading {}: {e}", dir.display()))
}
