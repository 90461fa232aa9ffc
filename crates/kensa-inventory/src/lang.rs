//! Language packages under a root: Python `*.dist-info/METADATA` (and `*.egg-info`),
//! npm `node_modules/**/package.json`, Ruby `specifications/*.gemspec`, and Java
//! archives with `META-INF/maven/<group>/<artifact>/pom.properties` (feature `jar`).
use std::io::Read;
use std::path::Path;

use walkdir::WalkDir;

use crate::error::{Location, Problem};
use crate::{InstalledPackage, PackageKind};

/// Top-level directories that hold no installed software (pseudo or volatile
/// filesystems).
const SKIP_TOP: [&str; 5] = ["proc", "sys", "dev", "run", "tmp"];

/// Walks `root` (no symlinks followed, pseudo filesystems skipped) and reads every
/// language package found. Unreadable items are reported and skipped.
///
/// Mounts below the root (a separate /home or /var) are walked on purpose; walkdir's
/// `same_file_system` is not used because, combined with `filter_entry`, skipping an
/// entry on another device ends the whole walk.
pub fn scan(root: &Path, problems: &mut Vec<Problem>) -> Vec<InstalledPackage> {
    let mut out = Vec::new();
    let walker = WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            !(e.depth() == 1 && SKIP_TOP.contains(&name.as_ref())) && name != ".git"
        });
    for entry in walker {
        let Ok(entry) = entry else {
            continue; // permission denied and vanished files are normal on a live host
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let name = entry.file_name().to_string_lossy();
        let parent = path
            .parent()
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy());
        let parent = parent.as_deref().unwrap_or("");
        let found = if name == "METADATA" && parent.ends_with(".dist-info") {
            read_text(path, problems).and_then(|t| python_metadata(&t, path, problems))
        } else if name == "PKG-INFO" && parent.ends_with(".egg-info") {
            read_text(path, problems).and_then(|t| python_metadata(&t, path, problems))
        } else if name == "package.json" && in_node_modules(path) {
            read_text(path, problems).and_then(|t| npm_package(&t, path, problems))
        } else if name.ends_with(".gemspec") && parent == "specifications" {
            read_text(path, problems).and_then(|t| gemspec(&t, path, problems))
        } else if name.ends_with(".jar") || name.ends_with(".war") || name.ends_with(".ear") {
            out.extend(crate::jar::read(path, problems));
            None
        } else {
            None
        };
        out.extend(found);
    }
    out
}

/// Largest package metadata file read (`METADATA`, `package.json`, `pom.properties`,
/// ...): real ones are kilobytes, and a crafted archive entry can inflate to gigabytes.
pub(crate) const MAX_METADATA: u64 = 16 << 20;

fn read_text(path: &Path, problems: &mut Vec<Problem>) -> Option<String> {
    let read = std::fs::File::open(path).and_then(|f| {
        let mut bytes = Vec::new();
        f.take(MAX_METADATA + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > MAX_METADATA {
            let msg = format!("larger than {MAX_METADATA} bytes; skipped");
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, msg));
        }
        Ok(bytes)
    });
    match read {
        Ok(b) => Some(String::from_utf8_lossy(&b).into_owned()),
        Err(e) => {
            problems.push(Problem::new(
                Location::file(path.display().to_string()),
                e.to_string(),
            ));
            None
        }
    }
}

pub(crate) fn lang_package(
    kind: PackageKind,
    name: &str,
    version: &str,
    path: &Path,
) -> InstalledPackage {
    InstalledPackage {
        kind,
        name: name.to_string(),
        version: version.to_string(),
        arch: String::new(),
        source_name: None,
        source_version: None,
        location: Some(path.display().to_string()),
    }
}

/// `node_modules/<name>/package.json` or `node_modules/@scope/<name>/package.json`.
fn in_node_modules(path: &Path) -> bool {
    let mut dirs = path
        .ancestors()
        .skip(2)
        .map(|a| a.file_name().unwrap_or_default());
    match (dirs.next(), dirs.next()) {
        (Some(a), _) if a == "node_modules" => true,
        (Some(scope), Some(b)) => scope.to_string_lossy().starts_with('@') && b == "node_modules",
        _ => false,
    }
}

/// Core metadata headers `Name:` and `Version:` (before the first blank line).
pub fn python_metadata(
    text: &str,
    path: &Path,
    problems: &mut Vec<Problem>,
) -> Option<InstalledPackage> {
    let mut name = None;
    let mut version = None;
    for line in text.lines() {
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Name:") {
            name = Some(v.trim());
        } else if let Some(v) = line.strip_prefix("Version:") {
            version = Some(v.trim());
        }
    }
    match (name, version) {
        (Some(n), Some(v)) if !n.is_empty() && !v.is_empty() => Some(lang_package(
            PackageKind::Python,
            &normalise_pypi_name(n),
            v,
            path,
        )),
        _ => {
            problems.push(Problem::new(
                Location::file(path.display().to_string()),
                "Python metadata without Name or Version; skipped",
            ));
            None
        }
    }
}

pub fn npm_package(
    text: &str,
    path: &Path,
    problems: &mut Vec<Problem>,
) -> Option<InstalledPackage> {
    let file = path.display().to_string();
    let doc: serde_json::Value = match serde_json::from_str(text) {
        Ok(d) => d,
        Err(e) => {
            problems.push(Problem::new(
                Location::line(file, e.line()),
                format!("invalid package.json: {e}; skipped"),
            ));
            return None;
        }
    };
    let name = doc.get("name").and_then(|v| v.as_str());
    let version = doc.get("version").and_then(|v| v.as_str());
    match (name, version) {
        (Some(n), Some(v)) => Some(lang_package(PackageKind::Npm, n, v, path)),
        _ => {
            problems.push(Problem::new(
                Location::json(file, "$.name/$.version"),
                "package.json without name or version; skipped",
            ));
            None
        }
    }
}

/// Reads `s.name = "..."` and `s.version = "..."` from a RubyGems specification.
pub fn gemspec(text: &str, path: &Path, problems: &mut Vec<Problem>) -> Option<InstalledPackage> {
    let assigned = |attr: &str| {
        text.lines().find_map(|l| {
            let l = l.trim();
            let (lhs, rhs) = l.split_once('=')?;
            if !lhs.trim().ends_with(attr) || lhs.contains("required") {
                return None;
            }
            let rhs = rhs.trim();
            let rhs = rhs.strip_prefix("Gem::Version.new(").unwrap_or(rhs);
            let quote = rhs.chars().next().filter(|c| *c == '"' || *c == '\'')?;
            let inner = &rhs[1..];
            Some(inner[..inner.find(quote)?].to_string())
        })
    };
    match (assigned(".name"), assigned(".version")) {
        (Some(n), Some(v)) => Some(lang_package(PackageKind::Gem, &n, &v, path)),
        _ => {
            problems.push(Problem::new(
                Location::file(path.display().to_string()),
                "gemspec without s.name or s.version; skipped",
            ));
            None
        }
    }
}

/// PyPI names compare case-insensitively with `-`, `_` and `.` runs equal (PEP 503).
pub fn normalise_pypi_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}
