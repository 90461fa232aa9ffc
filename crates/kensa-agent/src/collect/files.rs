//! File-based facts: configuration files, permissions, kernels, and live sysctls.
use std::collections::BTreeMap;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use kensa_telemetry::{FileMode, Warning, CONFIG_FILES, CONFIG_GLOBS, PERMISSION_PATHS, SYSCTLS};

use super::sshd::host_path;

/// Configuration files are small; a larger one is reported, not read.
const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// The contents of [`CONFIG_FILES`] and [`CONFIG_GLOBS`] that exist under `root`.
pub fn config_files(root: &Path, warnings: &mut Vec<Warning>) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let mut paths: Vec<String> = CONFIG_FILES.iter().map(|p| p.to_string()).collect();
    for (dir, suffix) in CONFIG_GLOBS {
        let Ok(entries) = std::fs::read_dir(root.join(&dir[1..])) else {
            continue; // absent directory: nothing configured there
        };
        paths.extend(
            entries
                .flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file() || t.is_symlink()))
                .map(|e| format!("{dir}/{}", e.file_name().to_string_lossy()))
                .filter(|p| p.ends_with(suffix)),
        );
    }
    for path in paths {
        let on_disk = root.join(&path[1..]);
        match read_small(&on_disk) {
            Ok(Some(text)) => {
                files.insert(path, text);
            }
            Ok(None) => {}
            Err(reason) => warnings.push(Warning::new(path, reason)),
        }
    }
    files
}

/// `Ok(None)` when the file does not exist.
fn read_small(path: &Path) -> Result<Option<String>, String> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    if meta.len() > MAX_CONFIG_BYTES {
        return Err(format!(
            "larger than {MAX_CONFIG_BYTES} bytes; not collected"
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
}

/// Owner and mode of [`PERMISSION_PATHS`] that exist (symlinks not followed).
pub fn permissions(root: &Path, warnings: &mut Vec<Warning>) -> Vec<FileMode> {
    let mut out = Vec::new();
    for entry in PERMISSION_PATHS {
        if let Some(dir) = entry.strip_suffix("/*") {
            let Ok(children) = std::fs::read_dir(root.join(&dir[1..])) else {
                continue;
            };
            let mut children: Vec<_> = children.flatten().map(|c| c.path()).collect();
            children.sort();
            out.extend(children.iter().filter_map(|c| mode_of(root, c, warnings)));
        } else {
            out.extend(mode_of(root, &root.join(&entry[1..]), warnings));
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out.dedup_by(|a, b| a.path == b.path);
    out
}

fn mode_of(root: &Path, path: &Path, warnings: &mut Vec<Warning>) -> Option<FileMode> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => {
            warnings.push(Warning::new(host_path(root, path), e.to_string()));
            return None;
        }
    };
    let t = meta.file_type();
    let kind = match () {
        _ if t.is_symlink() => "symlink",
        _ if t.is_dir() => "dir",
        _ if t.is_file() => "file",
        _ => "other",
    };
    Some(FileMode {
        path: host_path(root, path),
        mode: meta.permissions().mode() & 0o7777,
        uid: meta.uid(),
        gid: meta.gid(),
        kind: kind.into(),
    })
}

/// [`SYSCTLS`] from /proc/sys; a parameter this kernel lacks is left out.
pub fn sysctls(proc: &Path, warnings: &mut Vec<Warning>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for name in SYSCTLS {
        let path = proc.join("sys").join(name.replace('.', "/"));
        match std::fs::read_to_string(&path) {
            Ok(v) => {
                out.insert(
                    name.to_string(),
                    v.split_whitespace().collect::<Vec<_>>().join(" "),
                );
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => warnings.push(Warning::new(path.display().to_string(), e.to_string())),
        }
    }
    out
}

/// Kernel releases with a modules directory under the root, sorted and deduplicated
/// (/lib is often a link to /usr/lib).
pub fn installed_kernels(root: &Path) -> Vec<String> {
    let mut out: Vec<String> = ["lib/modules", "usr/lib/modules"]
        .iter()
        .filter_map(|d| std::fs::read_dir(root.join(d)).ok())
        .flat_map(|entries| entries.flatten())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out.dedup();
    out
}
