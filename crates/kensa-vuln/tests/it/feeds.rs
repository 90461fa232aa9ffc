//! Feed imports against the corpus fixtures and their golden files.
use std::collections::BTreeSet;
use std::path::Path;

use kensa_model::Severity;
use kensa_vuln::feeds::Import;
use kensa_vuln::map_severity;
use kensa_vuln::{import_path, AdvisoryRecord, FeedKind, FixState};
use serde_json::Value;

fn find<'a>(recs: &'a [AdvisoryRecord], id: &str, pkg: &str, rel: &str) -> &'a AdvisoryRecord {
    recs.iter()
        .find(|r| r.id == id && r.package == pkg && r.release == rel)
        .unwrap_or_else(|| panic!("no record {id} {pkg} {rel}"))
}

fn golden(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// Every golden ALAS advisory must come out of the updateinfo fixture with the same
/// id, packages, fixed EVRs, CVEs and (mapped) severity.
#[test]
fn alas_updateinfo_matches_golden() {
    let Some(corpus) = crate::common::corpus("ALAS fixtures") else {
        return;
    };
    let dir = corpus.join("advisories/amazon/testdata");
    let mut all = Import::default();
    for f in [
        "updateinfo_1_item",
        "updateinfo_2_items",
        "updateinfo_AL2022",
        "updateinfo_AL2023",
    ] {
        let path = dir.join(format!("fixtures/{f}.xml.gz"));
        let import = import_path(FeedKind::Alas, &path, None).unwrap();
        assert!(import.problems.is_empty(), "{f}: {:?}", import.problems);
        all.extend(import);
    }
    assert_eq!(all.advisories, 5);
    let mut goldens = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if !path.to_string_lossy().ends_with(".json.golden") {
            continue;
        }
        goldens += 1;
        let g = golden(&path);
        let id = g["id"].as_str().unwrap();
        let mine: Vec<&AdvisoryRecord> = all.records.iter().filter(|r| r.id == id).collect();
        let names: BTreeSet<&str> = g["packages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        let my_names: BTreeSet<&str> = mine.iter().map(|r| r.package.as_str()).collect();
        assert_eq!(my_names, names, "{id}: package names");
        let mut cves: Vec<String> = g["cveids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().into())
            .collect();
        cves.sort();
        let severity = map_severity(g["severity"].as_str().unwrap());
        assert!(severity.is_some(), "{id}: severity maps");
        for p in g["packages"].as_array().unwrap() {
            let r = mine
                .iter()
                .find(|r| r.package == p["name"].as_str().unwrap())
                .unwrap();
            let epoch = p["epoch"].as_str().unwrap();
            let vr = format!(
                "{}-{}",
                p["version"].as_str().unwrap(),
                p["release"].as_str().unwrap()
            );
            let want = if epoch == "0" {
                vr
            } else {
                format!("{epoch}:{vr}")
            };
            assert_eq!(
                r.fixed.as_deref(),
                Some(want.as_str()),
                "{id} {}",
                r.package
            );
            assert_eq!(r.cves, cves, "{id}: cves");
            assert_eq!(r.severity, severity, "{id}: severity");
            assert_eq!(r.fix_state, FixState::Fixed);
            assert_eq!(r.distro, "amzn");
        }
        // The ALAS JSON importer reads the golden file into the same records.
        let from_json = import_path(FeedKind::Alas, &path, None).unwrap();
        let mut a: Vec<AdvisoryRecord> = from_json.records;
        let mut b: Vec<AdvisoryRecord> = mine.into_iter().cloned().collect();
        a.sort();
        b.sort();
        assert_eq!(a, b, "{id}: JSON and updateinfo agree");
    }
    assert_eq!(goldens, 5);
    let r = find(&all.records, "ALAS2023-2023-001", "rsyslog", "2023");
    assert_eq!(r.severity, Some(Severity::High), "Important maps to High");
    assert_eq!(
        r.url,
        "https://alas.aws.amazon.com/AL2023/ALAS2023-2023-001.html"
    );
    assert_eq!(
        find(&all.records, "ALAS2-2018-939", "kernel", "2").severity,
        Some(Severity::Critical)
    );
}

#[test]
fn alas_invalid_updateinfo_reports_location() {
    let Some(corpus) = crate::common::corpus("ALAS fixtures") else {
        return;
    };
    let path = corpus.join("advisories/amazon/testdata/fixtures/updateinfo_invalid.xml.gz");
    let import = import_path(FeedKind::Alas, &path, None).unwrap();
    // The one complete <update> before the damage is imported, the rest reported.
    assert!(import.records.iter().all(|r| r.id == "ALAS2-2018-939"));
    assert_eq!(import.records.len(), 13);
    assert_eq!(import.problems.len(), 1, "{:?}", import.problems);
    let p = import.problems[0].to_string();
    assert!(p.contains("updateinfo_invalid.xml.gz at byte"), "{p}");
}

#[test]
fn debian_tracker_checkout() {
    let Some(corpus) = crate::common::corpus("Debian tracker fixtures") else {
        return;
    };
    let dir = corpus.join("advisories/debian/tracker/testdata");
    let import = import_path(FeedKind::Debian, &dir.join("happy"), None).unwrap();
    let recs = &import.records;
    let foot = find(recs, "CVE-2023-XXXX", "foot", "sid");
    assert_eq!(foot.fixed.as_deref(), Some("1.15.3-2"));
    assert_eq!(
        find(recs, "CVE-2023-XXXX", "foot", "bookworm")
            .fixed
            .as_deref(),
        Some("1.13.1-2+deb12u1")
    );
    assert_eq!(
        find(recs, "CVE-2023-XXXX", "foot", "bullseye").fix_state,
        FixState::WillNotFix
    );
    assert_eq!(
        find(recs, "CVE-2023-XXXX", "wordpress", "sid").fix_state,
        FixState::NotFixed
    );
    let ant = find(recs, "CVE-2021-36373", "ant", "sid");
    assert_eq!(
        (ant.fix_state, ant.severity),
        (FixState::NotFixed, Some(Severity::Informational))
    );
    let putty = find(recs, "CVE-2021-36367", "putty", "sid");
    assert_eq!(
        (putty.fixed.as_deref(), putty.severity),
        (Some("0.75-3"), Some(Severity::Low))
    );
    let putty_buster = find(recs, "CVE-2021-36367", "putty", "buster");
    assert_eq!(
        (putty_buster.fix_state, putty_buster.severity),
        (FixState::WillNotFix, Some(Severity::Low))
    );
    assert!(
        !recs
            .iter()
            .any(|r| r.id == "CVE-2021-36980" || r.id == "CVE-2021-36383"),
        "TODO/NFU entries have no packages"
    );
    // DSA and DLA announcements add per-CVE fixed versions for their releases.
    let redis = find(recs, "CVE-2019-10192", "redis", "buster");
    assert_eq!(redis.fixed.as_deref(), Some("5:5.0.3-4+deb10u1"));
    assert!(redis.title.starts_with("DSA-4480-1"));
    assert_eq!(
        find(recs, "CVE-2021-30547", "thunderbird", "stretch")
            .fixed
            .as_deref(),
        Some("1:78.12.0-1~deb9u1")
    );
    // The malformed DLA header is reported with file and line; the rest is imported.
    assert_eq!(import.problems.len(), 1, "{:?}", import.problems);
    assert!(import.problems[0]
        .to_string()
        .contains("DLA/list:4: malformed advisory header"));
    let mut snapshot: Vec<String> = recs
        .iter()
        .map(|r| {
            format!(
                "{} {} {} {} {:?} {:?}",
                r.id, r.package, r.release, r.fix_state, r.fixed, r.severity
            )
        })
        .collect();
    snapshot.sort();
    insta::assert_yaml_snapshot!("debian_happy_records", snapshot);

    // The `sad` checkout has no CVE list: a clear error naming the file.
    let err = import_path(FeedKind::Debian, &dir.join("sad"), None).unwrap_err();
    assert!(err.to_string().contains("data/CVE/list"), "{err}");
}

#[test]
fn debian_tracker_json() {
    let doc = br#"{"openssl": {"CVE-2023-1": {"description": "d", "releases": {
        "bookworm": {"status": "resolved", "fixed_version": "3.0.9-1", "urgency": "medium"},
        "bullseye": {"status": "open", "urgency": "low", "nodsa": "Minor", "nodsa_reason": ""},
        "trixie": {"status": "resolved", "fixed_version": "0", "urgency": "unimportant"},
        "sid": {"status": "bogus"}}}},
        "curl": []}"#;
    let import = kensa_vuln::import_bytes(FeedKind::Debian, doc, "t.json", None);
    let recs = &import.records;
    assert_eq!(
        find(recs, "CVE-2023-1", "openssl", "bookworm")
            .fixed
            .as_deref(),
        Some("3.0.9-1")
    );
    assert_eq!(
        find(recs, "CVE-2023-1", "openssl", "bullseye").fix_state,
        FixState::WillNotFix
    );
    assert_eq!(
        find(recs, "CVE-2023-1", "openssl", "trixie").fix_state,
        FixState::NotAffected
    );
    let paths: Vec<String> = import.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        paths,
        [
            "t.json at $.curl: expected an object of issues; skipped",
            "t.json at $.openssl.CVE-2023-1.releases.sid.status: unknown status `bogus`; skipped",
        ]
    );
}

