//! Which package owns a listening program, from fixture roots' package file lists.
use std::path::{Path, PathBuf};

use kensa_inventory::{owners::owners, scan_root, PackageKind, ScanOptions};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/owners")
        .join(name)
}

fn owners_in(root: &Path, paths: &[&str]) -> Vec<(String, String, String, String)> {
    let inv = scan_root(root, &ScanOptions::default()).unwrap();
    let paths: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
    let mut problems = Vec::new();
    let found = owners(root, &paths, &inv.packages, &mut problems);
    assert!(problems.is_empty(), "{problems:?}");
    found
        .into_iter()
        .map(|(path, p)| {
            assert!(matches!(p.kind, PackageKind::Deb | PackageKind::Apk));
            (path, p.name, p.version, p.arch)
        })
        .collect()
}

fn row(path: &str, name: &str, version: &str, arch: &str) -> (String, String, String, String) {
    (path.into(), name.into(), version.into(), arch.into())
}

#[test]
fn dpkg_file_lists_name_the_owner_with_usr_merge_and_multiarch() {
    let found = owners_in(
        &fixture("dpkg"),
        &[
            "/usr/sbin/sshd",
            "/usr/bin/bash",
            "/usr/lib64/ld-linux-x86-64.so.2",
            // Listed only by a removed package (config-files): no installed owner.
            "/usr/sbin/ghostd",
            "/opt/custom/bin/app",
        ],
    );
    assert_eq!(
        found,
        [
            row("/usr/bin/bash", "bash", "5.2.15-2+b7", "amd64"),
            row(
                "/usr/lib64/ld-linux-x86-64.so.2",
                "libc6",
                "2.36-9+deb12u9",
                "amd64"
            ),
            row(
                "/usr/sbin/sshd",
                "openssh-server",
                "1:9.2p1-2+deb12u3",
                "amd64"
            ),
        ]
    );
}

#[test]
fn apk_database_file_lines_name_the_owner() {
    let found = owners_in(
        &fixture("apk"),
        &[
            "/usr/sbin/sshd",
            "/usr/bin/busybox",
            "/bin/busybox",
            "/usr/sbin/nginx",
        ],
    );
    assert_eq!(
        found,
        [
            row("/bin/busybox", "busybox", "1.36.1-r15", "x86_64"),
            // /usr-merge spelling of the same file.
            row("/usr/bin/busybox", "busybox", "1.36.1-r15", "x86_64"),
            row("/usr/sbin/sshd", "openssh-server", "9.6_p1-r0", "x86_64"),
        ]
    );
}

#[test]
fn a_root_without_package_file_lists_owns_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut problems = Vec::new();
    let found = owners(dir.path(), &["/usr/sbin/sshd".into()], &[], &mut problems);
    assert!(found.is_empty());
    assert!(problems.is_empty());
}
