//! End to end: advisory fixtures imported into a database, inventories with known
//! vulnerable and fixed versions, exactly the expected findings.
use std::collections::BTreeSet;

use kensa_model::{Evidence, Package, Severity};
use kensa_vuln::feeds::Import;
use kensa_vuln::import_bytes;
use kensa_vuln::inventory::{InstalledPackage, Inventory, OsInfo, PackageKind};
use kensa_vuln::{import_path, scan, Database, FeedKind, Filters};

fn pkg(kind: PackageKind, name: &str, version: &str, source: Option<&str>) -> InstalledPackage {
    InstalledPackage {
        kind,
        name: name.into(),
        version: version.into(),
        arch: "x86_64".into(),
        source_name: source.map(str::to_string),
        source_version: None,
        location: None,
    }
}

fn os(id: &str, version_id: &str, codename: &str) -> Option<OsInfo> {
    Some(OsInfo {
        id: id.into(),
        version_id: version_id.into(),
        version_codename: codename.into(),
        ..Default::default()
    })
}

/// A tilde pre-release fix for Amazon Linux 2023, beside the corpus feeds.
const TILDE_UPDATEINFO: &str = r#"<updates><update><id>ALAS2023-2024-900</id>
<title>synthetic</title><severity>low</severity>
<references><reference type="cve" id="CVE-2024-9000"/></references>
<pkglist><collection><package name="tildepkg" epoch="0" version="2.0~rc2" release="1.amzn2023" arch="x86_64"/></collection></pkglist>
</update></updates>"#;

