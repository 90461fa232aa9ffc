//! Test helpers: where the shared corpus lives.
use std::path::PathBuf;

/// The shared corpus (`KENSA_CORPUS`, else `../shared/corpus` beside the workspace), or
/// `None` after printing a visible notice when it is missing.
pub fn corpus(what: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("KENSA_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
        });
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "notice: corpus not found at {}: {what} skipped",
            dir.display()
        );
        None
    }
}
