//! Amazon Linux Security Center advisories (ALAS): yum `updateinfo.xml[.gz]` as published
//! in the repositories, and ALAS JSON (one advisory object per file, or an array).
//!
//! ALAS advisories name binary packages; the fixed version is the package's
//! `epoch:version-release`. The release is read from the advisory id prefix.
use std::collections::BTreeMap;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use serde_json::Value;

use super::json::{str_array, str_field};
use super::Import;
use crate::advisory::{map_severity, AdvisoryRecord, FixState};
use crate::error::{Location, Problem};
use crate::version::Scheme;

/// One ALAS advisory as read from either format, before normalisation.
#[derive(Debug, Default, Clone)]
struct Alas {
    id: String,
    title: String,
    severity: String,
    cves: Vec<String>,
    /// package name -> fixed EVRs (one per arch, usually all equal)
    packages: BTreeMap<String, Vec<String>>,
}

/// The Amazon Linux release an advisory id belongs to: `ALAS-` is Amazon Linux 1,
/// `ALAS2-` (and AL2 extras such as `ALAS2KERNEL-5.10-`) Amazon Linux 2, `ALAS2022-` and
/// `ALAS2023-` those releases.
pub fn release_of(id: &str) -> Option<&'static str> {
    let rest = id.strip_prefix("ALAS")?;
    if rest.starts_with("2023-") {
        Some("2023")
    } else if rest.starts_with("2022-") {
        Some("2022")
    } else if rest.starts_with('2') {
        Some("2")
    } else if rest.starts_with('-') {
        Some("1")
    } else {
        None
    }
}

/// The advisory page on alas.aws.amazon.com.
pub fn url_of(id: &str, release: &str) -> String {
    match release {
        "1" => format!("https://alas.aws.amazon.com/{id}.html"),
        "2" => format!("https://alas.aws.amazon.com/AL2/{id}.html"),
        r => format!("https://alas.aws.amazon.com/AL{r}/{id}.html"),
    }
}

fn evr(epoch: &str, version: &str, release: &str) -> String {
    let body = if release.is_empty() {
        version.to_string()
    } else {
        format!("{version}-{release}")
    };
    match epoch {
        "" | "0" => body,
        e => format!("{e}:{body}"),
    }
}

impl Alas {
    fn into_records(mut self, release_override: Option<&str>, out: &mut Import, loc: Location) {
        self.cves.sort();
        self.cves.dedup();
        let Some(release) = release_override.or_else(|| release_of(&self.id)) else {
            out.problems.push(Problem::new(
                loc,
                format!(
                    "advisory id `{}` is not an ALAS id; pass --release",
                    self.id
                ),
            ));
            return;
        };
        out.advisories += 1;
        let severity = map_severity(&self.severity);
        let url = url_of(&self.id, release);
        for (package, mut fixed) in self.packages {
            // Several arches carry the same fix; if versions differ, the lowest one
            // counts (a host at or above any listed fix is not reported).
            fixed.sort_by(|a, b| Scheme::Rpm.compare(a, b));
            fixed.dedup();
            out.records.push(AdvisoryRecord {
                distro: "amzn".into(),
                release: release.into(),
                package,
                id: self.id.clone(),
                scheme: Scheme::Rpm,
                fix_state: FixState::Fixed,
                introduced: None,
                fixed: fixed.into_iter().next(),
                last_affected: None,
                severity,
                vendor_severity: (!self.severity.is_empty()).then(|| self.severity.clone()),
                cves: self.cves.clone(),
                title: self.title.clone(),
                url: url.clone(),
                source: "alas".into(),
            });
        }
    }
}

