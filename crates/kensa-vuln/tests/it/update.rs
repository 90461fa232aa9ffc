//! `db update` against a local HTTP server serving the corpus fixtures.
use std::collections::BTreeMap;

use kensa_vuln::update::{update, Fetcher, Sources};
use kensa_vuln::{Database, FixState};

#[test]
fn update_downloads_all_feeds_from_local_server() {
    let Some(corpus) = crate::common::corpus("db update") else {
        return;
    };
    let adv = corpus.join("advisories");
    let read = |rel: &str| std::fs::read(adv.join(rel)).unwrap();
    let amazon = "amazon/testdata/fixtures";
    let alpine = "alpine/testdata";
    let mut routes: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    // Amazon Linux 2 through a mirror.list (filled in once the port is known, below),
    // AL2023 as a plain repository URL, and a repository whose repomd has no updateinfo.
    routes.insert(
        "/al2/repo/repodata/repomd.xml".into(),
        read(&format!("{amazon}/repomd_valid.xml")),
    );
    routes.insert(
        "/al2/repo/repodata/updateinfo.xml.gz".into(),
        read(&format!("{amazon}/updateinfo_2_items.xml.gz")),
    );
    routes.insert(
        "/al2023/repodata/repomd.xml".into(),
        read(&format!("{amazon}/repomd_valid.xml")),
    );
    routes.insert(
        "/al2023/repodata/updateinfo.xml.gz".into(),
        read(&format!("{amazon}/updateinfo_AL2023.xml.gz")),
    );
    routes.insert(
        "/broken/repodata/repomd.xml".into(),
        read(&format!("{amazon}/repomd_invalid.xml")),
    );
    routes.insert(
        "/debian/data/CVE/list".into(),
        read("debian/tracker/testdata/happy/data/CVE/list"),
    );
    routes.insert("/alpine/".into(), read(&format!("{alpine}/index.html")));
    for (rel, page) in [("v3.11", "311"), ("v3.12", "312"), ("edge", "edge")] {
        routes.insert(
            format!("/alpine/{rel}/"),
            read(&format!("{alpine}/{page}.html")),
        );
        for repo in ["main", "community"] {
            routes.insert(
                format!("/alpine/{rel}/{repo}.json"),
                read(&format!("{alpine}/{page}-{repo}.json")),
            );
        }
    }
    // The mirror list must name the server itself, so serve it from a second server.
    let base = crate::http::serve(routes);
    let mirror = crate::http::serve(BTreeMap::from([(
        "/al2/mirror.list".to_string(),
        format!("{base}/al2/repo\n").into_bytes(),
    )]));
    let sources = Sources {
        amazon: vec![
            ("2".into(), format!("{mirror}/al2/mirror.list")),
            ("2023".into(), format!("{base}/al2023")),
            ("2022".into(), format!("{base}/broken")),
            ("1".into(), format!("{base}/missing/mirror.list")),
        ],
        debian: Some(format!("{base}/debian/data/CVE/list")),
        alpine: Some(format!("{base}/alpine/")),
        osv: None,
    };
    let import = update(&sources, &Fetcher::default());
    let problems: Vec<String> = import.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(
        problems[0]
            .contains("/broken/repodata/repomd.xml: repomd.xml has no <data type=\"updateinfo\">"),
        "{problems:?}"
    );
    assert!(
        problems[1].contains("/missing/mirror.list") && problems[1].contains("404"),
        "{problems:?}"
    );

    let mut db = Database::default();
    db.apply(import);
    let summary: Vec<(String, String, String, usize)> = db
        .summary()
        .into_iter()
        .map(|s| (s.source, s.distro, s.release, s.advisories))
        .collect();
    let want: Vec<(String, String, String, usize)> = [
        ("alas", "amzn", "2", 2),
        ("alas", "amzn", "2023", 1),
        ("alpine-secdb", "alpine", "edge", 2),
        ("alpine-secdb", "alpine", "v3.11", 2),
        ("alpine-secdb", "alpine", "v3.12", 1),
        ("debian-tracker", "debian", "bookworm", 1),
        ("debian-tracker", "debian", "bullseye", 2),
        ("debian-tracker", "debian", "buster", 1),
        ("debian-tracker", "debian", "sid", 3),
    ]
    .iter()
    .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), *d))
    .collect();
    assert_eq!(summary, want);
    let qemu = db.records.iter().find(|r| r.package == "qemu-kvm").unwrap();
    assert_eq!(
        (qemu.fixed.as_deref(), qemu.fix_state),
        (Some("10:1.5.3-141.amzn2.5.3"), FixState::Fixed)
    );
}
