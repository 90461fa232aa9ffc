//! What is installed on a host: OS identity, OS packages (dpkg, rpm, apk) and language
//! packages (Python, npm, RubyGems, Java jars), read from a root directory or from an
//! inventory JSON file; and the package managers' version schemes.
//!
//! This crate reads local files only: no HTTP client, no advisory database, no archive
//! code (kensa-agent links it). rpm's own database format since rpm 4.16 is SQLite
//! (`rpmdb.sqlite`), so rusqlite (bundled SQLite) is a dependency.
//!
//! The per-format readers are public modules because their entry points are used on their
//! own (`kensa vuln inventory --rpm-qa` parses `rpm -qa` output; the fuzz tests feed each
//! parser directly); everything else is reached through the re-exports below.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub mod apk;
pub mod bdb;
pub mod dpkg;
mod error;
mod jar;
mod lang;
mod os;
pub mod owners;
pub mod rpm;
mod rpm_files;
pub mod version;

pub use error::{Error, Location, Problem, Result};
pub use kensa_telemetry::{InstalledPackage, OsInfo, PackageKind};
pub use lang::normalise_pypi_name;
pub use version::{ordering_symbol, Scheme};

/// A host's inventory. This is also the `--inventory FILE` format.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Inventory {
    /// Resource id for findings (instance id or host name).
    #[serde(default)]
    pub host: String,
    /// The distribution from `os-release`; `None` when the root has none, and then
    /// advisories cannot be chosen by distribution.
    #[serde(default)]
    pub os: Option<OsInfo>,
    /// OS and language packages, sorted and without duplicates.
    #[serde(default)]
    pub packages: Vec<InstalledPackage>,
    /// Items that could not be read (skipped), with where and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
}

impl Inventory {
    /// Loads an inventory JSON file.
    pub fn load(path: &Path) -> Result<Inventory> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        serde_json::from_slice(&bytes).map_err(|e| {
            Error::parse(
                Location::line(path.display().to_string(), e.line()),
                format!("invalid inventory JSON (column {}): {e}", e.column()),
            )
        })
    }

    fn sort(&mut self) {
        self.packages.sort();
        self.packages.dedup();
        self.problems.sort();
    }
}

/// Options for scanning a root directory.
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// Also walk the filesystem for language packages.
    pub language_packages: bool,
}

/// Reads everything from a mounted root (`/` for this machine).
pub fn scan_root(root: &Path, opts: &ScanOptions) -> Result<Inventory> {
    if !root.is_dir() {
        return Err(Error::Usage(format!("{}: not a directory", root.display())));
    }
    let mut inv = Inventory {
        host: host_name(root),
        os: os::read(root, &mut Vec::new()),
        ..Default::default()
    };
    // Each source is independent: one that cannot be read is a problem, and the others
    // are still scanned.
    let mut problems = Vec::new();
    let dpkg = root.join("var/lib/dpkg/status");
    if dpkg.is_file() {
        let found = dpkg::read_status(&dpkg, &mut problems);
        keep(
            found,
            &dpkg,
            "dpkg status",
            &mut inv.packages,
            &mut problems,
        );
    }
    let apk_db = root.join("lib/apk/db/installed");
    if apk_db.is_file() {
        let found = apk::read_installed(&apk_db, &mut problems);
        keep(
            found,
            &apk_db,
            "apk database",
            &mut inv.packages,
            &mut problems,
        );
    }
    if let Some(rpmdb) = rpm_sqlite(root) {
        let found = rpm::read_sqlite(&rpmdb, &mut problems);
        keep(
            found,
            &rpmdb,
            "rpm database",
            &mut inv.packages,
            &mut problems,
        );
    } else if root.join(RPM_BDB).is_file() {
        // A Packages file that cannot be read at all costs its packages, not the scan.
        let path = root.join(RPM_BDB);
        match rpm::read_bdb(&path, &mut problems) {
            Ok(packages) => inv.packages.extend(packages),
            Err(e) => problems.push(Problem::new(
                Location::file(path.display().to_string()),
                match e {
                    Error::RpmDb { message, .. } => format!(
                        "Berkeley DB rpm database not read: {message}; \
                         give `rpm -qa` output with --rpm-qa"
                    ),
                    Error::Io { source, .. } => format!("cannot read: {source}"),
                    e => e.to_string(),
                },
            )),
        }
    }
    if opts.language_packages {
        inv.packages.extend(lang::scan(root, &mut problems));
    }
    inv.problems = problems;
    inv.sort();
    Ok(inv)
}

/// Adds a source's packages, or records why it could not be read (its packages are
/// then missing from the inventory, which the problem says).
fn keep(
    found: Result<Vec<InstalledPackage>>,
    path: &Path,
    what: &str,
    packages: &mut Vec<InstalledPackage>,
    problems: &mut Vec<Problem>,
) {
    match found {
        Ok(found) => packages.extend(found),
        Err(e) => problems.push(Problem::new(
            Location::file(path.display().to_string()),
            format!("{what} not read ({e}); its packages are missing, other sources were scanned"),
        )),
    }
}

/// The Berkeley DB rpm database (rpm before 4.16); `rpmdb.sqlite` wins when both exist.
pub(crate) const RPM_BDB: &str = "var/lib/rpm/Packages";

pub(crate) fn rpm_sqlite(root: &Path) -> Option<PathBuf> {
    [
        "var/lib/rpm/rpmdb.sqlite",
        "usr/lib/sysimage/rpm/rpmdb.sqlite",
    ]
    .into_iter()
    .map(|p| root.join(p))
    .find(|p| p.is_file())
}

fn host_name(root: &Path) -> String {
    std::fs::read_to_string(root.join("etc/hostname"))
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

/// Splits text into blank-line separated stanzas of `Key: value` lines, with the line
/// number each stanza starts on. Continuation lines (leading space) are skipped. A second
/// `start_key` line in a stanza starts a new one (a file edited without blank lines must
/// not lose packages); the lines where that happened go to `unseparated`.
pub(crate) fn stanzas<'t>(
    text: &'t str,
    start_key: &str,
    unseparated: &mut Vec<usize>,
) -> Vec<(usize, Vec<(&'t str, &'t str)>)> {
    let mut out = Vec::new();
    let mut cur: Vec<(&str, &str)> = Vec::new();
    let mut start = 1;
    for (n, line) in text.lines().enumerate() {
        if line
            .split_once(':')
            .is_some_and(|(k, _)| k.trim() == start_key)
            && cur.iter().any(|(k, _)| *k == start_key)
        {
            out.push((start, std::mem::take(&mut cur)));
            unseparated.push(n + 1);
            start = n + 1;
        }
        if line.trim().is_empty() {
            if !cur.is_empty() {
                out.push((start, std::mem::take(&mut cur)));
            }
            start = n + 2;
            continue;
        }
        if line.starts_with([' ', '\t']) {
            continue;
        }
        if let Some((k, v)) = line.split_once(':') {
            cur.push((k.trim(), v.trim()));
        }
    }
    if !cur.is_empty() {
        out.push((start, cur));
    }
    out
}

pub(crate) fn field<'a>(stanza: &[(&'a str, &'a str)], key: &str) -> Option<&'a str> {
    stanza.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}