fn database() -> Option<Database> {
    let corpus = crate::common::corpus("end-to-end scan")?;
    let adv = corpus.join("advisories");
    let mut import = Import::default();
    for f in [
        "updateinfo_1_item",
        "updateinfo_2_items",
        "updateinfo_AL2023",
    ] {
        let path = adv.join(format!("amazon/testdata/fixtures/{f}.xml.gz"));
        import.extend(import_path(FeedKind::Alas, &path, None).unwrap());
    }
    import.extend(import_bytes(
        FeedKind::Alas,
        TILDE_UPDATEINFO.as_bytes(),
        "tilde.xml",
        None,
    ));
    let tracker = adv.join("debian/tracker/testdata/happy");
    import.extend(import_path(FeedKind::Debian, &tracker, None).unwrap());
    let alpine = adv.join("alpine/testdata/311-main.json");
    import.extend(import_path(FeedKind::Alpine, &alpine, None).unwrap());
    let osv = serde_json::json!({"id": "GHSA-jinja", "aliases": ["CVE-2020-28493"],
        "database_specific": {"severity": "MODERATE"},
        "affected": [{"package": {"ecosystem": "PyPI", "name": "jinja2"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.11.3"}]}]}]});
    import.extend(import_bytes(
        FeedKind::Osv,
        osv.to_string().as_bytes(),
        "osv.json",
        None,
    ));
    assert!(
        import.problems.len() == 1,
        "only the malformed DLA header: {:?}",
        import.problems
    );
    let mut db = Database::default();
    db.apply(import);
    // Through the file format and back, as `kensa vuln scan --db` does.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("advisories.json.gz");
    db.save(&path).unwrap();
    Some(Database::load(&path).unwrap())
}

fn found(inv: &Inventory, db: &Database, filters: &Filters) -> BTreeSet<(String, String, String)> {
    scan(inv, &db.records, filters)
        .into_iter()
        .map(|f| {
            assert_eq!(f.package, Package::Cve);
            let fix = f.attributes["FIX_STATE"].clone();
            (f.rule_id, f.attributes["PACKAGE_NAME"].clone(), fix)
        })
        .collect()
}

fn set(items: &[(&str, &str, &str)]) -> BTreeSet<(String, String, String)> {
    items
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect()
}

#[test]
fn amazon_linux_binary_packages_with_epochs() {
    let Some(db) = database() else { return };
    let inv = Inventory {
        host: "i-0123456789abcdef0".into(),
        os: os("amzn", "2", ""),
        packages: vec![
            pkg(PackageKind::Rpm, "kernel", "4.9.70-22.55.amzn2", None), // below the fix
            pkg(PackageKind::Rpm, "perf", "4.9.76-38.79.amzn2", None),   // exactly the fix
            pkg(PackageKind::Rpm, "kernel-headers", "1:4.9.0-1.amzn2", None), // epoch 1 beats 0
            pkg(PackageKind::Rpm, "qemu-kvm", "2.0.0-1.amzn2", None),    // epoch 0 < fix's 10
            pkg(PackageKind::Rpm, "qemu-img", "10:1.5.3-141.amzn2.5.3", None), // fixed
            pkg(
                PackageKind::Rpm,
                "java-1.8.0-openjdk",
                "1:1.8.0.151-5.b12.amzn2",
                None,
            ),
            pkg(
                PackageKind::Rpm,
                "java-1.8.0-openjdk-devel",
                "1:1.8.0.161-0.b14.amzn2",
                None,
            ),
            pkg(PackageKind::Rpm, "rsyslog", "8.2204.0-1.amzn2023", None), // AL2023 advisory only
            pkg(PackageKind::Deb, "kernel", "1.0", None), // wrong package kind for the host
        ],
        problems: vec![],
    };
    let got = found(&inv, &db, &Filters::default());
    assert_eq!(
        got,
        set(&[
            ("ALAS2-2018-939", "kernel", "fixed"),
            ("ALAS2-2018-942", "qemu-kvm", "fixed"),
            ("ALAS2-2018-949", "java-1.8.0-openjdk", "fixed"),
        ])
    );
    let findings = scan(&inv, &db.records, &Filters::default());
    let kernel = findings
        .iter()
        .find(|f| f.rule_id == "ALAS2-2018-939")
        .unwrap();
    assert_eq!(kernel.severity, Severity::Critical);
    assert_eq!(kernel.resource.resource_type, "AwsEc2Instance");
    let Some(Evidence::Package(ev)) = &kernel.evidence else {
        panic!("evidence")
    };
    assert_eq!(ev["fixed"], "4.9.76-38.79.amzn2");
    assert_eq!(ev["package_kind"], "rpm");
    // The finding survives a JSON round trip (the evidence tag does not collide).
    let json = serde_json::to_string(kernel).unwrap();
    assert_eq!(
        &serde_json::from_str::<kensa_model::Finding>(&json).unwrap(),
        kernel
    );
    assert_eq!(ev["installed"], "4.9.70-22.55.amzn2");
    assert_eq!(
        ev["advisory_url"],
        "https://alas.aws.amazon.com/AL2/ALAS2-2018-939.html"
    );
    assert_eq!(
        ev["cves"],
        serde_json::json!(["CVE-2017-5715", "CVE-2017-5754"])
    );
    insta::assert_json_snapshot!("al2_kernel_finding", kernel);
    // Stable ids: the same scan gives the same finding ids.
    let again = scan(&inv, &db.records, &Filters::default());
    assert_eq!(findings, again);
    // --severity critical keeps only the kernel; --fixable keeps all three.
    let critical = Filters {
        severities: Some([Severity::Critical].into()),
        fixable_only: false,
    };
    assert_eq!(found(&inv, &db, &critical).len(), 1);
    let fixable = Filters {
        severities: None,
        fixable_only: true,
    };
    assert_eq!(found(&inv, &db, &fixable).len(), 3);
}

#[test]
fn amazon_linux_2023_tilde() {
    let Some(db) = database() else { return };
    let inv = Inventory {
        host: "al2023".into(),
        os: os("amzn", "2023", ""),
        packages: vec![
            pkg(PackageKind::Rpm, "tildepkg", "2.0~rc1-1.amzn2023", None), // rc1 < rc2
            pkg(PackageKind::Rpm, "rsyslog", "8.2204.0-3.amzn2023.0.2", None), // fixed
            pkg(
                PackageKind::Rpm,
                "rsyslog-openssl",
                "8.2204.0-3.amzn2023.0.1",
                None,
            ),
        ],
        problems: vec![],
    };
    assert_eq!(
        found(&inv, &db, &Filters::default()),
        set(&[
            ("ALAS2023-2023-001", "rsyslog-openssl", "fixed"),
            ("ALAS2023-2024-900", "tildepkg", "fixed"),
        ])
    );
    let released = Inventory {
        packages: vec![pkg(PackageKind::Rpm, "tildepkg", "2.0-1.amzn2023", None)],
        ..inv
    };
    assert!(
        found(&released, &db, &Filters::default()).is_empty(),
        "2.0 is newer than 2.0~rc2"
    );
}

#[test]
fn debian_source_packages_will_not_fix_and_tilde() {
    let Some(db) = database() else { return };
    let mut thunderbird = pkg(
        PackageKind::Deb,
        "thunderbird",
        "1:78.12.0~b1-1",
        Some("thunderbird"),
    );
    thunderbird.arch = "amd64".into();
    let stretch = Inventory {
        host: "stretch".into(),
        os: os("debian", "9", "stretch"),
        packages: vec![
            thunderbird, // tilde pre-release < fix
            pkg(
                PackageKind::Deb,
                "redis-server",
                "3:3.2.6-3+deb9u3",
                Some("redis"),
            ), // fixed
            pkg(
                PackageKind::Deb,
                "redis-tools",
                "3.2.6-3+deb9u3",
                Some("redis"),
            ), // epoch 0 < 3
        ],
        problems: vec![],
    };
    let got = found(&stretch, &db, &Filters::default());
    let mut want = BTreeSet::new();
    for cve in [
        "CVE-2021-29969",
        "CVE-2021-29970",
        "CVE-2021-29976",
        "CVE-2021-30547",
    ] {
        want.insert((
            cve.to_string(),
            "thunderbird".to_string(),
            "fixed".to_string(),
        ));
    }
    for cve in ["CVE-2019-10192", "CVE-2019-10193"] {
        want.insert((
            cve.to_string(),
            "redis-tools".to_string(),
            "fixed".to_string(),
        ));
    }
    assert_eq!(got, want);
    let released = Inventory {
        packages: vec![pkg(
            PackageKind::Deb,
            "thunderbird",
            "1:78.12.0-1",
            Some("thunderbird"),
        )],
        ..stretch
    };
    assert!(
        found(&released, &db, &Filters::default()).is_empty(),
        "-1 > -1~deb9u1"
    );

    let bullseye = Inventory {
        host: "bullseye".into(),
        os: os("debian", "11", "bullseye"),
        packages: vec![
            pkg(PackageKind::Deb, "putty-tools", "0.74-1", Some("putty")), // <no-dsa>: will not fix
            pkg(PackageKind::Deb, "foot", "1.6.4-1", None),                // <no-dsa>
            pkg(PackageKind::Deb, "ant", "1.10.9-4", None), // falls back to sid: unfixed
            pkg(
                PackageKind::Deb,
                "wordpress",
                "5.7.11+dfsg1-0+deb11u1",
                None,
            ), // sid: unfixed
        ],
        problems: vec![],
    };
    assert_eq!(
        found(&bullseye, &db, &Filters::default()),
        set(&[
            ("CVE-2021-36367", "putty-tools", "will-not-fix"),
            ("CVE-2021-36373", "ant", "not-fixed"),
            ("CVE-2023-XXXX", "foot", "will-not-fix"),
            ("CVE-2023-XXXX", "wordpress", "not-fixed"),
        ])
    );
    let fixable = Filters {
        severities: None,
        fixable_only: true,
    };
    assert!(found(&bullseye, &db, &fixable).is_empty());
    let putty = scan(&bullseye, &db.records, &Filters::default())
        .into_iter()
        .find(|f| f.rule_id == "CVE-2021-36367")
        .unwrap();
    assert_eq!(putty.severity, Severity::Low);
    assert_eq!(putty.attributes["SOURCE_PACKAGE"], "putty");
    assert!(putty.recommendation.contains("will not fix"));
}

#[test]
fn alpine_origin_and_language_packages() {
    let Some(db) = database() else { return };
    let mut python = pkg(PackageKind::Python, "Jinja2", "2.10.1", None);
    python.location =
        Some("/usr/lib/python3/site-packages/Jinja2-2.10.1.dist-info/METADATA".into());
    let inv = Inventory {
        host: "alpine".into(),
        os: os("alpine", "3.11.13", ""),
        packages: vec![
            pkg(
                PackageKind::Apk,
                "apache2-utils",
                "2.4.33-r0",
                Some("apache2"),
            ),
            pkg(PackageKind::Apk, "apache2", "2.4.34-r0", Some("apache2")),
            python,
            pkg(PackageKind::Python, "jinja2", "2.11.3", None),
        ],
        problems: vec![],
    };
    assert_eq!(
        found(&inv, &db, &Filters::default()),
        set(&[
            ("CVE-2018-1333", "apache2-utils", "fixed"),
            ("CVE-2018-8011", "apache2-utils", "fixed"),
            ("GHSA-jinja", "Jinja2", "fixed"),
        ])
    );
}