/// Parses a yum `updateinfo.xml` document. Each complete `<update>` is imported; a
/// syntax error stops the parse with a problem saying at which byte, keeping what came
/// before it.
pub fn parse_updateinfo(xml: &[u8], file: &str, release: Option<&str>) -> Import {
    let mut out = Import::default();
    let mut base = 0u64; // where `reader` started in `xml`
    let mut reader = xml_reader(xml, true);
    let mut buf = Vec::new();
    let mut current: Option<Alas> = None;
    let mut text_target: Option<&'static str> = None;
    loop {
        let pos = base + reader.buffer_position();
        let event = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(e) => {
                // One broken <update> is skipped, not everything after it: reading
                // resumes at the next <update>.
                let skipped = if current.is_some() {
                    "that update"
                } else {
                    "no update"
                };
                // Always forward, so that a restart cannot fail at the same place.
                let at = (base + reader.buffer_position()).max(base + 1) as usize;
                let next = next_update(xml, at.min(xml.len()));
                if base > 0 && current.is_none() && next.is_none() {
                    break; // the root's end tag, which a restarted reader never saw open
                }
                let resumed = if next.is_some() {
                    "reading resumed at the next <update>"
                } else {
                    "nothing follows"
                };
                out.problems.push(Problem::new(
                    Location::byte(file, pos),
                    format!("malformed updateinfo XML: {e}; {skipped} skipped, {resumed}"),
                ));
                current = None;
                let Some(next) = next else { break };
                base = next as u64;
                // Restarted inside the root element, whose end tag it will not match.
                reader = xml_reader(&xml[next..], false);
                text_target = None;
                buf.clear();
                continue;
            }
        };
        match event {
            Event::Eof => {
                if current.is_some() {
                    out.problems.push(Problem::new(
                        Location::byte(file, pos),
                        "updateinfo XML ends inside an <update>; that update was skipped",
                    ));
                }
                break;
            }
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                b"update" => current = Some(Alas::default()),
                b"id" => text_target = Some("id"),
                b"title" => text_target = Some("title"),
                b"severity" => text_target = Some("severity"),
                b"reference" => {
                    if let Some(a) = current.as_mut() {
                        if attr(&e, b"type").as_deref() == Some("cve") {
                            if let Some(id) = attr(&e, b"id") {
                                a.cves.push(id);
                            }
                        }
                    }
                }
                b"package" => {
                    if let Some(a) = current.as_mut() {
                        package_element(&e, a, &mut out, Location::byte(file, pos));
                    }
                }
                _ => text_target = None,
            },
            Event::Text(t) => {
                if let (Some(target), Some(a)) = (text_target, current.as_mut()) {
                    let text = t.unescape().map(|c| c.into_owned()).unwrap_or_default();
                    match target {
                        "id" => a.id = text,
                        "title" => a.title = text,
                        _ => a.severity = text,
                    }
                }
            }
            Event::End(e) => {
                text_target = None;
                if e.local_name().as_ref() == b"update" {
                    if let Some(a) = current.take() {
                        finish(a, release, &mut out, Location::byte(file, pos));
                    }
                }
            }
            _ => {}
        }
        buf.clear();
    }
    out
}

fn xml_reader(xml: &[u8], check_end_names: bool) -> Reader<&[u8]> {
    let mut reader = Reader::from_reader(xml);
    reader.config_mut().trim_text(true);
    reader.config_mut().check_end_names = check_end_names;
    reader
}

/// The offset of the next `<update` start tag at or after `from`.
fn next_update(xml: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(k) = memchr::memmem::find(&xml[at..], b"<update") {
        let tag = at + k;
        if matches!(
            xml.get(tag + 7),
            Some(b' ' | b'>' | b'\t' | b'\n' | b'\r' | b'/')
        ) {
            return Some(tag);
        }
        at = tag + 7;
    }
    None
}

fn finish(a: Alas, release: Option<&str>, out: &mut Import, loc: Location) {
    if a.id.is_empty() {
        out.problems
            .push(Problem::new(loc, "<update> without an <id>; skipped"));
    } else {
        a.into_records(release, out, loc);
    }
}

