//! Fuzzing on the stable toolchain: proptest damages valid feeds and inventories (bytes
//! deleted, inserted, duplicated, truncated); every parser must answer without
//! panicking and report what it skipped. 300 cases per family.

use kensa_vuln::import_bytes;
use kensa_vuln::inventory::{apk, dpkg};
use kensa_vuln::FeedKind;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, Vec<u8>),
    Duplicate(usize, usize),
    Truncate(usize),
}

const NASTY: &[u8] = b"<>/=\"'&;{}[]:,\\ \n\t-#!?\x00\xff\xefPVASo0123456789.~+:";

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        (any::<usize>(), 1usize..40).prop_map(|(a, n)| Edit::Delete(a, n)),
        (
            any::<usize>(),
            prop::collection::vec(prop::sample::select(NASTY), 1..12)
        )
            .prop_map(|(a, b)| Edit::Insert(a, b)),
        (any::<usize>(), 1usize..200).prop_map(|(a, n)| Edit::Duplicate(a, n)),
        any::<usize>().prop_map(Edit::Truncate),
    ];
    prop::collection::vec(edit, 1..6)
}

fn apply(seed: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut v = seed.to_vec();
    for e in edits {
        let len = v.len().max(1);
        match e {
            Edit::Delete(a, n) => {
                let a = a % len;
                let b = (a + n).min(v.len());
                v.drain(a.min(b)..b);
            }
            Edit::Insert(a, bytes) => {
                let a = a % (v.len() + 1);
                v.splice(a..a, bytes.iter().copied());
            }
            Edit::Duplicate(a, n) => {
                let a = a % len;
                let b = (a + n).min(v.len());
                let copy = v[a.min(b)..b].to_vec();
                v.splice(b..b, copy);
            }
            Edit::Truncate(a) => v.truncate(a % len),
        }
    }
    v
}

const ALAS: &str = r#"<?xml version="1.0"?><updates><update author="a" from="b" status="final" type="security" version="1.4"><id>ALAS2023-2024-1</id><title>openssl</title><severity>important</severity><references><reference href="x" id="CVE-2024-1" type="cve"/></references><pkglist><collection short="x"><package arch="x86_64" epoch="1" name="openssl" release="1.amzn2023" version="3.0.8"><filename>f.rpm</filename></package></collection></pkglist></update><update author="a" from="b" status="final" type="security" version="1.4"><id>ALAS2023-2024-2</id><title>curl</title><severity>medium</severity><pkglist><collection short="x"><package arch="x86_64" epoch="0" name="curl" release="2.amzn2023" version="8.5.0"/></collection></pkglist></update></updates>"#;

const DEBIAN_LIST: &str = "CVE-2024-0001 (Overflow in foo ...)\n\t- foo 1.2-3 (bug #1)\n\t[bookworm] - foo 1.2-2+deb12u1\n\t[bullseye] - foo <no-dsa> (Minor issue)\nCVE-2024-0002 (bar)\n\t- bar <unfixed> (unimportant)\nCVE-2024-0003\n\tRESERVED\n";

const DEBIAN_JSON: &str = r#"{"foo":{"CVE-2024-0001":{"releases":{"bookworm":{"status":"resolved","fixed_version":"1.2-2+deb12u1","urgency":"medium"},"bullseye":{"status":"open","urgency":"low"}}}}}"#;

const ALPINE: &str = r#"{"distroversion":"v3.19","reponame":"main","packages":[{"pkg":{"name":"openssl","secfixes":{"3.1.4-r1":["CVE-2023-5678"],"3.1.2-r0":["CVE-2023-3817 CVE-2023-3446"]}}},{"pkg":{"name":"musl","secfixes":{"0":["CVE-2020-1"]}}}]}"#;

const OSV: &str = r#"{"id":"GHSA-xxxx","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2024-9"],"summary":"s","affected":[{"package":{"ecosystem":"PyPI","name":"requests"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2.31.0"}]}],"versions":["2.0.0"]}],"database_specific":{"severity":"HIGH"}}"#;

