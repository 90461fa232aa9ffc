//! Where a run's snapshot comes from, and how it is loaded and described for the store.
use std::path::PathBuf;

use kensa_model::Snapshot;
use kensa_store::NewSnapshot;

/// Where the run's snapshot comes from.
#[derive(Debug, Clone)]
pub enum Input {
    /// The bundled demo account.
    Demo,
    /// A snapshot directory on disk.
    Directory(PathBuf),
    /// A directory that was collected live just before the run loaded it.
    Live(PathBuf),
}

/// Loads the snapshot and describes it for the store.
pub(crate) fn load(input: Input) -> Result<(Snapshot, NewSnapshot), String> {
    match input {
        Input::Demo => {
            let snap = kensa_model::demo::snapshot();
            let hash = format!("demo-{}", env!("CARGO_PKG_VERSION"));
            let described = NewSnapshot::describe(&snap, "demo", None, hash);
            Ok((snap, described))
        }
        Input::Directory(dir) => load_dir(dir, "directory"),
        Input::Live(dir) => load_dir(dir, "live"),
    }
}

fn load_dir(dir: PathBuf, source: &str) -> Result<(Snapshot, NewSnapshot), String> {
    let snap =
        Snapshot::load(&dir).map_err(|e| format!("cannot load snapshot {}: {e}", dir.display()))?;
    let hash = kensa_store::hash_directory(&dir).map_err(|e| e.to_string())?;
    let location = std::fs::canonicalize(&dir)
        .unwrap_or(dir)
        .display()
        .to_string();
    let described = NewSnapshot::describe(&snap, source, Some(location), hash);
    Ok((snap, described))
}