fn attr(e: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

fn package_element(e: &BytesStart<'_>, a: &mut Alas, out: &mut Import, loc: Location) {
    let (Some(name), Some(version)) = (attr(e, b"name"), attr(e, b"version")) else {
        out.problems.push(Problem::new(
            loc,
            format!(
                "advisory {}: <package> without name or version; skipped",
                a.id
            ),
        ));
        return;
    };
    let epoch = attr(e, b"epoch").unwrap_or_default();
    let release = attr(e, b"release").unwrap_or_default();
    a.packages
        .entry(name)
        .or_default()
        .push(evr(&epoch, &version, &release));
}

/// Parses ALAS JSON: one advisory object or an array of them.
pub fn parse_json(doc: &Value, file: &str, release: Option<&str>) -> Import {
    let mut out = Import::default();
    match doc {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                json_advisory(item, file, &format!("$[{i}]"), release, &mut out);
            }
        }
        item => json_advisory(item, file, "$", release, &mut out),
    }
    out
}

fn json_advisory(v: &Value, file: &str, path: &str, release: Option<&str>, out: &mut Import) {
    let Some(id) = str_field(v, "id") else {
        out.problems.push(Problem::new(
            Location::json(file, format!("{path}.id")),
            "ALAS advisory without a string `id`; skipped",
        ));
        return;
    };
    let mut a = Alas {
        id: id.to_string(),
        title: str_field(v, "title").unwrap_or_default().to_string(),
        severity: str_field(v, "severity").unwrap_or_default().to_string(),
        cves: str_array(v, "cveids"),
        packages: BTreeMap::new(),
    };
    let packages = v.get("packages").and_then(Value::as_array);
    for (i, p) in packages.into_iter().flatten().enumerate() {
        let (Some(name), Some(version)) = (str_field(p, "name"), str_field(p, "version")) else {
            out.problems.push(Problem::new(
                Location::json(file, format!("{path}.packages[{i}]")),
                format!("advisory {id}: package without name or version; skipped"),
            ));
            continue;
        };
        let epoch = str_field(p, "epoch").unwrap_or_default();
        let rel = str_field(p, "release").unwrap_or_default();
        a.packages
            .entry(name.to_string())
            .or_default()
            .push(evr(epoch, version, rel));
    }
    a.into_records(release, out, Location::json(file, path.to_string()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_and_url_from_id() {
        assert_eq!(release_of("ALAS-2018-1000"), Some("1"));
        assert_eq!(release_of("ALAS2-2018-939"), Some("2"));
        assert_eq!(release_of("ALAS2KERNEL-5.10-2022-001"), Some("2"));
        assert_eq!(release_of("ALAS2023-2023-001"), Some("2023"));
        assert_eq!(release_of("RHSA-2020:1"), None);
        assert_eq!(
            url_of("ALAS2023-2023-001", "2023"),
            "https://alas.aws.amazon.com/AL2023/ALAS2023-2023-001.html"
        );
    }

    #[test]
    fn updateinfo_keeps_complete_updates_before_an_error() {
        let xml = br#"<updates><update><id>ALAS2-2020-1</id><severity>important</severity>
            <references><reference type="cve" id="CVE-2020-1"/></references>
            <pkglist><collection><package name="curl" epoch="0" version="7.1" release="2.amzn2" arch="x86_64"/>
            <package name="curl" epoch="0" version="7.1" release="2.amzn2" arch="aarch64"/></collection></pkglist>
            </update><update><id>ALAS2-2020-2</id><pkglist></oops></update></updates>"#;
        let out = parse_updateinfo(xml, "u.xml", None);
        assert_eq!(out.records.len(), 1);
        assert_eq!(out.records[0].fixed.as_deref(), Some("7.1-2.amzn2"));
        assert_eq!(out.records[0].severity, Some(kensa_model::Severity::High));
        assert_eq!(out.problems.len(), 1, "{:?}", out.problems);
        assert!(out.problems[0].to_string().starts_with("u.xml at byte"));
    }
}