const DPKG: &str = "Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\nSource: openssl (3.0.11-1~deb12u2)\nVersion: 3.0.11-1~deb12u2+b1\nDescription: x\n continuation\n\nPackage: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b2\n";

const APK: &str =
    "C:Q1abc=\nP:libcrypto3\nV:3.1.4-r1\nA:x86_64\no:openssl\n\nP:musl\nV:1.2.4-r2\nA:x86_64\n";

fn feed(kind: FeedKind, seed: &str, e: &[Edit]) -> Result<(), TestCaseError> {
    let bytes = apply(seed.as_bytes(), e);
    let import = import_bytes(kind, &bytes, "fuzz", Some("2023"));
    // Whatever came out is complete enough to match against.
    for r in &import.records {
        prop_assert!(!r.package.is_empty() && !r.id.is_empty(), "{r:?}");
    }
    for p in &import.problems {
        prop_assert!(p.to_string().starts_with("fuzz"), "{p}");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn alas_updateinfo_xml(e in edits()) { feed(FeedKind::Alas, ALAS, &e)?; }

    #[test]
    fn debian_tracker_list(e in edits()) { feed(FeedKind::Debian, DEBIAN_LIST, &e)?; }

    #[test]
    fn debian_tracker_json(e in edits()) { feed(FeedKind::Debian, DEBIAN_JSON, &e)?; }

    #[test]
    fn alpine_secdb(e in edits()) { feed(FeedKind::Alpine, ALPINE, &e)?; }

    #[test]
    fn osv(e in edits()) { feed(FeedKind::Osv, OSV, &e)?; }

    #[test]
    fn dpkg_status(e in edits()) {
        let text = String::from_utf8_lossy(&apply(DPKG.as_bytes(), &e)).into_owned();
        let mut problems = Vec::new();
        let pkgs = dpkg::parse_status(&text, "status", &mut problems);
        prop_assert!(pkgs.iter().all(|p| !p.name.is_empty()));
    }

    #[test]
    fn apk_installed(e in edits()) {
        let text = String::from_utf8_lossy(&apply(APK.as_bytes(), &e)).into_owned();
        let mut problems = Vec::new();
        let pkgs = apk::parse_installed(&text, "installed", &mut problems);
        // A package is never lost silently: each `P:` line is a package or a problem.
        let entries = text.lines().filter(|l| l.starts_with("P:")).count();
        prop_assert!(pkgs.len() + problems.len() >= entries, "{} {:?}", text, problems);
    }
}

#[test]
fn one_broken_update_skips_only_itself() {
    let broken = ALAS.replacen("<title>openssl</title>", "<title>openssl</titel>", 1);
    let import = import_bytes(FeedKind::Alas, broken.as_bytes(), "u.xml", Some("2023"));
    let ids: Vec<&str> = import.records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["ALAS2023-2024-2"], "{:?}", import.problems);
    assert_eq!(import.problems.len(), 1, "{:?}", import.problems);
    let p = import.problems[0].to_string();
    assert!(
        p.contains("that update skipped, reading resumed at the next <update>"),
        "{p}"
    );
}

#[test]
fn an_html_error_page_is_not_a_feed() {
    let page = "\n<!DOCTYPE html><html><body><h1>503 Service Unavailable</h1></body></html>";
    for kind in [
        FeedKind::Alas,
        FeedKind::Debian,
        FeedKind::Alpine,
        FeedKind::Osv,
    ] {
        let import = import_bytes(kind, page.as_bytes(), "page.xml", None);
        assert!(import.records.is_empty());
        assert!(import.problems[0]
            .to_string()
            .contains("an HTML page, not an advisory feed"));
        let refused = kensa_vuln::feeds::guard::refusals(&[], &import);
        assert!(refused[0].contains("no advisory records"), "{refused:?}");
    }
}

#[test]
fn a_gzip_bomb_stops_at_the_limit() {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&vec![b' '; 8 << 20]).unwrap();
    let bomb = gz.finish().unwrap();
    let err = kensa_vuln::feeds::read_limited(&bomb[..], 1 << 20).unwrap_err();
    assert!(
        err.contains("1048576-byte limit after decompression"),
        "{err}"
    );
}
