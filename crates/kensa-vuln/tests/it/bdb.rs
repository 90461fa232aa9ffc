//! The Berkeley DB rpm database (Amazon Linux 2): real files written by db5.3_load
//! (`tests/fixtures/make_bdb.sh`), compared with the rpmdb.sqlite holding the same
//! headers; corrupt copies give problems, never a panic.
use std::path::{Path, PathBuf};

use kensa_vuln::inventory::bdb::HashDb;
use kensa_vuln::inventory::{rpm, scan_root, InstalledPackage, ScanOptions};
use proptest::prelude::*;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn packages_le() -> PathBuf {
    fixtures().join("amzn2-root/var/lib/rpm/Packages")
}

fn sqlite() -> PathBuf {
    fixtures().join("amzn2023-root/var/lib/rpm/rpmdb.sqlite")
}

fn read_bdb(path: &Path) -> (Vec<InstalledPackage>, Vec<String>) {
    let mut problems = Vec::new();
    let mut pkgs = rpm::read_bdb(path, &mut problems).unwrap();
    pkgs.sort();
    (pkgs, problems.iter().map(|p| p.to_string()).collect())
}

fn nv(pkgs: &[InstalledPackage]) -> Vec<(&str, &str, &str)> {
    pkgs.iter()
        .map(|p| (p.name.as_str(), p.version.as_str(), p.arch.as_str()))
        .collect()
}

