//! kensa's EC2 rule file: fixtures per rule, and alert counts on the invictus corpus
//! checked against an independent JSON-filtering model (`ec2_oracle`).

use crate::ec2_oracle::{expected, Lists};
use kensa_trail::{load_rules, Engine, Level};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn rule_file() -> PathBuf {
    crate_dir().join("rules/kensa_ec2_rules.yaml")
}

fn fixtures_dir() -> PathBuf {
    crate_dir().join("tests/fixtures/ec2")
}

/// The corpus root: `$KENSA_CORPUS`, else `shared/corpus` beside the workspace (found
/// by walking up, so worktrees nested one level deeper resolve it too).
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("KENSA_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let manifest = crate_dir();
            manifest
                .ancestors()
                .map(|a| a.join("shared/corpus"))
                .find(|p| p.is_dir())
                .unwrap_or_else(|| manifest.join("../../../shared/corpus"))
        });
    dir.is_dir().then_some(dir)
}

/// Rule names in file order, read as plain YAML.
pub fn rule_names() -> Vec<String> {
    let text = std::fs::read_to_string(rule_file()).expect("read rule file");
    let items: Vec<serde_yaml_ng::Value> = serde_yaml_ng::from_str(&text).expect("rule YAML");
    items
        .iter()
        .filter_map(|i| i.get("rule").and_then(|r| r.as_str()).map(str::to_owned))
        .collect()
}

/// `EC2 Snapshot Made Public` -> `ec2_snapshot_made_public`.
fn slug(rule: &str) -> String {
    let lower: String = rule
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    lower
        .split('_')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

pub fn fixture_path(rule: &str, kind: &str) -> PathBuf {
    fixtures_dir().join(format!("{}.{kind}.json", slug(rule)))
}

fn records(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    doc["Records"].as_array().cloned().unwrap_or_default()
}

/// Every record of every file under `dir` (delivery files, `{"Records": [...]}`).
pub fn corpus_records(dir: &Path) -> Vec<Value> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read corpus dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files.iter().flat_map(|f| records(f)).collect()
}

#[test]
fn every_rule_has_matching_and_non_matching_fixtures() {
    let names = rule_names();
    assert!(
        names.len() >= 23,
        "expected the full EC2 rule set, found {}",
        names.len()
    );
    for rule in &names {
        for kind in ["match", "nomatch"] {
            let path = fixture_path(rule, kind);
            assert!(
                !records(&path).is_empty(),
                "{rule}: {} has no records",
                path.display()
            );
        }
    }
}

/// The fixtures say what they claim: the independent model fires on every record of a
/// `.match.json` file and on none of a `.nomatch.json` file.
#[test]
fn independent_model_agrees_with_fixtures() {
    let lists = Lists::from_rule_file(&rule_file());
    for rule in rule_names() {
        for (i, ev) in records(&fixture_path(&rule, "match")).iter().enumerate() {
            assert!(
                expected(&rule, ev, &lists),
                "{rule}: match record {i} not matched by the model"
            );
        }
        for (i, ev) in records(&fixture_path(&rule, "nomatch")).iter().enumerate() {
            assert!(
                !expected(&rule, ev, &lists),
                "{rule}: nomatch record {i} matched by the model"
            );
        }
    }
}

/// The invictus corpus exercises the model: several rules must see real events.
#[test]
fn independent_model_sees_invictus_attacks() {
    let Some(corpus) = corpus_dir() else {
        eprintln!("notice: shared corpus not found, invictus model test skipped");
        return;
    };
    let events = corpus_records(&corpus.join("cloudtrail/invictus"));
    assert_eq!(events.len(), 2900);
    let lists = Lists::from_rule_file(&rule_file());
    let firing: Vec<String> = rule_names()
        .into_iter()
        .filter(|r| events.iter().any(|e| expected(r, e, &lists)))
        .collect();
    for rule in [
        "EC2 Security Group Opened To The Internet On Admin Ports",
        "EC2 Windows Password Data Requested",
        "EC2 Snapshot Attribute Modified",
        "EC2 Image Attribute Modified",
    ] {
        assert!(
            firing.iter().any(|f| f == rule),
            "{rule} finds nothing in invictus"
        );
    }
}

fn load_engine(paths: &[PathBuf]) -> Engine {
    let (rules, diags) = load_rules(paths);
    let errors: Vec<_> = diags.iter().filter(|d| d.level == Level::Error).collect();
    assert!(errors.is_empty(), "rule errors: {errors:#?}");
    Engine::new(rules)
}

/// Alerts per rule name, and the input errors, for one input.
fn run(engine: &Engine, bytes: &[u8], origin: &str) -> (BTreeMap<String, u64>, Vec<String>, u64) {
    let mut alerts = BTreeMap::new();
    let mut errors = Vec::new();
    let stats = engine.process(
        bytes,
        origin,
        &mut |a| *alerts.entry(a.rule.clone()).or_insert(0) += 1,
        &mut |e| errors.push(e.to_string()),
    );
    (alerts, errors, stats.events)
}