#[test]
fn alpine_secdb_matches_golden() {
    let Some(corpus) = crate::common::corpus("Alpine fixtures") else {
        return;
    };
    let dir = corpus.join("advisories/alpine/testdata");
    let mut import = Import::default();
    for f in [
        "311-main",
        "311-community",
        "312-main",
        "312-community",
        "edge-main",
        "edge-community",
    ] {
        import.extend(import_path(FeedKind::Alpine, &dir.join(format!("{f}.json")), None).unwrap());
    }
    assert!(import.problems.is_empty(), "{:?}", import.problems);
    for g in ["311-apache2", "312-ansible", "edge-apk-tools"] {
        let g = golden(&dir.join(format!("golden/{g}.json")));
        let name = g["name"].as_str().unwrap();
        let release = g["distroversion"].as_str().unwrap();
        let mine: BTreeSet<(String, String)> = import
            .records
            .iter()
            .filter(|r| r.package == name && r.release == release)
            .map(|r| (r.fixed.clone().unwrap(), r.id.clone()))
            .collect();
        let mut want = BTreeSet::new();
        for (v, ids) in g["secfixes"].as_object().unwrap() {
            for id in ids.as_array().unwrap() {
                want.insert((v.clone(), id.as_str().unwrap().to_string()));
            }
        }
        assert_eq!(mine, want, "{name} {release}");
    }
}