#[test]
fn header_blobs_are_the_sqlite_ones_byte_for_byte() {
    let conn =
        rusqlite::Connection::open_with_flags(sqlite(), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let mut stmt = conn.prepare("SELECT hnum, blob FROM Packages").unwrap();
    let sqlite_blobs: Vec<(u32, Vec<u8>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(sqlite_blobs.len(), 3);
    for path in [packages_le(), fixtures().join("bdb/Packages-be")] {
        let bytes = std::fs::read(&path).unwrap();
        let db = HashDb::open(&bytes).unwrap();
        let mut problems = Vec::new();
        let records = db.records(&mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        for (hnum, blob) in &sqlite_blobs {
            let key = match db.big_endian() {
                true => hnum.to_be_bytes(),
                false => hnum.to_le_bytes(),
            };
            let found: Vec<_> = records.iter().filter(|r| r.key == key).collect();
            assert_eq!(found.len(), 1, "{} package {hnum}", path.display());
            assert_eq!(&found[0].value, blob, "{} package {hnum}", path.display());
        }
    }
}

#[test]
fn packages_equal_the_sqlite_ones_plus_the_small_headers() {
    let mut problems = Vec::new();
    let mut from_sqlite = rpm::read_sqlite(&sqlite(), &mut problems).unwrap();
    from_sqlite.sort();
    let (le, le_problems) = read_bdb(&packages_le());
    let (be, be_problems) = read_bdb(&fixtures().join("bdb/Packages-be"));
    assert!(problems.is_empty() && le_problems.is_empty() && be_problems.is_empty());
    assert_eq!(le, be);
    let extra: Vec<InstalledPackage> = le
        .iter()
        .filter(|p| !from_sqlite.contains(p))
        .cloned()
        .collect();
    assert_eq!(le.len(), from_sqlite.len() + extra.len());
    assert_eq!(
        nv(&extra),
        [
            ("bash", "4.2.46-34.amzn2", "x86_64"),
            ("openssl", "1:1.0.2k-24.amzn2.0.4", "x86_64"),
        ]
    );
    assert_eq!(extra[1].source_name.as_deref(), Some("openssl"));
}

#[test]
fn amazon_linux_2_root_is_inventoried() {
    let inv = scan_root(&fixtures().join("amzn2-root"), &ScanOptions::default()).unwrap();
    let os = inv.os.as_ref().unwrap();
    assert_eq!((os.id.as_str(), os.version_id.as_str()), ("amzn", "2"));
    assert_eq!(inv.host, "i-0fixture0000000002");
    assert!(inv.problems.is_empty(), "{:?}", inv.problems);
    assert_eq!(
        nv(&inv.packages),
        [
            ("bash", "4.2.46-34.amzn2", "x86_64"),
            ("curl-minimal", "8.3.0-1.amzn2023.0.1", "noarch"),
            ("openssl", "1:1.0.2k-24.amzn2.0.4", "x86_64"),
            ("openssl-libs", "1:3.0.8-1.amzn2023.0.9", "noarch"),
            ("tildepkg", "2.0~rc1-1.amzn2023", "noarch"),
        ]
    );
}

#[test]
fn rpmdb_sqlite_wins_when_both_layouts_exist() {
    let tmp = tempfile::tempdir().unwrap();
    let rpmdir = tmp.path().join("var/lib/rpm");
    std::fs::create_dir_all(&rpmdir).unwrap();
    std::fs::copy(sqlite(), rpmdir.join("rpmdb.sqlite")).unwrap();
    std::fs::copy(packages_le(), rpmdir.join("Packages")).unwrap();
    let inv = scan_root(tmp.path(), &ScanOptions::default()).unwrap();
    assert!(inv.problems.is_empty(), "{:?}", inv.problems);
    let names: Vec<&str> = inv.packages.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["curl-minimal", "openssl-libs", "tildepkg"]);
    // Without the sqlite database the same root is read from Packages.
    std::fs::remove_file(rpmdir.join("rpmdb.sqlite")).unwrap();
    let inv = scan_root(tmp.path(), &ScanOptions::default()).unwrap();
    assert_eq!(inv.packages.len(), 5);
}

/// A root whose Packages file is `bytes`.
fn scan_packages(bytes: &[u8]) -> kensa_vuln::Inventory {
    let tmp = tempfile::tempdir().unwrap();
    let rpmdir = tmp.path().join("var/lib/rpm");
    std::fs::create_dir_all(&rpmdir).unwrap();
    std::fs::write(rpmdir.join("Packages"), bytes).unwrap();
    scan_root(tmp.path(), &ScanOptions::default()).unwrap()
}

#[test]
fn bad_magic_is_a_problem_not_an_error() {
    let mut bytes = std::fs::read(packages_le()).unwrap();
    bytes[12..16].copy_from_slice(b"junk");
    let inv = scan_packages(&bytes);
    assert!(inv.packages.is_empty());
    let p: Vec<String> = inv.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(p.len(), 1);
    assert!(
        p[0].contains(
            "Packages: Berkeley DB rpm database not read: not a Berkeley DB hash database"
        ),
        "{p:?}"
    );
}

#[test]
fn truncated_file_keeps_the_packages_it_has() {
    let bytes = std::fs::read(packages_le()).unwrap();
    let inv = scan_packages(&bytes[..bytes.len() - 1024]);
    let p: Vec<String> = inv.problems.iter().map(|p| p.to_string()).collect();
    assert!(p.iter().any(|p| p.contains("file is truncated")), "{p:?}");
    assert!(
        p.iter()
            .any(|p| p.contains("Packages (page ") && p.contains("beyond the end")),
        "{p:?}"
    );
    assert!(!inv.packages.is_empty() && inv.packages.len() < 5);
}

#[test]
fn corrupt_header_names_its_page_and_package() {
    let mut bytes = std::fs::read(fixtures().join("bdb/Packages-be")).unwrap();
    // The small bash header is on a hash page: break its index entry count.
    let at = bytes
        .windows(5)
        .position(|w| w == b"bash\0")
        .expect("bash header on a page");
    // The name is the first string of the data, after 8 bytes of sizes and 4 entries.
    let header_start = at - 8 - 4 * 16;
    bytes[header_start..header_start + 4].copy_from_slice(&[0, 0, 0, 0]);
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("Packages");
    std::fs::write(&path, &bytes).unwrap();
    let (pkgs, problems) = read_bdb(&path);
    assert_eq!(pkgs.len(), 4);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains(", package 4): bad rpm header: implausible header sizes"),
        "{problems:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn random_byte_flips_never_panic(
        big in any::<bool>(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..12),
        // Page headers and entry offsets, where damage matters most.
        header_flips in prop::collection::vec((0usize..13, 0usize..40, any::<u8>()), 0..6),
        cut in prop::option::of(any::<prop::sample::Index>()),
    ) {
        static LE: &[u8] = include_bytes!("../fixtures/amzn2-root/var/lib/rpm/Packages");
        static BE: &[u8] = include_bytes!("../fixtures/bdb/Packages-be");
        let mut bytes = if big { BE } else { LE }.to_vec();
        for (at, value) in flips {
            let i = at.index(bytes.len());
            bytes[i] ^= value;
        }
        for (page, at, value) in header_flips {
            bytes[page * 512 + at] ^= value;
        }
        if let Some(cut) = cut {
            bytes.truncate(cut.index(bytes.len() + 1));
        }
        if let Ok(db) = HashDb::open(&bytes) {
            let mut problems = Vec::new();
            let records = db.records(&mut problems);
            let pages = (bytes.len() / db.page_size()) as u32;
            prop_assert!(records.iter().all(|r| r.page < pages));
            prop_assert!(problems.iter().all(|p| p.page <= pages.max(1) || p.message.contains("truncated")));
            for r in records {
                let _ = rpm::parse_header(&r.value);
            }
        }
    }
}
