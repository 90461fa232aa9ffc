//! apk's installed database (`/lib/apk/db/installed`): `P:` name, `V:` version, `A:`
//! arch, `o:` origin (the source package secdb names).
use std::path::Path;

use crate::error::{Error, Location, Problem, Result};
use crate::{InstalledPackage, PackageKind};

/// Reads apk's installed database file; invalid UTF-8 is replaced rather than refused
/// (a package description must not cost the whole inventory).
pub fn read_installed(path: &Path, problems: &mut Vec<Problem>) -> Result<Vec<InstalledPackage>> {
    let text = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    Ok(parse_installed(
        &String::from_utf8_lossy(&text),
        &path.display().to_string(),
        problems,
    ))
}

/// Parses the text of apk's installed database (`file` names it in problems); a stanza
/// without `P:` or `V:` is reported and skipped.
pub fn parse_installed(
    text: &str,
    file: &str,
    problems: &mut Vec<Problem>,
) -> Vec<InstalledPackage> {
    let mut out = Vec::new();
    let mut start = 1;
    let mut problems_unseparated = Vec::new();
    let (mut name, mut version, mut arch, mut origin) = (None, None, None, None);
    let mut flush = |start: usize,
                     name: &mut Option<&str>,
                     version: &mut Option<&str>,
                     arch: &mut Option<&str>,
                     origin: &mut Option<&str>,
                     out: &mut Vec<InstalledPackage>| {
        match (name.take(), version.take()) {
            (Some(n), Some(v)) => out.push(InstalledPackage {
                kind: PackageKind::Apk,
                name: n.to_string(),
                version: v.to_string(),
                arch: arch.take().unwrap_or_default().to_string(),
                source_name: Some(origin.take().unwrap_or(n).to_string()),
                source_version: None,
                location: None,
            }),
            (None, None) => {}
            _ => problems.push(Problem::new(
                Location::line(file, start),
                "package entry without P: or V:; skipped",
            )),
        }
        *arch = None;
        *origin = None;
    };
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            flush(
                start,
                &mut name,
                &mut version,
                &mut arch,
                &mut origin,
                &mut out,
            );
            start = n + 2;
            continue;
        }
        match line.split_once(':') {
            Some(("P", v)) if name.is_some() => {
                // A new entry without the blank line before it: read it as one.
                problems_unseparated.push(n + 1);
                flush(
                    start,
                    &mut name,
                    &mut version,
                    &mut arch,
                    &mut origin,
                    &mut out,
                );
                start = n + 1;
                name = Some(v);
            }
            Some(("P", v)) => name = Some(v),
            Some(("V", v)) => version = Some(v),
            Some(("A", v)) => arch = Some(v),
            Some(("o", v)) => origin = Some(v),
            _ => {}
        }
    }
    flush(
        start,
        &mut name,
        &mut version,
        &mut arch,
        &mut origin,
        &mut out,
    );
    for line in problems_unseparated {
        problems.push(Problem::new(
            Location::line(file, line),
            "no blank line before this P: entry; read as a separate package",
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn installed_db() {
        let text = "C:Q1abc=\nP:libcrypto3\nV:3.1.4-r1\nA:x86_64\no:openssl\n\nP:musl\nV:1.2.4-r2\n\nP:broken\n";
        let mut problems = Vec::new();
        let pkgs = parse_installed(text, "installed", &mut problems);
        assert_eq!(pkgs.len(), 2);
        assert_eq!(pkgs[0].source_name.as_deref(), Some("openssl"));
        assert_eq!(pkgs[1].source_name.as_deref(), Some("musl"));
        assert_eq!(
            problems[0].to_string(),
            "installed:10: package entry without P: or V:; skipped"
        );
    }

    #[test]
    fn entries_without_blank_lines_are_all_read_and_warned_about() {
        let text = "C:Q1=\nP:a\nV:1-r0\nC:Q2=\nP:b\nV:2-r0\nP:c\nV:3-r0\n";
        let mut problems = Vec::new();
        let pkgs = parse_installed(text, "installed", &mut problems);
        let got: Vec<(&str, &str)> = pkgs
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect();
        assert_eq!(got, [("a", "1-r0"), ("b", "2-r0"), ("c", "3-r0")]);
        let shown: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            shown,
            [
                "installed:5: no blank line before this P: entry; read as a separate package",
                "installed:7: no blank line before this P: entry; read as a separate package"
            ]
        );
    }
}
