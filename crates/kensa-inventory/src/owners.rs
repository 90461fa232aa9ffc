//! Which installed OS package owns a file, from the package managers' own file lists
//! under a root, with no package manager run: dpkg's `var/lib/dpkg/info/*.list`, apk's
//! `lib/apk/db/installed` (`F:` directory, `R:` file lines) and the rpm database's headers
//! (`rpmdb.sqlite` or Berkeley DB `Packages`; SUSE's `Packages.db` format is not read,
//! and its files stay unowned with a problem saying so).
//!
//! `/usr`-merged systems (Debian 12, Ubuntu, Fedora, Amazon Linux 2023) install `/bin`,
//! `/sbin` and `/lib*` as links into `/usr`, so a package may list `/bin/bash` while the
//! kernel reports the executable as `/usr/bin/bash`. An exact path wins; otherwise the
//! other spelling of a merged directory is tried.
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use kensa_telemetry::OwningPackage;

use crate::error::{Location, Problem};
use crate::{InstalledPackage, PackageKind};

/// Top-level directories that `/usr`-merge turns into links to `/usr/<dir>`.
const MERGED_DIRS: [&str; 6] = ["bin", "sbin", "lib", "lib32", "lib64", "libx32"];

/// The owners of `paths` (absolute paths as the running system names them) under `root`.
/// `packages` is the root's inventory: an owner must be an installed package, and its
/// version comes from there. Paths no package owns are absent from the answer; a file
/// list that cannot be read is a problem, and the paths it might own stay unowned.
pub fn owners(
    root: &Path,
    paths: &[String],
    packages: &[InstalledPackage],
    problems: &mut Vec<Problem>,
) -> BTreeMap<String, OwningPackage> {
    let mut wanted: BTreeSet<String> = BTreeSet::new();
    for p in paths {
        wanted.insert(p.clone());
        wanted.extend(merged_alias(p));
    }
    let mut found: BTreeMap<String, OwningPackage> = BTreeMap::new();
    if wanted.is_empty() {
        return found;
    }
    dpkg_lists(root, &wanted, packages, &mut found, problems);
    apk_lists(root, &wanted, &mut found, problems);
    crate::rpm_files::rpm_lists(root, &wanted, &mut found, problems);
    paths
        .iter()
        .filter_map(|p| {
            let owner = found
                .get(p)
                .or_else(|| merged_alias(p).and_then(|a| found.get(&a)))?;
            Some((p.clone(), owner.clone()))
        })
        .collect()
}

/// The other spelling of a path in a `/usr`-merged directory: `/usr/bin/x` ↔ `/bin/x`.
fn merged_alias(path: &str) -> Option<String> {
    MERGED_DIRS.iter().find_map(|d| {
        if let Some(rest) = path.strip_prefix(&format!("/usr/{d}/")) {
            Some(format!("/{d}/{rest}"))
        } else {
            path.strip_prefix(&format!("/{d}/"))
                .map(|rest| format!("/usr/{d}/{rest}"))
        }
    })
}

/// dpkg: one `NAME.list` or `NAME:ARCH.list` per installed package, a path per line.
fn dpkg_lists(
    root: &Path,
    wanted: &BTreeSet<String>,
    packages: &[InstalledPackage],
    found: &mut BTreeMap<String, OwningPackage>,
    problems: &mut Vec<Problem>,
) {
    let dir = root.join("var/lib/dpkg/info");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return; // not a dpkg system
    };
    let mut lists: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "list"))
        .collect();
    lists.sort();
    for list in lists {
        let Some(stem) = list.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let (name, arch) = stem.split_once(':').unwrap_or((stem, ""));
        let installed = packages.iter().find(|p| {
            p.kind == PackageKind::Deb && p.name == name && (arch.is_empty() || p.arch == arch)
        });
        // A list left by a removed package (config-files state) owns nothing installed.
        let Some(pkg) = installed else { continue };
        let text = match std::fs::read(&list) {
            Ok(t) => t,
            Err(e) => {
                problems.push(Problem::new(
                    Location::file(list.display().to_string()),
                    format!("cannot read dpkg file list: {e}; owners of listening programs may be unknown"),
                ));
                continue;
            }
        };
        for line in String::from_utf8_lossy(&text).lines() {
            if wanted.contains(line) && !found.contains_key(line) {
                found.insert(line.to_string(), owning(pkg));
            }
        }
    }
}

/// apk: each package entry's `F:` lines name a directory (without the leading slash),
/// and the `R:` lines after it the files in that directory.
fn apk_lists(
    root: &Path,
    wanted: &BTreeSet<String>,
    found: &mut BTreeMap<String, OwningPackage>,
    problems: &mut Vec<Problem>,
) {
    let db = root.join("lib/apk/db/installed");
    let text = match std::fs::read(&db) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
        Err(e) => {
            problems.push(Problem::new(
                Location::file(db.display().to_string()),
                format!("cannot read apk database: {e}; owners of listening programs are unknown"),
            ));
            return;
        }
    };
    let text = String::from_utf8_lossy(&text);
    let mut pkg = OwningPackage {
        kind: PackageKind::Apk,
        name: String::new(),
        version: String::new(),
        arch: String::new(),
    };
    let mut dir = String::new();
    // Files seen in the current entry, claimed once its P: and V: are known (apk writes
    // them first, but an entry is only complete at its blank line).
    let mut pending: Vec<String> = Vec::new();
    let mut flush = |pkg: &OwningPackage, pending: &mut Vec<String>| {
        for path in pending.drain(..) {
            if !pkg.name.is_empty() && !pkg.version.is_empty() {
                found.entry(path).or_insert_with(|| pkg.clone());
            }
        }
    };
    for line in text.lines() {
        match line.split_once(':') {
            None if line.trim().is_empty() => {
                flush(&pkg, &mut pending);
                pkg.name.clear();
                pkg.version.clear();
                pkg.arch.clear();
                dir.clear();
            }
            Some(("P", v)) => pkg.name = v.to_string(),
            Some(("V", v)) => pkg.version = v.to_string(),
            Some(("A", v)) => pkg.arch = v.to_string(),
            Some(("F", v)) => dir = v.trim_matches('/').to_string(),
            Some(("R", v)) => {
                let path = if dir.is_empty() {
                    format!("/{v}")
                } else {
                    format!("/{dir}/{v}")
                };
                if wanted.contains(&path) {
                    pending.push(path);
                }
            }
            _ => {}
        }
    }
    flush(&pkg, &mut pending);
}

pub(crate) fn owning(p: &InstalledPackage) -> OwningPackage {
    OwningPackage {
        kind: p.kind,
        name: p.name.clone(),
        version: p.version.clone(),
        arch: p.arch.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_directories_have_two_spellings() {
        assert_eq!(merged_alias("/usr/bin/bash").as_deref(), Some("/bin/bash"));
        assert_eq!(
            merged_alias("/sbin/sshd").as_deref(),
            Some("/usr/sbin/sshd")
        );
        assert_eq!(
            merged_alias("/lib64/ld.so").as_deref(),
            Some("/usr/lib64/ld.so")
        );
        assert_eq!(merged_alias("/usr/local/bin/x"), None);
        assert_eq!(merged_alias("/opt/app/bin/x"), None);
    }
}