#[test]
fn rule_file_loads_cleanly_alone_and_beside_falcos_rules() {
    let (set, diags) = load_rules(&[rule_file()]);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(set.enabled_count(), rule_names().len());
    let Some(corpus) = corpus_dir() else {
        eprintln!("notice: shared corpus not found, Falco side-by-side load skipped");
        return;
    };
    let falco = corpus.join("rules/falco/aws_cloudtrail_rules.yaml");
    let (_, diags) = load_rules(&[falco, rule_file()]);
    let errors: Vec<_> = diags.iter().filter(|d| d.level == Level::Error).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn each_rule_fires_on_its_fixtures_and_not_on_near_misses() {
    let engine = load_engine(&[rule_file()]);
    for rule in rule_names() {
        for (kind, want_all) in [("match", true), ("nomatch", false)] {
            let path = fixture_path(&rule, kind);
            let bytes = std::fs::read(&path).unwrap();
            let (alerts, errors, events) = run(&engine, &bytes, &path.display().to_string());
            assert!(errors.is_empty(), "{}: {errors:?}", path.display());
            let fired = alerts.get(&rule).copied().unwrap_or(0);
            let want = if want_all { events } else { 0 };
            assert_eq!(
                fired, want,
                "{rule}: {} of {events} {kind} records fired",
                fired
            );
        }
    }
}

#[test]
fn bundled_rules_are_the_ec2_rule_file() {
    let (set, diags) = kensa_trail::load_rule_sources(&kensa_trail::bundled_rules());
    assert!(diags.is_empty(), "{diags:#?}");
    let bundled: Vec<&str> = set.rules().iter().map(|r| r.name.as_str()).collect();
    for rule in rule_names() {
        assert!(bundled.contains(&rule.as_str()), "{rule} not bundled");
    }
}

/// On the 2,900 real events of the invictus corpus, the engine's alerts per rule equal
/// the independent model's count of matching events.
#[test]
fn invictus_alert_counts_equal_the_independent_model() {
    let Some(corpus) = corpus_dir() else {
        eprintln!("notice: shared corpus not found, invictus count test skipped");
        return;
    };
    let dir = corpus.join("cloudtrail/invictus");
    let engine = load_engine(&[rule_file()]);
    let mut engine_counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut total_events = 0;
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for file in &files {
        let (alerts, errors, events) = run(
            &engine,
            &std::fs::read(file).unwrap(),
            &file.display().to_string(),
        );
        assert!(errors.is_empty(), "{errors:?}");
        total_events += events;
        for (rule, n) in alerts {
            *engine_counts.entry(rule).or_insert(0) += n;
        }
    }
    assert_eq!(total_events, 2900);

    let events = corpus_records(&dir);
    let lists = Lists::from_rule_file(&rule_file());
    let mut model_counts = BTreeMap::new();
    for rule in rule_names() {
        let n = events.iter().filter(|e| expected(&rule, e, &lists)).count() as u64;
        if n > 0 {
            model_counts.insert(rule, n);
        }
    }
    assert_eq!(engine_counts, model_counts);
    assert!(
        model_counts.len() >= 10,
        "invictus should exercise most rules: {model_counts:?}"
    );
}

/// The technique table of rules/README.md names existing rules, and covers every
/// Stratus Red Team EC2/VPC technique the issue lists.
#[test]
fn stratus_technique_table_names_bundled_rules() {
    let readme = std::fs::read_to_string(crate_dir().join("rules/README.md")).unwrap();
    let names = rule_names();
    let mut techniques = Vec::new();
    for row in readme.lines().filter(|l| l.starts_with("| `aws.")) {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let technique = cells[1].trim_matches('`');
        for rule in cells[3].split(';').map(str::trim) {
            assert!(
                names.iter().any(|n| n == rule),
                "{technique}: no rule {rule:?}"
            );
        }
        techniques.push(technique.to_string());
    }
    for t in [
        "aws.credential-access.ec2-get-password-data",
        "aws.credential-access.ec2-steal-instance-credentials",
        "aws.execution.ec2-launch-unusual-instances",
        "aws.execution.ec2-user-data",
        "aws.exfiltration.ec2-share-ami",
        "aws.exfiltration.ec2-share-ebs-snapshot",
        "aws.exfiltration.ec2-security-group-open-port-22-ingress",
        "aws.lateral-movement.ec2-serial-console-send-ssh-public-key",
        "aws.lateral-movement.ec2-instance-connect",
        "aws.defense-evasion.vpc-remove-flow-logs",
    ] {
        assert!(
            techniques.iter().any(|x| x == t),
            "{t} missing from rules/README.md"
        );
    }
    assert!(techniques.len() >= 15, "{techniques:?}");
}
