//! kensa's CIS rules against OpenSCAP (Debian's openscap-scanner + ssg-debian) on the same
//! fixture root filesystems, rule by rule, through `openscap-mapping.yaml`.
//!
//! Agreement: kensa FAILED <=> an SSG rule fails; kensa PASSED => every SSG rule passes;
//! kensa NOT_APPLICABLE => no SSG rule fails (SSG passes a check on a file or daemon that
//! is not there). kensa NOT_EVALUATED is listed, not compared.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use kensa_host::{HostFacts, Package};
use serde::Deserialize;

use crate::support::{is_root, materialize};

const PREFIX: &str = "xccdf_org.ssgproject.content_";
const PROFILE: &str = "xccdf_kensa_profile_cis_subset";

#[derive(Deserialize)]
struct Mapping {
    content: String,
    values: BTreeMap<String, String>,
    rules: BTreeMap<String, Entry>,
}

#[derive(Deserialize)]
struct Entry {
    ssg: Vec<String>,
    #[serde(default)]
    why: Option<String>,
    #[serde(default)]
    openscap_unusable: Option<String>,
    #[serde(default)]
    known_divergence: Option<Divergence>,
}

/// A fixture on which kensa and SSG are known to differ, and why.
#[derive(Deserialize)]
struct Divergence {
    fixture: String,
    why: String,
}

/// The fixture roots compared: the outcome-table roots, and Debian's stock sshd_config.
const OSCAP_ROOTS: &[&str] = &["hardened", "weak", "minimal", "stock"];

fn mapping() -> Mapping {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("openscap-mapping.yaml");
    serde_yaml_ng::from_str(&std::fs::read_to_string(path).unwrap()).expect("mapping YAML")
}

#[test]
fn every_cis_rule_is_mapped_or_says_why_not() {
    let m = mapping();
    for rule in kensa_host::rules_of(Package::Cis) {
        let e = m
            .rules
            .get(rule.id)
            .unwrap_or_else(|| panic!("{} not in the mapping", rule.id));
        assert!(
            !e.ssg.is_empty() || e.why.is_some(),
            "{}: no SSG rule and no why",
            rule.id
        );
    }
    for id in m.rules.keys() {
        assert!(
            kensa_host::find_rule(id).is_some(),
            "mapping names unknown rule {id}"
        );
    }
    if let Ok(ds) = std::fs::read_to_string(&m.content) {
        for ssg in m.rules.values().flat_map(|e| &e.ssg) {
            assert!(
                ds.contains(&format!("{PREFIX}rule_{ssg}\"")),
                "{ssg} not in {}",
                m.content
            );
        }
    }
}

fn oscap_available(m: &Mapping) -> Option<String> {
    let found = Command::new("sh")
        .args(["-c", "command -v oscap-chroot"])
        .output();
    if !found.is_ok_and(|o| o.status.success()) {
        return Some(
            "oscap-chroot not installed (apt-get install openscap-scanner openscap-utils)".into(),
        );
    }
    if !Path::new(&m.content).is_file() {
        return Some(format!(
            "{} missing (apt-get install ssg-debian)",
            m.content
        ));
    }
    if !is_root() {
        return Some("fixture owners need root".into());
    }
    None
}

fn tailoring(m: &Mapping) -> String {
    let mut t = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    t += "<xccdf-1.2:Tailoring xmlns:xccdf-1.2=\"http://checklists.nist.gov/xccdf/1.2\" id=\"xccdf_kensa_tailoring_cis\">\n";
    t += &format!("<xccdf-1.2:benchmark href=\"{}\"/>\n", m.content);
    t += "<xccdf-1.2:version time=\"2026-12-07T00:00:00\">1</xccdf-1.2:version>\n";
    t += &format!("<xccdf-1.2:Profile id=\"{PROFILE}\">\n<xccdf-1.2:title>kensa CIS subset</xccdf-1.2:title>\n");
    for ssg in m.rules.values().flat_map(|e| &e.ssg) {
        t += &format!("<xccdf-1.2:select idref=\"{PREFIX}rule_{ssg}\" selected=\"true\"/>\n");
    }
    for (k, v) in &m.values {
        t += &format!(
            "<xccdf-1.2:set-value idref=\"{PREFIX}value_{k}\">{v}</xccdf-1.2:set-value>\n"
        );
    }
    t + "</xccdf-1.2:Profile>\n</xccdf-1.2:Tailoring>\n"
}

/// What OpenSCAP's dpkginfo probe needs inside the root besides the package database:
/// dpkg's architecture tables and apt's list directory (read, never written to the repo).
fn prepare_for_oscap(root: &Path, work: &Path) -> PathBuf {
    let dpkg = root.join("usr/share/dpkg");
    std::fs::create_dir_all(&dpkg).unwrap();
    for table in ["cputable", "tupletable"] {
        let _ = std::fs::copy(Path::new("/usr/share/dpkg").join(table), dpkg.join(table));
    }
    std::fs::create_dir_all(root.join("var/lib/apt/lists/partial")).unwrap();
    // apt otherwise runs `dpkg --print-foreign-architectures` inside the chroot.
    let apt = work.join("apt.conf");
    std::fs::write(
        &apt,
        "APT::Architecture \"amd64\";\nAPT::Architectures { \"amd64\"; };\n",
    )
    .unwrap();
    apt
}

