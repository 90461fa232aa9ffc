//! Debian security tracker: `data/CVE/list` (with `data/DSA/list` and `data/DLA/list`)
//! and the tracker's JSON export.
//!
//! Debian advisories name *source* packages. A `- pkg ...` line without a release is the
//! state in unstable (recorded as release `sid`, which the matcher uses for a release
//! the tracker says nothing specific about); `[release] - pkg ...` lines are per release.
use std::collections::{BTreeMap, BTreeSet};

use kensa_model::Severity;
use serde_json::Value;

use super::json::str_field;
use super::Import;
use crate::advisory::{map_severity, AdvisoryRecord, FixState};
use crate::error::{Location, Problem};
use crate::version::Scheme;

pub const UNSTABLE: &str = "sid";

fn tracker_url(id: &str) -> String {
    format!("https://security-tracker.debian.org/tracker/{id}")
}

/// One `[release] - package state (notes)` annotation.
#[derive(Debug, Clone, PartialEq)]
struct Annotation<'a> {
    release: &'a str,
    package: &'a str,
    state: &'a str,
    notes: &'a str,
}

fn parse_annotation(line: &str) -> Option<Annotation<'_>> {
    let (release, rest) = match line.strip_prefix('[') {
        Some(r) => {
            let end = r.find(']')?;
            (&r[..end], r[end + 1..].trim_start())
        }
        None => (UNSTABLE, line),
    };
    let rest = rest.strip_prefix("- ")?.trim();
    let (head, notes) = match rest.find(" (") {
        Some(p) => (&rest[..p], rest[p + 2..].trim_end_matches(')')),
        None => (rest, ""),
    };
    let mut parts = head.split_whitespace();
    let package = parts.next()?;
    let state = parts.next().unwrap_or("<unfixed>");
    Some(Annotation {
        release,
        package,
        state,
        notes,
    })
}

/// The fix state and fixed version an annotation's state word means, or `None` for
/// states that say nothing about installed packages (`<removed>`, `<itp>`).
fn state_of(state: &str) -> Option<(FixState, Option<&str>)> {
    Some(match state {
        "<unfixed>" | "<postponed>" | "<undetermined>" => (FixState::NotFixed, None),
        "<not-affected>" => (FixState::NotAffected, None),
        "<no-dsa>" | "<ignored>" | "<end-of-life>" => (FixState::WillNotFix, None),
        "<removed>" | "<itp>" => return None,
        s if s.starts_with('<') => return None,
        version => (FixState::Fixed, Some(version)),
    })
}

fn severity_in(notes: &str) -> Option<(Severity, String)> {
    notes.split(';').map(str::trim).find_map(|n| {
        matches!(n, "unimportant" | "low" | "medium" | "high")
            .then(|| map_severity(n).map(|s| (s, n.to_string())))
            .flatten()
    })
}

/// Parses `data/CVE/list`.
pub fn parse_cve_list(text: &str, file: &str) -> Import {
    let mut out = Import::default();
    let mut current: Option<(String, String)> = None; // (id, title)
    let mut entry: Vec<(usize, Annotation<'_>)> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line_no = n + 1;
        if line.trim().is_empty() {
            continue;
        }
        if !line.starts_with([' ', '\t']) {
            if let Some((id, title)) = current.take() {
                flush_cve(&id, &title, &entry, file, &mut out);
            }
            entry.clear();
            if line.starts_with("CVE-") {
                let (id, rest) = line.split_once(' ').unwrap_or((line, ""));
                let title = rest.trim().trim_matches(['(', ')', '[', ']']).trim();
                current = Some((id.to_string(), title.to_string()));
            } else {
                out.problems.push(Problem::new(
                    Location::line(file, line_no),
                    format!(
                        "expected a `CVE-` header line, found {:?}; skipped",
                        short(line)
                    ),
                ));
            }
            continue;
        }
        let body = line.trim();
        if current.is_none() {
            continue; // body of a skipped entry
        }
        if body.starts_with('-') || body.starts_with('[') {
            match parse_annotation(body) {
                Some(a) => entry.push((line_no, a)),
                None => out.problems.push(Problem::new(
                    Location::line(file, line_no),
                    format!("malformed package line {:?}; skipped", short(body)),
                )),
            }
        }
        // NOTE:, TODO:, NOT-FOR-US:, RESERVED, REJECTED, {xrefs}: no package state.
    }
    if let Some((id, title)) = current.take() {
        flush_cve(&id, &title, &entry, file, &mut out);
    }
    out
}

