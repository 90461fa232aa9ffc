//! Inventory from a root directory: os-release, a real rpmdb.sqlite, language packages.
use std::io::Write;
use std::path::{Path, PathBuf};

use kensa_vuln::inventory::{scan_root, PackageKind, ScanOptions};

fn fixture_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/amzn2023-root")
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

#[test]
fn amazon_linux_2023_root_with_language_packages() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    copy_dir(&fixture_root(), root);
    let site = "usr/lib/python3.9/site-packages";
    write(
        root,
        &format!("{site}/Jinja2-2.10.1.dist-info/METADATA"),
        "Metadata-Version: 2.1\nName: Jinja2\nVersion: 2.10.1\n\nName: not-this\n",
    );
    write(
        root,
        &format!("{site}/broken-1.0.dist-info/METADATA"),
        "Metadata-Version: 2.1\n",
    );
    write(
        root,
        "srv/app/node_modules/lodash/package.json",
        r#"{"name": "lodash", "version": "4.17.20"}"#,
    );
    write(
        root,
        "srv/app/node_modules/@babel/core/package.json",
        r#"{"name": "@babel/core", "version": "7.1.0"}"#,
    );
    write(
        root,
        "srv/app/node_modules/lodash/fp/package.json",
        r#"{"main": "x"}"#,
    );
    write(root, "srv/app/node_modules/bad/package.json", "{not json");
    write(root, "usr/share/gems/specifications/rack-2.2.3.gemspec",
        "Gem::Specification.new do |s|\n  s.name = \"rack\".freeze\n  s.version = \"2.2.3\"\n  s.required_ruby_version = Gem::Requirement.new(\">= 2.3.0\")\nend\n");
    let jar_path = root.join("opt/app/lib/log4j-core-2.14.1.jar");
    std::fs::create_dir_all(jar_path.parent().unwrap()).unwrap();
    {
        let mut z = zip::ZipWriter::new(std::fs::File::create(&jar_path).unwrap());
        let opts = zip::write::SimpleFileOptions::default();
        z.start_file(
            "META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties",
            opts,
        )
        .unwrap();
        z.write_all(b"#Generated\nversion=2.14.1\ngroupId=org.apache.logging.log4j\nartifactId=log4j-core\n").unwrap();
        z.finish().unwrap();
    }
    write(root, "opt/app/lib/notazip.jar", "hello");

    let inv = scan_root(
        root,
        &ScanOptions {
            language_packages: true,
        },
    )
    .unwrap();
    assert_eq!(inv.host, "i-0fixture0000000001");
    let os = inv.os.as_ref().unwrap();
    assert_eq!((os.id.as_str(), os.version_id.as_str()), ("amzn", "2023"));
    let got: Vec<(PackageKind, &str, &str)> = inv
        .packages
        .iter()
        .map(|p| (p.kind, p.name.as_str(), p.version.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (PackageKind::Rpm, "curl-minimal", "8.3.0-1.amzn2023.0.1"),
            (PackageKind::Rpm, "openssl-libs", "1:3.0.8-1.amzn2023.0.9"),
            (PackageKind::Rpm, "tildepkg", "2.0~rc1-1.amzn2023"),
            (PackageKind::Python, "jinja2", "2.10.1"),
            (PackageKind::Npm, "@babel/core", "7.1.0"),
            (PackageKind::Npm, "lodash", "4.17.20"),
            (PackageKind::Gem, "rack", "2.2.3"),
            (
                PackageKind::Jar,
                "org.apache.logging.log4j:log4j-core",
                "2.14.1"
            ),
        ]
    );
    assert_eq!(inv.packages[0].arch, "noarch");
    let problems: Vec<String> = inv.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(problems
        .iter()
        .any(|p| p.contains("broken-1.0.dist-info/METADATA: Python metadata without Name")));
    assert!(problems
        .iter()
        .any(|p| p.contains("bad/package.json:1: invalid package.json")));
    assert!(problems
        .iter()
        .any(|p| p.contains("notazip.jar: not a readable zip")));
}

#[test]
fn corrupt_rpm_header_is_reported_and_the_rest_read() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture_root(), tmp.path());
    let db = tmp.path().join("var/lib/rpm/rpmdb.sqlite");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute(
            "UPDATE Packages SET blob = x'0000000500000010deadbeef' WHERE hnum = 2",
            [],
        )
        .unwrap();
    }
    let inv = scan_root(tmp.path(), &ScanOptions::default()).unwrap();
    assert_eq!(inv.packages.len(), 2);
    assert_eq!(inv.problems.len(), 1);
    let p = inv.problems[0].to_string();
    assert!(
        p.contains("rpmdb.sqlite (Packages hnum 2): bad rpm header: blob is 12 bytes"),
        "{p}"
    );
}

#[test]
fn inventory_file_errors_have_a_line() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("inv.json");
    std::fs::write(
        &path,
        "{\n\"host\": \"h\",\n\"packages\": [{\"kind\": \"rpm\"}]\n}",
    )
    .unwrap();
    let err = kensa_vuln::Inventory::load(&path).unwrap_err().to_string();
    assert!(err.contains("inv.json:3: invalid inventory JSON"), "{err}");
}

/// A corrupt rpmdb.sqlite costs its own packages only; a jar whose pom.properties
/// inflates far beyond any real one is skipped with a problem, its neighbours read.
#[test]
fn sources_are_independent_and_archive_entries_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "var/lib/rpm/rpmdb.sqlite",
        "SQLite format 3\0 but then garbage",
    );
    write(
        root,
        "var/lib/dpkg/status",
        "Package: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b2\n",
    );
    write(root, "lib/apk/db/installed", "P:musl\nV:1.2.4-r2\n");
    let bomb = root.join("opt/app/bomb.jar");
    std::fs::create_dir_all(bomb.parent().unwrap()).unwrap();
    {
        let mut z = zip::ZipWriter::new(std::fs::File::create(&bomb).unwrap());
        let opts = zip::write::SimpleFileOptions::default();
        z.start_file("META-INF/maven/g/a/pom.properties", opts)
            .unwrap();
        z.write_all(b"version=1\ngroupId=g\nartifactId=a\n")
            .unwrap();
        z.write_all(&vec![b'#'; 17 << 20]).unwrap();
        z.finish().unwrap();
    }
    let inv = scan_root(
        root,
        &ScanOptions {
            language_packages: true,
        },
    )
    .unwrap();
    let names: Vec<&str> = inv.packages.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["bash", "musl"], "{:?}", inv.problems);
    let problems: Vec<String> = inv.problems.iter().map(|p| p.to_string()).collect();
    assert!(
        problems
            .iter()
            .any(|p| p.contains("rpmdb.sqlite") && p.contains("rpm database not read")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("bomb.jar") && p.contains("larger than")),
        "{problems:?}"
    );
}
