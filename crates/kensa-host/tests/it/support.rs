//! Fixture hosts: root trees under tests/fixtures/roots, materialized into a temporary
//! directory with the modes (and owners) of `<name>.modes` applied, since git keeps only
//! 0644/0755.
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use kensa_host::{HostFacts, Package, ScanReport};

pub const ROOTS: &[&str] = &["hardened", "weak", "minimal"];
pub const TELEMETRY: &[&str] = &["telemetry-hardened", "telemetry-weak"];

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// True when running as root, which setting fixture owners needs.
pub fn is_root() -> bool {
    std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false)
}

/// A copy of fixture root `name` with its modes applied.
pub fn materialize(name: &str) -> tempfile::TempDir {
    let src = fixtures().join("roots").join(name);
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(&src, dir.path());
    let modes = std::fs::read_to_string(fixtures().join("roots").join(format!("{name}.modes")))
        .expect("modes manifest");
    for line in modes
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let f: Vec<&str> = line.split_whitespace().collect();
        let path = dir.path().join(f[0].trim_start_matches('/'));
        let mode = u32::from_str_radix(f[1], 8).expect("octal mode");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if f.len() == 4 && is_root() {
            let (uid, gid) = (f[2].parse().unwrap(), f[3].parse().unwrap());
            std::os::unix::fs::chown(&path, Some(uid), Some(gid)).expect("chown");
        }
    }
    dir
}

fn copy_tree(src: &Path, dst: &Path) {
    for entry in std::fs::read_dir(src).expect("fixture dir") {
        let entry = entry.unwrap();
        let to = dst.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
            std::fs::set_permissions(&to, std::fs::Permissions::from_mode(0o755)).unwrap();
            copy_tree(&entry.path(), &to);
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
            std::fs::set_permissions(&to, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
    }
}

/// Scans a fixture host (a root name or a telemetry name) with every package.
pub fn scan_fixture(name: &str) -> ScanReport {
    let facts = if let Some(stem) = TELEMETRY.iter().find(|t| **t == name) {
        HostFacts::from_telemetry_file(&fixtures().join(format!("{stem}.json"))).expect("telemetry")
    } else {
        let dir = materialize(name);
        HostFacts::from_root(dir.path()).expect("root")
    };
    kensa_host::scan(&facts, &Package::ALL)
}
