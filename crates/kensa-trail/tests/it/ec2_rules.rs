//! kensa's EC2 rule file: fixtures per rule, and alert counts on the invictus corpus
//! checked against an independent JSON-filtering model (`ec2_oracle`).

use crate::ec2_oracle::{expected, Lists};
use serde_json::Value;
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
