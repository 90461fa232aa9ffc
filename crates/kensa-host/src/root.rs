//! Facts from a mounted root filesystem: configuration files, owners and modes, installed
//! packages. Symlinks are resolved inside the root (an absolute link target names a path
//! of the scanned system, never of the scanning one). No runtime state.
use std::collections::BTreeSet;
use std::os::unix::fs::MetadataExt;
use std::path::{Component, Path, PathBuf};

use crate::error::HostError;
use crate::facts::{FileMode, HostFacts, Origin};

/// Configuration files read when present.
const FILES: &[&str] = &[
    "/etc/os-release",
    "/usr/lib/os-release",
    "/etc/login.defs",
    "/etc/pam.d/common-password",
    "/etc/pam.d/system-auth",
    "/etc/pam.d/password-auth",
    "/etc/security/pwquality.conf",
    "/etc/ssh/sshd_config",
    "/etc/fstab",
    "/etc/sysctl.conf",
    "/etc/passwd",
    "/etc/shadow",
    "/etc/group",
    "/etc/default/grub",
];

/// Directories whose `*.conf` files are read.
const CONF_DIRS: &[&str] = &[
    "/etc/sysctl.d",
    "/run/sysctl.d",
    "/usr/lib/sysctl.d",
    "/etc/ssh/sshd_config.d",
    "/etc/security/pwquality.conf.d",
];

/// Paths whose owner and mode are read.
pub const MODE_PATHS: &[&str] = &[
    "/etc/passwd",
    "/etc/shadow",
    "/etc/group",
    "/etc/gshadow",
    "/etc/ssh/sshd_config",
    "/tmp",
    "/var/tmp",
    "/bin",
    "/sbin",
    "/usr/bin",
    "/usr/sbin",
    "/usr/local/bin",
    "/usr/local/sbin",
    "/lib",
    "/lib64",
    "/usr/lib",
    "/usr/lib64",
    "/etc",
    "/boot",
    "/etc/systemd/system/local-fs.target.wants/tmp.mount",
    "/usr/lib/systemd/system/local-fs.target.wants/tmp.mount",
];

/// Reads a mounted root's facts.
pub fn read(root: &Path) -> Result<HostFacts, HostError> {
    if !root.is_dir() {
        return Err(HostError::NotADirectory(root.to_path_buf()));
    }
    let mut facts = HostFacts::empty(Origin::Root {
        path: root.display().to_string(),
    });
    for path in FILES {
        read_file(root, path, &mut facts);
    }
    for dir in CONF_DIRS {
        read_conf_dir(root, dir, &mut facts);
    }
    read_boot_configs(root, &mut facts);
    for path in MODE_PATHS {
        read_mode(root, path, &mut facts);
    }
    let os = facts
        .files
        .get("/etc/os-release")
        .or_else(|| facts.files.get("/usr/lib/os-release"))
        .cloned()
        .unwrap_or_default();
    facts.os_release = parse_os_release(&os);
    facts.sshd = crate::sshd::parse(&facts.files, &mut facts.warnings);
    read_packages(root, &mut facts);
    Ok(facts)
}

/// `KEY=value` lines, quotes removed.
pub fn parse_os_release(text: &str) -> std::collections::BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().trim_matches('"').to_string()))
        .collect()
}

/// `path` (absolute, of the scanned system) resolved inside `root`, following symlinks
/// as the scanned system would; `None` on a loop.
fn resolve(root: &Path, path: &str) -> Option<PathBuf> {
    let mut pending: Vec<String> = path
        .split('/')
        .filter(|c| !c.is_empty())
        .rev()
        .map(String::from)
        .collect();
    let mut inside: Vec<String> = Vec::new();
    let mut hops = 0;
    while let Some(c) = pending.pop() {
        match c.as_str() {
            "." => continue,
            ".." => {
                inside.pop();
                continue;
            }
            _ => {}
        }
        let candidate: PathBuf = root.join(inside.iter().chain([&c]).collect::<PathBuf>());
        if !is_link(&candidate) {
            inside.push(c);
            continue;
        }
        hops += 1;
        if hops > 40 {
            return None;
        }
        let target = std::fs::read_link(&candidate).ok()?;
        if target.is_absolute() {
            inside.clear();
        }
        let parts: Vec<String> = target
            .components()
            .filter_map(|c| match c {
                Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
                Component::ParentDir => Some("..".into()),
                _ => None,
            })
            .collect();
        pending.extend(parts.into_iter().rev());
    }
    Some(root.join(inside.iter().collect::<PathBuf>()))
}

