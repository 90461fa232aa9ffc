//! Finding the JSON files of a snapshot directory and the scope each one belongs to.
//!
//! Accepted layouts (the directory given may be any of the folders named here):
//!
//! * `<snapshot>/aws_configs/<region>/*.json` and
//!   `<snapshot>/aws_configs/accounts/<account>/<region>/*.json` (Batfish's layout and
//!   kensa's collector); also `*.json` directly in `aws_configs` (region unknown).
//! * CloudMapper: `account-data/<name>/<region>/<service>-<call>.json`, or one
//!   `<name>` folder of it.
//!
//! A file is recognised by its top-level key, never by its name. Files without a `.json`
//! extension (CloudMapper's per-resource outputs such as
//! `elbv2-describe-load-balancer-attributes/<arn>`) are not needed for reachability and
//! are reported once per folder. Hidden files and folders are ignored.
use std::collections::BTreeMap;
use std::path::{Component, Path};

use walkdir::WalkDir;

use super::parse::is_account_id;
use super::{Builder, Document, LoadError, LoadOptions};
use crate::snapshot::{Scope, Warning};

/// Reads every file under the snapshot root of `dir` into `builder`.
pub(crate) fn walk(
    dir: &Path,
    options: &LoadOptions,
    builder: &mut Builder,
) -> Result<(), LoadError> {
    let meta = std::fs::metadata(dir).map_err(|source| LoadError::ReadDir {
        path: dir.to_path_buf(),
        source,
    })?;
    if !meta.is_dir() {
        return Err(LoadError::NotADirectory {
            path: dir.to_path_buf(),
        });
    }
    std::fs::read_dir(dir).map_err(|source| LoadError::ReadDir {
        path: dir.to_path_buf(),
        source,
    })?;
    let root = ["aws_configs", "account-data"]
        .iter()
        .map(|sub| dir.join(sub))
        .find(|p| p.is_dir())
        .unwrap_or_else(|| dir.to_path_buf());
    let context = context_components(&root);
    let mut skipped: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // Symlinks are followed only while they stay inside the directory given: one to `/`
    // would otherwise walk the whole filesystem.
    let inside = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut escaping: Vec<(String, String)> = Vec::new();
    let walker = WalkDir::new(&root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.') {
                return false;
            }
            if !e.path_is_symlink() {
                return true;
            }
            match std::fs::canonicalize(e.path()) {
                Ok(target) if target.starts_with(&inside) => true,
                Ok(target) => {
                    escaping.push((label_of(dir, e.path()), target.display().to_string()));
                    false
                }
                Err(_) => true,
            }
        });
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let label = e.path().map(|p| label_of(dir, p)).unwrap_or_default();
                builder.warn(Warning::error(
                    label,
                    "",
                    format!("cannot read: {e}; skipped"),
                ));
                continue;
            }
        };
        let path = entry.path();
        let label = label_of(dir, path);
        if entry.file_type().is_dir() {
            continue;
        }
        if !entry.file_type().is_file() {
            let msg = "not a regular file (a device, FIFO or socket); file skipped";
            builder.warn(Warning::error(label, "", msg));
            continue;
        }
        let json = path
            .extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case("json"));
        if !json && !super::is_gzip_name(path) {
            let folder = path.parent().map(|p| label_of(dir, p)).unwrap_or_default();
            let name = entry.file_name().to_string_lossy().into_owned();
            skipped.entry(folder).or_default().push(name);
            continue;
        }
        let rel_dirs = path
            .parent()
            .and_then(|p| p.strip_prefix(&root).ok())
            .map(components)
            .unwrap_or_default();
        let scope = layout_scope(context.iter().chain(rel_dirs.iter()).map(String::as_str));
        match super::read_file(path, options.max_file_size) {
            Ok(bytes) => builder.add_document(&Document::owned(label, scope, bytes)),
            Err(e) => builder.warn(Warning::error(label, "", format!("{e}; file skipped"))),
        }
    }
    for (label, target) in escaping {
        let msg = format!("symbolic link to {target}, outside the snapshot directory; skipped");
        builder.warn(Warning::error(label, "", msg));
    }
    for (folder, names) in skipped {
        builder.warn(skipped_warning(folder, &names));
    }
    Ok(())
}

fn skipped_warning(folder: String, names: &[String]) -> Warning {
    let examples: Vec<&str> = names.iter().take(3).map(String::as_str).collect();
    let more = if names.len() > 3 { ", ..." } else { "" };
    let msg = format!(
        "skipped {} file(s) without a .json extension ({}{more}): not describe-* output \
         that reachability needs",
        names.len(),
        examples.join(", ")
    );
    let folder = if folder.is_empty() {
        ".".to_string()
    } else {
        folder
    };
    Warning::info(folder, "", msg)
}

/// `path` relative to the directory the user gave, with `/` separators.
fn label_of(dir: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(dir).unwrap_or(path);
    components(rel).join("/")
}

fn components(path: &Path) -> Vec<String> {
    path.components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect()
}

/// The last few folder names above and including the root: they say the scope when the
/// user points at `accounts/<id>/<region>` or a region folder directly.
fn context_components(root: &Path) -> Vec<String> {
    let absolute = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let all = components(&absolute);
    all[all.len().saturating_sub(3)..].to_vec()
}

/// Account and region from folder names: a region-shaped name gives the region; a name
/// after `accounts`, or a 12-digit name, gives the account. The deepest match wins.
pub(crate) fn layout_scope<'a>(folders: impl Iterator<Item = &'a str>) -> Scope {
    let mut scope = Scope::default();
    let mut previous = "";
    for name in folders {
        if is_region(name) {
            scope.region = name.to_string();
        } else if previous == "accounts" || is_account_id(name) {
            scope.account = name.to_string();
        }
        previous = name;
    }
    scope
}

/// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `ap-southeast-4`, `cn-northwest-1`, ...
pub fn is_region(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    if parts.len() < 3 {
        return false;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    let middle = &parts[1..parts.len() - 1];
    let lower = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase());
    let direction = |s: &str| {
        ["north", "south", "east", "west", "central"]
            .iter()
            .any(|d| s.contains(d))
    };
    first.len() == 2
        && lower(first)
        && !last.is_empty()
        && last.len() <= 2
        && last.bytes().all(|b| b.is_ascii_digit())
        && middle.iter().all(|s| lower(s))
        && middle.iter().any(|s| direction(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_recognised() {
        for r in [
            "us-east-1",
            "eu-central-2",
            "us-gov-west-1",
            "ap-southeast-4",
            "cn-northwest-1",
        ] {
            assert!(is_region(r), "{r}");
        }
        for r in [
            "aws_configs",
            "my-dir-1",
            "test-public-subnet",
            "us-east",
            "accounts",
            "us-east-a",
        ] {
            assert!(!is_region(r), "{r}");
        }
    }

    #[test]
    fn scope_from_layouts() {
        let s = layout_scope(["aws_configs", "us-west-2"].into_iter());
        assert_eq!((s.account.as_str(), s.region.as_str()), ("", "us-west-2"));
        let s = layout_scope(["aws_configs", "accounts", "prod", "eu-west-1"].into_iter());
        assert_eq!(
            (s.account.as_str(), s.region.as_str()),
            ("prod", "eu-west-1")
        );
        let s = layout_scope(["snap", "111122223333", "us-east-1"].into_iter());
        assert_eq!(s.account, "111122223333");
        let s = layout_scope(["account-data", "demo", "us-east-1"].into_iter());
        assert_eq!((s.account.as_str(), s.region.as_str()), ("", "us-east-1"));
    }
}
