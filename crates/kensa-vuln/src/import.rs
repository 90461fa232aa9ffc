//! Importing feeds from files, directories and zip archives.
use std::path::Path;
use std::str::FromStr;

use crate::error::{Error, Location, Problem, Result};
use crate::feeds::{self, alas, alpine, debian, json, osv, Import};

/// The feed formats `kensa db import` understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedKind {
    /// Amazon Linux: updateinfo.xml[.gz] or ALAS JSON.
    Alas,
    /// Debian security tracker: a checkout (`data/CVE/list`...), a list file, or the JSON.
    Debian,
    /// Alpine secdb JSON.
    Alpine,
    /// OSV JSON: files, directories or zip archives.
    Osv,
}

impl FromStr for FeedKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "alas" | "amazon" => Ok(FeedKind::Alas),
            "debian" | "debian-tracker" => Ok(FeedKind::Debian),
            "alpine" | "alpine-secdb" => Ok(FeedKind::Alpine),
            "osv" => Ok(FeedKind::Osv),
            other => Err(format!(
                "unknown feed `{other}` (expected alas, debian, alpine or osv)"
            )),
        }
    }
}

/// Imports one path. Per-item problems are in the result; only an unreadable path
/// fails the whole import.
pub fn import_path(kind: FeedKind, path: &Path, release: Option<&str>) -> Result<Import> {
    if path.is_dir() {
        return import_dir(kind, path, release);
    }
    let name = path.display().to_string();
    if kind == FeedKind::Osv && path.extension().is_some_and(|e| e == "zip") {
        return import_zip(path);
    }
    let bytes = feeds::read_maybe_gz(path)?;
    Ok(import_bytes(kind, &bytes, &name, release))
}

/// Imports a document already in memory (`name` is used in locations).
pub fn import_bytes(kind: FeedKind, bytes: &[u8], name: &str, release: Option<&str>) -> Import {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
    if looks_like_html(bytes) {
        return Import {
            problems: vec![Problem::new(
                Location::file(name),
                "an HTML page, not an advisory feed (an error or login page from a server or proxy?)",
            )],
            ..Default::default()
        };
    }
    let as_json = |f: &dyn Fn(&serde_json::Value) -> Import| match json::parse(bytes) {
        Ok(doc) => f(&doc),
        Err(e) => Import {
            problems: vec![Problem::new(Location::file(name), e)],
            ..Default::default()
        },
    };
    match kind {
        FeedKind::Alas if first == Some(b'<') => alas::parse_updateinfo(bytes, name, release),
        FeedKind::Alas => as_json(&|d| alas::parse_json(d, name, release)),
        FeedKind::Alpine => as_json(&|d| alpine::parse_secdb(d, name, release)),
        FeedKind::Osv => as_json(&|d| osv::parse(d, name)),
        FeedKind::Debian if first == Some(b'{') => {
            as_json(&|d| debian::parse_tracker_json(d, name))
        }
        FeedKind::Debian => {
            let text = String::from_utf8_lossy(bytes);
            if first == Some(b'[') {
                let mut out = Import::default();
                debian::merge_announcements(&text, name, &mut out);
                out
            } else {
                debian::parse_cve_list(&text, name)
            }
        }
    }
}

/// `<!DOCTYPE html` or `<html` first (case-insensitive), after whitespace and a BOM.
fn looks_like_html(bytes: &[u8]) -> bool {
    let start = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = start.trim_ascii_start();
    let head = &text[..text.len().min(14)];
    let lower = head.to_ascii_lowercase();
    lower.starts_with(b"<!doctype html") || lower.starts_with(b"<html")
}

fn import_dir(kind: FeedKind, dir: &Path, release: Option<&str>) -> Result<Import> {
    if kind == FeedKind::Debian {
        return import_debian_checkout(dir);
    }
    let mut out = Import::default();
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| match e {
            Ok(e) => Some(e),
            Err(err) => {
                out.problems.push(Problem::new(
                    Location::file(dir.display().to_string()),
                    format!("cannot read directory entry: {err}"),
                ));
                None
            }
        })
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| {
            let n = p.to_string_lossy();
            n.ends_with(".json")
                || n.ends_with(".json.gz")
                || n.ends_with(".xml")
                || n.ends_with(".xml.gz")
                || (kind == FeedKind::Osv && n.ends_with(".zip"))
        })
        .collect();
    files.sort();
    for f in files {
        match import_path(kind, &f, release) {
            Ok(i) => out.extend(i),
            Err(e) => out.problems.push(Problem::new(
                Location::file(f.display().to_string()),
                e.to_string(),
            )),
        }
    }
    Ok(out)
}

/// A security-tracker checkout: `data/CVE/list`, then DSA/DLA announcements.
fn import_debian_checkout(dir: &Path) -> Result<Import> {
    let cve = dir.join("data/CVE/list");
    let read = |p: &Path| std::fs::read(p).map_err(|e| Error::io(p, e));
    let mut out = debian::parse_cve_list(
        &String::from_utf8_lossy(&read(&cve)?),
        &cve.display().to_string(),
    );
    for list in ["data/DSA/list", "data/DLA/list"] {
        let p = dir.join(list);
        if p.is_file() {
            let text = String::from_utf8_lossy(&read(&p)?).into_owned();
            debian::merge_announcements(&text, &p.display().to_string(), &mut out);
        }
    }
    Ok(out)
}

/// Largest OSV entry: one advisory's JSON, a few KB in practice.
const MAX_OSV_ENTRY: u64 = 64 << 20;

/// An OSV zip archive (as osv.dev publishes `all.zip` per ecosystem).
fn import_zip(path: &Path) -> Result<Import> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let name = path.display().to_string();
    let mut archive = zip::ZipArchive::new(file)
        .map_err(|e| Error::parse(Location::file(&name), format!("zip: {e}")))?;
    let mut out = Import::default();
    let mut total = 0u64;
    for i in 0..archive.len() {
        let mut entry = match archive.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                out.problems.push(Problem::new(
                    Location::file(format!("{name}!#{i}")),
                    format!("zip entry: {e}"),
                ));
                continue;
            }
        };
        if !entry.is_file() || !entry.name().ends_with(".json") {
            continue;
        }
        let entry_name = format!("{name}!{}", entry.name());
        // The size in the header is the archive's word, not a fact: read within limits.
        let bytes = match feeds::read_limited(std::io::BufReader::new(&mut entry), MAX_OSV_ENTRY) {
            Ok(b) => b,
            Err(e) => {
                out.problems.push(Problem::new(
                    Location::file(entry_name),
                    format!("zip entry: {e}; entry skipped"),
                ));
                continue;
            }
        };
        total += bytes.len() as u64;
        if total > feeds::MAX_FEED_BYTES {
            out.problems.push(Problem::new(
                Location::file(entry_name),
                format!(
                    "archive inflates to more than {} bytes; the rest is skipped",
                    feeds::MAX_FEED_BYTES
                ),
            ));
            break;
        }
        out.extend(import_bytes(FeedKind::Osv, &bytes, &entry_name, None));
    }
    Ok(out)
}