fn is_link(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink())
}

fn read_file(root: &Path, path: &str, facts: &mut HostFacts) {
    facts.files_examined.insert(path.to_string());
    let Some(real) = resolve(root, path) else {
        facts.warnings.push(format!("{path}: symlink loop"));
        return;
    };
    match std::fs::read(&real) {
        Ok(bytes) => {
            facts.files.insert(
                path.to_string(),
                String::from_utf8_lossy(&bytes).into_owned(),
            );
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            facts.files_examined.remove(path);
            facts.warnings.push(format!("{path}: {e}"));
        }
    }
}

fn read_conf_dir(root: &Path, dir: &str, facts: &mut HostFacts) {
    let Some(real) = resolve(root, dir) else {
        facts.warnings.push(format!("{dir}: symlink loop"));
        return;
    };
    let entries = match std::fs::read_dir(&real) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            facts.dirs_examined.insert(dir.to_string());
            return;
        }
        Err(e) => {
            facts.warnings.push(format!("{dir}: {e}"));
            return;
        }
    };
    let names: BTreeSet<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".conf"))
        .collect();
    facts.dirs_examined.insert(dir.to_string());
    for name in names {
        read_file(root, &format!("{dir}/{name}"), facts);
    }
}

/// /boot/config-* (the installed kernels' build configuration) and /lib/modules names.
fn read_boot_configs(root: &Path, facts: &mut HostFacts) {
    let mut kernels = BTreeSet::new();
    for dir in ["/lib/modules", "/usr/lib/modules"] {
        if let Some(entries) = resolve(root, dir).and_then(|d| std::fs::read_dir(d).ok()) {
            kernels.extend(
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned()),
            );
        }
    }
    if let Some(entries) = resolve(root, "/boot").and_then(|d| std::fs::read_dir(d).ok()) {
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("config-"))
            .collect();
        names.sort();
        for n in names {
            kernels.insert(n["config-".len()..].to_string());
            read_file(root, &format!("/boot/{n}"), facts);
        }
    }
    facts.kernels_installed = kernels.into_iter().collect();
}

fn read_mode(root: &Path, path: &str, facts: &mut HostFacts) {
    let Some(real) = resolve(root, path) else {
        facts.warnings.push(format!("{path}: symlink loop"));
        return;
    };
    match std::fs::symlink_metadata(&real) {
        Ok(m) => {
            let t = m.file_type();
            let kind = if t.is_dir() {
                "dir"
            } else if t.is_file() {
                "file"
            } else if t.is_symlink() {
                "symlink"
            } else {
                "other"
            };
            facts.modes_examined.insert(path.to_string());
            facts.modes.insert(
                path.to_string(),
                FileMode {
                    mode: m.mode() & 0o7777,
                    uid: m.uid(),
                    gid: m.gid(),
                    kind: kind.into(),
                },
            );
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            facts.modes_examined.insert(path.to_string());
        }
        Err(e) => facts.warnings.push(format!("{path}: {e}")),
    }
}

fn read_packages(root: &Path, facts: &mut HostFacts) {
    let dbs = [
        "var/lib/dpkg/status",
        "lib/apk/db/installed",
        "var/lib/rpm",
        "usr/lib/sysimage/rpm",
    ];
    if !dbs.iter().any(|d| root.join(d).exists()) {
        facts
            .warnings
            .push("no package database (dpkg, rpm or apk) under the root".into());
        return;
    }
    match kensa_vuln::inventory::scan_root(root, &Default::default()) {
        Ok(inv) => {
            for p in &inv.problems {
                facts.warnings.push(format!("packages: {p:?}"));
            }
            facts.packages = Some(inv.packages.into_iter().map(|p| p.name).collect());
        }
        Err(e) => facts.warnings.push(format!("packages: {e}")),
    }
}
