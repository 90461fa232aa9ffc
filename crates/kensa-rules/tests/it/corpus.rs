//! Controls over the third-party Batfish snapshots of the shared corpus.
use std::path::PathBuf;

use kensa_model::{Severity, Snapshot};
use kensa_rules::RuleRun;

use crate::run_on;

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("KENSA_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
        });
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "notice: corpus not found at {}; corpus tests skipped",
            dir.display()
        );
        None
    }
}

fn batfish(case: &str) -> Option<Snapshot> {
    let snap = Snapshot::load(&corpus()?.join("aws/batfish").join(case)).expect("case loads");
    Some(snap)
}

fn failing(run: &RuleRun) -> Vec<(&str, Severity)> {
    run.findings
        .iter()
        .map(|f| (f.resource.id.as_str(), f.severity))
        .collect()
}

#[test]
fn load_balancer_case() {
    let Some(snap) = batfish("test-load-balancer") else {
        return;
    };
    let ssh = run_on("EC2.13", &snap);
    assert_eq!(
        failing(&ssh),
        [
            ("sg-09dabbcbd3f44ebcf", Severity::High),
            ("sg-0a74e5595da78724d", Severity::High)
        ]
    );
    // ICMP echo from the world is not a port: EC2.18 flags only the SSH rule.
    let ec2_18 = run_on("EC2.18", &snap);
    let f = ec2_18
        .findings
        .iter()
        .find(|f| f.resource.id == "sg-0a74e5595da78724d")
        .unwrap();
    assert_eq!(f.attributes["OPEN_PORTS"], "tcp 22");
    assert_eq!(
        failing(&run_on("EC2.2", &snap)),
        [("sg-014dccc589d557a6b", Severity::High)]
    );
}

#[test]
fn unattached_group_in_nat_gateway_case_is_low() {
    let Some(snap) = batfish("test-nat-gateway") else {
        return;
    };
    let run = run_on("EC2.19", &snap);
    let f = run
        .findings
        .iter()
        .find(|f| f.resource.id == "sg-0b647281e3f8f7c18")
        .unwrap();
    assert_eq!(
        (f.severity, f.attributes["ATTACHED"].as_str()),
        (Severity::Low, "false")
    );
    let attached = run
        .findings
        .iter()
        .find(|f| f.resource.id == "sg-0253af84ae6485905")
        .unwrap();
    assert_eq!(attached.severity, Severity::Critical);
}

#[test]
fn every_rule_runs_on_every_case() {
    let Some(dir) = corpus() else { return };
    for entry in std::fs::read_dir(dir.join("aws/batfish")).unwrap() {
        let path = entry.unwrap().path();
        if !path.join("aws_configs").is_dir() {
            continue;
        }
        let snap = Snapshot::load(&path).unwrap();
        for rule in kensa_rules::rules() {
            let run = run_on(&rule.id, &snap);
            for f in &run.findings {
                assert!(!f.description.is_empty(), "{}: {}", rule.id, path.display());
            }
        }
    }
}
