//! Events per second on one core, after decompression: a synthetic realistic mix
//! (`kensa_trail::synth`) through the bundled rules, kensa's rule files in `rules/`, and
//! Falco's CloudTrail rules from the corpus.
//!
//! Run: `cargo bench -p kensa-trail --bench eval` (set KENSA_CORPUS if the corpus is not
//! at `shared/corpus` beside the workspace).

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kensa_trail::{load_rule_sources, Engine, Level, RuleSource};

const EVENTS: u64 = 100_000;

fn corpus() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("KENSA_CORPUS") {
        return Some(PathBuf::from(dir));
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|a| a.join("shared/corpus"))
        .find(|p| p.is_dir())
}

/// Rule sets to measure: (label, sources).
fn rule_sets() -> Vec<(String, Vec<RuleSource>)> {
    let mut sets = Vec::new();
    let bundled = kensa_trail::bundled_rules();
    if !bundled.is_empty() {
        sets.push(("bundled".to_string(), bundled));
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut own: Vec<RuleSource> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .filter_map(|p| {
            Some(RuleSource {
                name: p.display().to_string(),
                text: std::fs::read_to_string(&p).ok()?,
            })
        })
        .collect();
    own.sort_by(|a, b| a.name.cmp(&b.name));
    if !own.is_empty() {
        sets.push(("kensa-rules-dir".to_string(), own));
    }
    if let Some(c) = corpus() {
        let p = c.join("rules/falco/aws_cloudtrail_rules.yaml");
        if let Ok(text) = std::fs::read_to_string(&p) {
            sets.push((
                "falco".to_string(),
                vec![RuleSource {
                    name: p.display().to_string(),
                    text,
                }],
            ));
        }
    }
    sets
}

fn bench(c: &mut Criterion) {
    let mut data = Vec::new();
    let summary = kensa_trail::synth::write_trail(EVENTS, 1, &mut data).expect("generate");
    eprintln!(
        "{} events, {} bytes/event",
        summary.events,
        summary.bytes / summary.events
    );
    let mut group = c.benchmark_group("trail-eval");
    group.throughput(Throughput::Elements(EVENTS));
    group.sample_size(10);
    for (label, sources) in rule_sets() {
        let (rules, diags) = load_rule_sources(&sources);
        assert!(diags.iter().all(|d| d.level != Level::Error), "{diags:?}");
        let engine = Engine::new(rules);
        group.bench_function(label, |b| {
            b.iter(|| {
                let mut alerts = 0u64;
                let stats = engine.process(&data, "bench", &mut |_| alerts += 1, &mut |_| {});
                assert_eq!(stats.events, EVENTS);
                alerts
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
