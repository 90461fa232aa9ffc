//! Integration tests of kensa-model (one test binary; modules per area).
mod corpus;
mod damaged;
mod demo;
mod direct_connect;
mod fuzz;
mod layouts;
mod malformed;
mod synth;

use std::path::PathBuf;

/// The shared third-party corpus: `$KENSA_CORPUS`, else `shared/corpus` beside the
/// workspace. `None` (with a visible notice) when it is missing.
pub fn corpus_dir() -> Option<PathBuf> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let candidates = match std::env::var_os("KENSA_CORPUS") {
        Some(dir) => vec![PathBuf::from(dir)],
        // The workspace's sibling `shared/`, also from a worktree one level deeper.
        None => vec![
            manifest.join("../../../shared/corpus"),
            manifest.join("../../../../shared/corpus"),
        ],
    };
    let found = candidates.iter().find(|d| d.join("aws").is_dir()).cloned();
    if found.is_none() {
        eprintln!(
            "notice: corpus not found at {}; corpus test skipped",
            candidates[0].display()
        );
    }
    found
}
