//! OSV records (osv.dev schema): language ecosystems and the distro ecosystems OSV
//! carries (Debian, Ubuntu, Alpine, AlmaLinux, Rocky Linux).
use kensa_model::Severity;
use serde_json::Value;

use super::json::{str_array, str_field};
use super::Import;
use crate::advisory::{map_severity, AdvisoryRecord, FixState};
use crate::error::{Location, Problem};
use crate::version::Scheme;

/// Where an OSV ecosystem's records live in the database: (distro, release, scheme).
pub fn ecosystem_target(ecosystem: &str) -> Option<(String, String, Scheme)> {
    let (base, rest) = ecosystem.split_once(':').unwrap_or((ecosystem, ""));
    let release = rest.split(':').next().unwrap_or("").to_string();
    Some(match base {
        "PyPI" => (base.into(), String::new(), Scheme::Pep440),
        "npm" | "Go" | "crates.io" => (base.into(), String::new(), Scheme::Semver),
        "RubyGems" | "Maven" | "NuGet" | "Packagist" | "Hex" | "Pub" => {
            (base.into(), String::new(), Scheme::Generic)
        }
        "Debian" => ("debian".into(), debian_codename(&release), Scheme::Deb),
        "Ubuntu" => ("ubuntu".into(), release, Scheme::Deb),
        "Alpine" => ("alpine".into(), release, Scheme::Apk),
        "AlmaLinux" => ("almalinux".into(), release, Scheme::Rpm),
        "Rocky Linux" => ("rocky".into(), release, Scheme::Rpm),
        _ => return None,
    })
}

/// Debian release numbers to the codenames os-release and the tracker use.
pub fn debian_codename(number: &str) -> String {
    let major = number.split('.').next().unwrap_or(number);
    match major {
        "8" => "jessie",
        "9" => "stretch",
        "10" => "buster",
        "11" => "bullseye",
        "12" => "bookworm",
        "13" => "trixie",
        "14" => "forky",
        other => other,
    }
    .to_string()
}

/// PyPI names compare case-insensitively with `-`, `_` and `.` runs equal (PEP 503).
pub fn normalise_package(distro: &str, name: &str) -> String {
    if distro == "PyPI" {
        kensa_inventory::normalise_pypi_name(name)
    } else {
        name.to_string()
    }
}

/// Parses one OSV record (or an array of records).
pub fn parse(doc: &Value, file: &str) -> Import {
    let mut out = Import::default();
    match doc {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                record(item, file, &format!("$[{i}]"), &mut out);
            }
        }
        item => record(item, file, "$", &mut out),
    }
    out
}

fn record(v: &Value, file: &str, path: &str, out: &mut Import) {
    let Some(id) = str_field(v, "id") else {
        out.problems.push(Problem::new(
            Location::json(file, format!("{path}.id")),
            "OSV record without a string `id`; skipped",
        ));
        return;
    };
    if v.get("withdrawn").is_some() {
        return;
    }
    let mut cves: Vec<String> = str_array(v, "aliases")
        .into_iter()
        .filter(|a| a.starts_with("CVE-"))
        .collect();
    if id.starts_with("CVE-") {
        cves.push(id.to_string());
    }
    let title = str_field(v, "summary")
        .or_else(|| str_field(v, "details"))
        .unwrap_or_default();
    let title: String = title.chars().take(200).collect();
    let url = v
        .get("references")
        .and_then(Value::as_array)
        .and_then(|refs| {
            refs.iter()
                .find(|r| str_field(r, "type") == Some("ADVISORY"))
                .and_then(|r| str_field(r, "url"))
        })
        .map(str::to_string)
        .unwrap_or_else(|| format!("https://osv.dev/vulnerability/{id}"));
    let top_severity = severity_of(v);
    let affected = v.get("affected").and_then(Value::as_array);
    let mut any = false;
    for (i, a) in affected.into_iter().flatten().enumerate() {
        let apath = format!("{path}.affected[{i}]");
        let pkg = a.get("package").unwrap_or(&Value::Null);
        let (Some(ecosystem), Some(name)) = (str_field(pkg, "ecosystem"), str_field(pkg, "name"))
        else {
            out.problems.push(Problem::new(
                Location::json(file, format!("{apath}.package")),
                format!("{id}: affected entry without ecosystem or name; skipped"),
            ));
            continue;
        };
        let Some((distro, release, scheme)) = ecosystem_target(ecosystem) else {
            continue; // an ecosystem kensa does not inventory
        };
        let severity = severity_of(a).or(top_severity.clone());
        let base = AdvisoryRecord {
            package: normalise_package(&distro, name),
            distro,
            release,
            id: id.to_string(),
            scheme,
            fix_state: FixState::NotFixed,
            introduced: None,
            fixed: None,
            last_affected: None,
            severity: severity.as_ref().map(|s| s.0),
            vendor_severity: severity.map(|s| s.1),
            cves: cves.clone(),
            title: title.clone(),
            url: url.clone(),
            source: "osv".into(),
        };
        let before = out.records.len();
        ranges(a, &base, file, &apath, out);
        if out.records.len() == before {
            for version in str_array(a, "versions") {
                out.records.push(AdvisoryRecord {
                    introduced: Some(version.clone()),
                    last_affected: Some(version),
                    ..base.clone()
                });
            }
        }
        any |= out.records.len() > before;
    }
    if any {
        out.advisories += 1;
    }
}