fn short(s: &str) -> String {
    s.chars().take(60).collect()
}

fn flush_cve(
    id: &str,
    title: &str,
    entry: &[(usize, Annotation<'_>)],
    file: &str,
    out: &mut Import,
) {
    if entry.is_empty() {
        return;
    }
    out.advisories += 1;
    // Severity is given on the unstable line and holds for every release.
    let severities: BTreeMap<&str, (Severity, String)> = entry
        .iter()
        .filter(|(_, a)| a.release == UNSTABLE)
        .filter_map(|(_, a)| severity_in(a.notes).map(|s| (a.package, s)))
        .collect();
    let cves = if id.contains("XXXX") {
        Vec::new()
    } else {
        vec![id.to_string()]
    };
    for (line_no, a) in entry {
        let Some((state, fixed)) = state_of(a.state) else {
            continue;
        };
        if let Some(v) = fixed {
            if let Err(e) = Scheme::Deb.validate(v) {
                out.problems.push(Problem::new(
                    Location::line(file, *line_no),
                    format!("{id} {}: bad version {v:?}: {e}; skipped", a.package),
                ));
                continue;
            }
        }
        let sev = severities.get(a.package);
        out.records.push(AdvisoryRecord {
            distro: "debian".into(),
            release: a.release.to_string(),
            package: a.package.to_string(),
            id: id.to_string(),
            scheme: Scheme::Deb,
            fix_state: state,
            introduced: None,
            fixed: fixed.map(str::to_string),
            last_affected: None,
            severity: sev.map(|s| s.0),
            vendor_severity: sev.map(|s| s.1.clone()),
            cves: cves.clone(),
            title: title.to_string(),
            url: tracker_url(id),
            source: "debian-tracker".into(),
        });
    }
}

/// Parses `data/DSA/list` or `data/DLA/list` and adds, per CVE, the fixed versions they
/// announce for releases the CVE list has no annotation for.
pub fn merge_announcements(text: &str, file: &str, into: &mut Import) {
    let known: BTreeSet<(String, String, String)> = into
        .records
        .iter()
        .map(|r| (r.id.clone(), r.package.clone(), r.release.clone()))
        .collect();
    let mut header: Option<(String, String)> = None; // (DSA id, title)
    let mut cves: Vec<String> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let loc = || Location::line(file, n + 1);
        if line.trim().is_empty() {
            continue;
        }
        if !line.starts_with([' ', '\t']) {
            cves.clear();
            header = parse_dsa_header(line);
            if header.is_none() {
                into.problems.push(Problem::new(
                    loc(),
                    format!("malformed advisory header {:?}; entry skipped", short(line)),
                ));
            }
            continue;
        }
        let Some((dsa, title)) = header.as_ref() else {
            continue;
        };
        let body = line.trim();
        if let Some(list) = body.strip_prefix('{') {
            cves = list
                .trim_end_matches('}')
                .split_whitespace()
                .map(str::to_string)
                .collect();
        } else if let Some(a) = parse_annotation(body) {
            let Some((state, fixed)) = state_of(a.state) else {
                continue;
            };
            for cve in &cves {
                let key = (cve.clone(), a.package.to_string(), a.release.to_string());
                if known.contains(&key) {
                    continue;
                }
                into.records.push(AdvisoryRecord {
                    distro: "debian".into(),
                    release: a.release.to_string(),
                    package: a.package.to_string(),
                    id: cve.clone(),
                    scheme: Scheme::Deb,
                    fix_state: state,
                    introduced: None,
                    fixed: fixed.map(str::to_string),
                    last_affected: None,
                    severity: None,
                    vendor_severity: None,
                    cves: vec![cve.clone()],
                    title: format!("{dsa} {title}"),
                    url: tracker_url(dsa),
                    source: "debian-tracker".into(),
                });
            }
        } else {
            into.problems.push(Problem::new(
                loc(),
                format!("malformed line {:?} in {dsa}; skipped", short(body)),
            ));
        }
    }
}

/// `[11 Jul 2019] DSA-4480-1 redis - security update` -> ("DSA-4480-1", "redis - security update")
fn parse_dsa_header(line: &str) -> Option<(String, String)> {
    let rest = line.strip_prefix('[')?;
    let (_date, rest) = rest.split_once("] ")?;
    let (id, title) = rest.split_once(' ')?;
    let valid = (id.starts_with("DSA-") || id.starts_with("DLA-") || id.starts_with("DTSA-"))
        && title.contains(" - ");
    valid.then(|| (id.to_string(), title.to_string()))
}

/// Parses the tracker JSON export: `{package: {CVE: {releases: {release: {...}}}}}`.
pub fn parse_tracker_json(doc: &Value, file: &str) -> Import {
    let mut out = Import::default();
    let Some(packages) = doc.as_object() else {
        out.problems.push(Problem::new(
            Location::json(file, "$"),
            "expected an object of source packages",
        ));
        return out;
    };
    for (package, issues) in packages {
        let Some(issues) = issues.as_object() else {
            out.problems.push(Problem::new(
                Location::json(file, format!("$.{package}")),
                "expected an object of issues; skipped",
            ));
            continue;
        };
        for (id, issue) in issues {
            let path = format!("$.{package}.{id}");
            tracker_issue(package, id, issue, file, &path, &mut out);
        }
    }
    out
}

fn tracker_issue(package: &str, id: &str, issue: &Value, file: &str, path: &str, out: &mut Import) {
    let Some(releases) = issue.get("releases").and_then(Value::as_object) else {
        out.problems.push(Problem::new(
            Location::json(file, format!("{path}.releases")),
            "issue without a `releases` object; skipped",
        ));
        return;
    };
    out.advisories += 1;
    let title = str_field(issue, "description").unwrap_or_default();
    for (release, r) in releases {
        let status = str_field(r, "status").unwrap_or("undetermined");
        let urgency = str_field(r, "urgency").unwrap_or_default();
        let fixed = str_field(r, "fixed_version");
        let nodsa_reason = str_field(r, "nodsa_reason").unwrap_or_default();
        let (state, fixed) = match (status, fixed) {
            ("resolved", Some("0")) => (FixState::NotAffected, None),
            ("resolved", Some(v)) => (FixState::Fixed, Some(v.to_string())),
            ("resolved", None) => (FixState::NotAffected, None),
            ("open", _) if urgency == "end-of-life" || nodsa_reason == "ignored" => {
                (FixState::WillNotFix, None)
            }
            ("open", _) if r.get("nodsa").is_some() && nodsa_reason != "postponed" => {
                (FixState::WillNotFix, None)
            }
            ("open" | "undetermined", _) => (FixState::NotFixed, None),
            (other, _) => {
                out.problems.push(Problem::new(
                    Location::json(file, format!("{path}.releases.{release}.status")),
                    format!("unknown status `{other}`; skipped"),
                ));
                continue;
            }
        };
        let sev = map_severity(urgency.trim_end_matches('*'));
        out.records.push(AdvisoryRecord {
            distro: "debian".into(),
            release: release.clone(),
            package: package.to_string(),
            id: id.to_string(),
            scheme: Scheme::Deb,
            fix_state: state,
            introduced: None,
            fixed,
            last_affected: None,
            severity: sev,
            vendor_severity: sev.map(|_| urgency.to_string()),
            cves: if id.starts_with("CVE-") {
                vec![id.to_string()]
            } else {
                Vec::new()
            },
            title: title.chars().take(200).collect(),
            url: tracker_url(id),
            source: "debian-tracker".into(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations() {
        let a = parse_annotation("[bullseye] - foot <no-dsa> (Minor issue)").unwrap();
        assert_eq!(
            (a.release, a.package, a.state),
            ("bullseye", "foot", "<no-dsa>")
        );
        let a = parse_annotation("- putty 0.75-3 (low; bug #990901)").unwrap();
        assert_eq!((a.release, a.state), ("sid", "0.75-3"));
        assert_eq!(severity_in(a.notes).unwrap().0, Severity::Low);
        assert!(parse_annotation("[bullseye - foot").is_none());
    }

    #[test]
    fn dsa_header() {
        assert_eq!(
            parse_dsa_header("[11 Jul 2019] DSA-4480-1 redis - security update")
                .unwrap()
                .0,
            "DSA-4480-1"
        );
        assert!(parse_dsa_header("[19 Jul 2021] MALFORMED HEADER").is_none());
    }
}