#[test]
fn malformed_feeds_report_and_keep_the_rest() {
    let secdb = br#"{"distroversion": "v3.18", "packages": [
        {"pkg": {"name": "musl", "secfixes": {"1.2.4-r1": ["CVE-2023-1"], "1..x!": ["CVE-2023-2"]}}},
        {"pkg": {"secfixes": {}}},
        {"pkg": {"name": "zlib", "secfixes": {"0": ["CVE-2018-25032"]}}}]}"#;
    let import = kensa_vuln::import_bytes(FeedKind::Alpine, secdb, "m.json", None);
    assert_eq!(import.records.len(), 2);
    assert_eq!(import.records[1].fix_state, FixState::NotAffected);
    let msgs: Vec<String> = import.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(msgs.len(), 2, "{msgs:?}");
    assert!(
        msgs[0]
            .starts_with("m.json at $.packages[0].pkg.secfixes.\"1..x!\": musl: bad fixed version"),
        "{msgs:?}"
    );
    assert!(
        msgs[1].starts_with("m.json at $.packages[1].pkg: package without"),
        "{msgs:?}"
    );

    let broken = kensa_vuln::import_bytes(FeedKind::Osv, b"{\"id\": ", "o.json", None);
    assert!(broken.problems[0]
        .to_string()
        .starts_with("o.json: invalid JSON at line 1 column"));
    let list = "CVE-2024-1 (x)\n\t- curl 8.0-1\n\t[bookworm] - curl\n\t- bad\nGARBAGE LINE\n\t- zlib 1.0-1\n";
    let import = kensa_vuln::import_bytes(FeedKind::Debian, list.as_bytes(), "list", None);
    let msgs: Vec<String> = import.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        msgs,
        ["list:5: expected a `CVE-` header line, found \"GARBAGE LINE\"; skipped"]
    );
    assert_eq!(import.records.len(), 3, "{:?}", import.records);
}

#[test]
fn osv_directory_and_zip() {
    let dir = tempfile::tempdir().unwrap();
    let rec = |id: &str, eco: &str, name: &str, fixed: &str| {
        serde_json::json!({"id": id, "aliases": [format!("CVE-{id}")],
            "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
            "affected": [{"package": {"ecosystem": eco, "name": name},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}]}]})
        .to_string()
    };
    std::fs::create_dir(dir.path().join("pypi")).unwrap();
    std::fs::write(
        dir.path().join("pypi/A.json"),
        rec("PYSEC-1", "PyPI", "Jinja2", "2.11.3"),
    )
    .unwrap();
    std::fs::write(dir.path().join("pypi/bad.json"), "[}").unwrap();
    let zip_path = dir.path().join("npm.zip");
    {
        let mut z = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
        let opts = zip::write::SimpleFileOptions::default();
        z.start_file("GHSA-1.json", opts).unwrap();
        std::io::Write::write_all(&mut z, rec("GHSA-1", "npm", "lodash", "4.17.21").as_bytes())
            .unwrap();
        z.finish().unwrap();
    }
    let import = import_path(FeedKind::Osv, dir.path(), None).unwrap();
    assert_eq!(import.records.len(), 2);
    assert_eq!(import.problems.len(), 1);
    assert!(import.problems[0].location.file.ends_with("bad.json"));
    let jinja = import
        .records
        .iter()
        .find(|r| r.package == "jinja2")
        .unwrap();
    assert_eq!(
        (jinja.distro.as_str(), jinja.severity),
        ("PyPI", Some(Severity::Critical))
    );
    let lodash = import
        .records
        .iter()
        .find(|r| r.package == "lodash")
        .unwrap();
    assert_eq!(lodash.fixed.as_deref(), Some("4.17.21"));
}
