//! Telemetry documents from a file or a directory of files (`--telemetry FILE|DIR`).
use std::path::Path;

use kensa_telemetry::Telemetry;

/// Reads one telemetry file, or every `*.json` file of a directory (sorted by name).
/// A file that cannot be read or is not a valid telemetry document is skipped and
/// reported as (file, reason); the others are used. A path that does not exist at all is
/// an error.
#[allow(clippy::type_complexity)] // (documents with their file, problems with their file)
pub fn load_telemetry(
    path: &Path,
) -> std::io::Result<(Vec<(String, Telemetry)>, Vec<(String, String)>)> {
    let files = if path.is_dir() {
        let mut files: Vec<_> = std::fs::read_dir(path)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json") && p.is_file())
            .collect();
        files.sort();
        files
    } else {
        std::fs::metadata(path)?;
        vec![path.to_path_buf()]
    };
    let (mut docs, mut problems) = (Vec::new(), Vec::new());
    for file in files {
        let label = file.display().to_string();
        match std::fs::read(&file) {
            Ok(bytes) => match Telemetry::from_json(&bytes) {
                Ok(doc) => docs.push((label, doc)),
                Err(e) => problems.push((label, format!("not a telemetry document, skipped: {e}"))),
            },
            Err(e) => problems.push((label, format!("cannot read, skipped: {e}"))),
        }
    }
    Ok((docs, problems))
}
