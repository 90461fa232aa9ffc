//! The streamed findings are the collected ones: same findings, same order, same ids.
use std::path::PathBuf;

use kensa_model::synth::{self, SynthParams};
use kensa_model::{Document, Finding, Scope, Snapshot};
use kensa_net::findings::{findings, stream};

/// Compares both forms; returns the findings.
fn assert_same(name: &str, snap: &Snapshot) -> Vec<Finding> {
    let analysis = kensa_net::analyze(snap);
    let collected = findings(&analysis);
    let streamed: Vec<Finding> = stream(&analysis).collect();
    assert!(!collected.is_empty(), "{name}: no findings to compare");
    assert_eq!(
        streamed.len(),
        collected.len(),
        "{name}: finding counts differ"
    );
    for (i, (s, c)) in streamed.iter().zip(&collected).enumerate() {
        // Compare the JSON: it is what every consumer sees, and it shows the difference.
        let (s, c) = (
            serde_json::to_value(s).unwrap(),
            serde_json::to_value(c).unwrap(),
        );
        assert_eq!(s, c, "{name}: finding {i} differs");
    }
    collected
}

#[test]
fn demo_streams_the_collected_findings() {
    let _ = assert_same("demo", &kensa_model::demo::snapshot());
}

#[test]
fn synthetic_account_streams_the_collected_findings() {
    // Several regions, load balancers with targets, shared groups: many findings per
    // instance and resources that several sources report on.
    let files = synth::account(&SynthParams {
        instances: 600,
        ..SynthParams::default()
    });
    let snap = Snapshot::from_documents(
        files
            .iter()
            .map(|(path, json)| Document::new(path.clone(), Scope::default(), json)),
    );
    let fs = assert_same("synth 600", &snap);
    // Targets behind load balancers are reported on the instance too: the stream must
    // merge them with the instance's own findings.
    assert!(fs
        .iter()
        .any(|f| f.attributes.contains_key("ELB") && f.resource.id.starts_with("i-")));
}

#[test]
fn corpus_snapshots_stream_the_collected_findings() {
    let Some(root) = std::env::var_os("KENSA_CORPUS").map(PathBuf::from) else {
        eprintln!("notice: KENSA_CORPUS not set; corpus equivalence skipped");
        return;
    };
    let mut compared = 0;
    for entry in std::fs::read_dir(root.join("aws"))
        .into_iter()
        .flatten()
        .flatten()
    {
        let Ok(snap) = Snapshot::load(&entry.path()) else {
            continue;
        };
        let analysis = kensa_net::analyze(&snap);
        if findings(&analysis).is_empty() {
            continue;
        }
        drop(analysis);
        let _ = assert_same(&entry.file_name().to_string_lossy(), &snap);
        compared += 1;
    }
    assert!(compared > 0, "no corpus snapshot with findings");
}