/// SSG rule id -> result (`pass`, `fail`, `notapplicable`, ...).
fn run_oscap(m: &Mapping, root: &Path) -> BTreeMap<String, String> {
    let work = tempfile::tempdir().unwrap();
    let apt = prepare_for_oscap(root, work.path());
    let tailoring_file = work.path().join("tailoring.xml");
    std::fs::write(&tailoring_file, tailoring(m)).unwrap();
    let results = work.path().join("results.xml");
    let out = Command::new("oscap-chroot")
        .arg(root)
        .args(["xccdf", "eval", "--tailoring-file"])
        .arg(&tailoring_file)
        .args(["--profile", PROFILE, "--results"])
        .arg(&results)
        .arg(&m.content)
        .env("APT_CONFIG", &apt)
        .output()
        .expect("oscap-chroot runs");
    // 0: all pass, 2: some fail; 1 is an error.
    assert!(
        matches!(out.status.code(), Some(0 | 2)),
        "oscap-chroot failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    parse_results(&std::fs::read_to_string(&results).unwrap())
}

fn parse_results(xml: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let tag = format!("<rule-result idref=\"{PREFIX}rule_");
    for chunk in xml.split(&tag).skip(1) {
        let id = &chunk[..chunk.find('"').unwrap()];
        let result = chunk
            .split("<result>")
            .nth(1)
            .and_then(|r| r.split('<').next())
            .unwrap_or("missing");
        out.insert(id.to_string(), result.to_string());
    }
    out
}

/// Whether kensa's verdict and OpenSCAP's agree; `None` when not compared.
fn agrees(kensa: &str, ssg: &[&str]) -> Option<bool> {
    let any_fail = ssg.contains(&"fail");
    match kensa {
        "FAILED" => Some(any_fail),
        "PASSED" => Some(ssg.iter().all(|r| *r == "pass")),
        "NOT_APPLICABLE" => {
            Some(!any_fail && ssg.iter().all(|r| *r == "pass" || *r == "notapplicable"))
        }
        _ => None,
    }
}

#[test]
fn cis_subset_agrees_with_openscap_on_fixture_roots() {
    let m = mapping();
    if let Some(why) = oscap_available(&m) {
        eprintln!("NOTICE: OpenSCAP agreement test SKIPPED: {why}");
        return;
    }
    let mut rows = Vec::new();
    let mut disagreements = Vec::new();
    for name in OSCAP_ROOTS {
        let dir = materialize(name);
        let report = kensa_host::scan(&HostFacts::from_root(dir.path()).unwrap(), &[Package::Cis]);
        let oscap = run_oscap(&m, dir.path());
        for (rule, entry) in m.rules.iter().filter(|(_, e)| !e.ssg.is_empty()) {
            let kensa = report
                .results
                .iter()
                .find(|r| r.rule == rule)
                .unwrap()
                .outcome
                .label();
            let ssg: Vec<&str> = entry
                .ssg
                .iter()
                .map(|s| oscap.get(s).map_or("missing", String::as_str))
                .collect();
            let verdict = if let Some(reason) = &entry.openscap_unusable {
                assert!(ssg.iter().all(|r| *r == "notapplicable"), "{rule} on {name}: OpenSCAP now says {ssg:?}; the mapping's openscap_unusable note is stale ({reason})");
                "not compared (OpenSCAP cannot evaluate it under oscap-chroot)".to_string()
            } else {
                let divergence = entry
                    .known_divergence
                    .as_ref()
                    .filter(|d| d.fixture == *name);
                match (agrees(kensa, &ssg), divergence) {
                    (Some(false), Some(d)) => format!("known divergence: {}", d.why),
                    (Some(true), Some(d)) => {
                        disagreements.push(format!(
                            "{name} {rule}: agree, but the mapping declares a divergence ({})",
                            d.why
                        ));
                        "agree (stale divergence note)".into()
                    }
                    (Some(true), None) => "agree".into(),
                    (Some(false), None) => {
                        disagreements
                            .push(format!("{name} {rule}: kensa {kensa}, OpenSCAP {ssg:?}"));
                        "DISAGREE".into()
                    }
                    (None, _) => "not compared (kensa NOT_EVALUATED)".into(),
                }
            };
            let pairs: Vec<String> = entry
                .ssg
                .iter()
                .zip(&ssg)
                .map(|(s, r)| format!("{s}={r}"))
                .collect();
            rows.push(format!(
                "| {name} | {rule} | {kensa} | {} | {verdict} |",
                pairs.join(", ")
            ));
        }
    }
    if let Some(path) = std::env::var_os("KENSA_WRITE_OPENSCAP_RESULTS") {
        let mut doc = String::from("| fixture | kensa rule | kensa | OpenSCAP (ssg-debian11) | verdict |\n|---|---|---|---|---|\n");
        doc += &rows.join("\n");
        std::fs::write(path, doc + "\n").unwrap();
    }
    assert!(
        disagreements.is_empty(),
        "kensa and OpenSCAP disagree:\n{}",
        disagreements.join("\n")
    );
}
