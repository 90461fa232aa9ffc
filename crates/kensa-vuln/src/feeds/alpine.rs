//! Alpine secdb JSON (`<release>/<repo>.json` on secdb.alpinelinux.org).
//!
//! secdb lists, per origin (source) package, the versions that fixed which CVEs. A fixed
//! version of `0` means the package was never affected.
use serde_json::Value;

use super::json::str_field;
use super::Import;
use crate::advisory::{AdvisoryRecord, FixState};
use crate::error::{Location, Problem};
use crate::version::Scheme;

/// Parses one secdb document. `release` overrides the document's `distroversion`.
pub fn parse_secdb(doc: &Value, file: &str, release: Option<&str>) -> Import {
    let mut out = Import::default();
    let Some(release) = release.or_else(|| str_field(doc, "distroversion")) else {
        out.problems.push(Problem::new(
            Location::json(file, "$.distroversion"),
            "secdb document without `distroversion`; pass --release",
        ));
        return out;
    };
    // Empty repositories are published as `"packages": {}`.
    if doc
        .get("packages")
        .and_then(Value::as_object)
        .is_some_and(|o| o.is_empty())
    {
        return out;
    }
    let Some(packages) = doc.get("packages").and_then(Value::as_array) else {
        out.problems.push(Problem::new(
            Location::json(file, "$.packages"),
            "secdb document without a `packages` array",
        ));
        return out;
    };
    for (i, p) in packages.iter().enumerate() {
        let path = format!("$.packages[{i}].pkg");
        let pkg = p.get("pkg").unwrap_or(&Value::Null);
        let (Some(name), Some(secfixes)) = (
            str_field(pkg, "name"),
            pkg.get("secfixes").and_then(Value::as_object),
        ) else {
            out.problems.push(Problem::new(
                Location::json(file, path),
                "package without `name` or `secfixes`; skipped",
            ));
            continue;
        };
        for (version, ids) in secfixes {
            let vpath = format!("{path}.secfixes.{version:?}");
            let fixed = version.as_str();
            let state = if fixed == "0" {
                FixState::NotAffected
            } else if let Err(e) = Scheme::Apk.validate(fixed) {
                out.problems.push(Problem::new(
                    Location::json(file, vpath),
                    format!("{name}: bad fixed version: {e}; skipped"),
                ));
                continue;
            } else {
                FixState::Fixed
            };
            let ids = ids.as_array().map(Vec::as_slice).unwrap_or_default();
            for (j, id) in ids.iter().enumerate() {
                let Some(id) = id.as_str().and_then(|s| s.split_whitespace().next()) else {
                    out.problems.push(Problem::new(
                        Location::json(file, format!("{vpath}[{j}]")),
                        "advisory id is not a string; skipped",
                    ));
                    continue;
                };
                out.advisories += 1;
                out.records.push(AdvisoryRecord {
                    distro: "alpine".into(),
                    release: release.to_string(),
                    package: name.to_string(),
                    id: id.to_string(),
                    scheme: Scheme::Apk,
                    fix_state: state,
                    introduced: None,
                    fixed: (state == FixState::Fixed).then(|| fixed.to_string()),
                    last_affected: None,
                    severity: None,
                    vendor_severity: None,
                    cves: if id.starts_with("CVE-") {
                        vec![id.to_string()]
                    } else {
                        Vec::new()
                    },
                    title: format!("{id} in {name}"),
                    url: format!("https://security.alpinelinux.org/vuln/{id}"),
                    source: "alpine-secdb".into(),
                });
            }
        }
    }
    out
}