fn ranges(a: &Value, base: &AdvisoryRecord, file: &str, apath: &str, out: &mut Import) {
    let ranges = a.get("ranges").and_then(Value::as_array);
    for (k, range) in ranges.into_iter().flatten().enumerate() {
        if !matches!(str_field(range, "type"), Some("ECOSYSTEM" | "SEMVER")) {
            continue;
        }
        let Some(events) = range.get("events").and_then(Value::as_array) else {
            out.problems.push(Problem::new(
                Location::json(file, format!("{apath}.ranges[{k}].events")),
                format!("{}: range without events; skipped", base.id),
            ));
            continue;
        };
        let mut open: Option<String> = None;
        for e in events {
            if let Some(v) = str_field(e, "introduced") {
                if let Some(start) = open.take() {
                    out.records.push(open_record(base, start));
                }
                open = Some(v.to_string());
            } else if let Some(v) = str_field(e, "fixed") {
                out.records.push(AdvisoryRecord {
                    introduced: open.take().filter(|s| s != "0"),
                    fixed: Some(v.to_string()),
                    fix_state: FixState::Fixed,
                    ..base.clone()
                });
            } else if let Some(v) = str_field(e, "last_affected") {
                out.records.push(AdvisoryRecord {
                    introduced: open.take().filter(|s| s != "0"),
                    last_affected: Some(v.to_string()),
                    ..base.clone()
                });
            }
        }
        if let Some(start) = open {
            out.records.push(open_record(base, start));
        }
    }
}

fn open_record(base: &AdvisoryRecord, start: String) -> AdvisoryRecord {
    AdvisoryRecord {
        introduced: Some(start).filter(|s| s != "0"),
        ..base.clone()
    }
}

/// Severity from `database_specific.severity` / `ecosystem_specific.severity` or a
/// CVSS v3 vector in `severity[]`.
fn severity_of(v: &Value) -> Option<(Severity, String)> {
    for key in ["database_specific", "ecosystem_specific"] {
        if let Some(word) = v.get(key).and_then(|d| str_field(d, "severity")) {
            if let Some(s) = map_severity(word) {
                return Some((s, word.to_string()));
            }
        }
    }
    let list = v.get("severity").and_then(Value::as_array)?;
    list.iter().find_map(|s| {
        let score = str_field(s, "score")?;
        let base = crate::cvss::base_score_v3(score)?;
        Some((
            crate::cvss::severity_of_score(base),
            format!("CVSS {base:.1}"),
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pypi_names_normalise() {
        assert_eq!(
            normalise_package("PyPI", "Django_Rest.Framework"),
            "django-rest-framework"
        );
        assert_eq!(normalise_package("npm", "Foo_Bar"), "Foo_Bar");
    }

    #[test]
    fn osv_ranges_become_records() {
        let doc = serde_json::json!({
            "id": "GHSA-xxxx", "aliases": ["CVE-2022-1"],
            "database_specific": {"severity": "HIGH"},
            "affected": [{"package": {"ecosystem": "PyPI", "name": "Requests"},
                "ranges": [{"type": "ECOSYSTEM", "events": [
                    {"introduced": "0"}, {"fixed": "2.20.0"},
                    {"introduced": "3.0"}, {"last_affected": "3.1"}]}]},
                {"package": {"ecosystem": "npm"}}]
        });
        let out = parse(&doc, "x.json");
        assert_eq!(out.records.len(), 2);
        assert_eq!(out.records[0].package, "requests");
        assert_eq!(out.records[0].fixed.as_deref(), Some("2.20.0"));
        assert_eq!(out.records[0].introduced, None);
        assert_eq!(out.records[1].last_affected.as_deref(), Some("3.1"));
        assert_eq!(out.records[1].severity, Some(Severity::High));
        assert_eq!(out.problems.len(), 1);
        assert_eq!(
            out.problems[0].location.json_path.as_deref(),
            Some("$.affected[1].package")
        );
    }
}
