//! The dpkg status database (`/var/lib/dpkg/status`).
use std::path::Path;

use crate::error::{Error, Location, Problem, Result};
use crate::{field, stanzas, InstalledPackage, PackageKind};

/// Installed packages from a dpkg status file; bad stanzas are reported and skipped.
pub fn read_status(path: &Path, problems: &mut Vec<Problem>) -> Result<Vec<InstalledPackage>> {
    let text = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    Ok(parse_status(
        &String::from_utf8_lossy(&text),
        &path.display().to_string(),
        problems,
    ))
}

/// Parses the text of a dpkg status file (`file` names it in problems). Only packages
/// whose `Status` says installed count; a stanza without a name or version is reported.
pub fn parse_status(text: &str, file: &str, problems: &mut Vec<Problem>) -> Vec<InstalledPackage> {
    let mut out = Vec::new();
    let mut unseparated = Vec::new();
    let found = stanzas(text, "Package", &mut unseparated);
    for line in unseparated {
        problems.push(Problem::new(
            Location::line(file, line),
            "no blank line before this Package; read as a separate package",
        ));
    }
    for (line, st) in found {
        let non_empty = |k: &str| field(&st, k).filter(|v| !v.is_empty());
        let (Some(name), Some(version)) = (non_empty("Package"), non_empty("Version")) else {
            problems.push(Problem::new(
                Location::line(file, line),
                "stanza without Package or Version; skipped",
            ));
            continue;
        };
        let status = field(&st, "Status").unwrap_or("install ok installed");
        if !status.ends_with(" installed") {
            continue; // config-files, half-installed, not-installed
        }
        if let Err(e) = crate::Scheme::Deb.validate(version) {
            problems.push(Problem::new(
                Location::line(file, line),
                format!("{name}: bad version {version:?}: {e}; skipped"),
            ));
            continue;
        }
        let (source_name, source_version) = match field(&st, "Source") {
            Some(src) => match src.split_once(" (") {
                Some((n, v)) => (n.trim(), Some(v.trim_end_matches(')').to_string())),
                None => (src, None),
            },
            None => (name, None),
        };
        out.push(InstalledPackage {
            kind: PackageKind::Deb,
            name: name.to_string(),
            version: version.to_string(),
            arch: field(&st, "Architecture").unwrap_or_default().to_string(),
            source_name: Some(source_name.to_string()),
            source_version,
            location: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_file() {
        let text = "Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\nSource: openssl (3.0.11-1~deb12u2)\nVersion: 3.0.11-1~deb12u2+b1\nDescription: x\n continuation\n\nPackage: old\nStatus: deinstall ok config-files\nVersion: 1.0\n\nPackage: broken\nStatus: install ok installed\n\nPackage: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b2\n";
        let mut problems = Vec::new();
        let pkgs = parse_status(text, "status", &mut problems);
        assert_eq!(pkgs.len(), 2);
        assert_eq!(pkgs[0].source_name.as_deref(), Some("openssl"));
        assert_eq!(pkgs[0].source_version.as_deref(), Some("3.0.11-1~deb12u2"));
        assert_eq!(pkgs[1].source_name.as_deref(), Some("bash"));
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].to_string(),
            "status:13: stanza without Package or Version; skipped"
        );
    }

    #[test]
    fn entries_without_blank_lines_are_all_read_and_warned_about() {
        let text = "Package: a\nStatus: install ok installed\nVersion: 1.0\nPackage: b\nStatus: install ok installed\nVersion: 2.0\nPackage: c\nVersion: 3.0\n";
        let mut problems = Vec::new();
        let pkgs = parse_status(text, "status", &mut problems);
        let names: Vec<&str> = pkgs.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);
        assert_eq!(pkgs[1].version, "2.0");
        let shown: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            shown,
            [
                "status:4: no blank line before this Package; read as a separate package",
                "status:7: no blank line before this Package; read as a separate package"
            ]
        );
    }
}
