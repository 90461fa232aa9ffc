//! The cost of one incremental update, and event -> alert processing latency, on the
//! synthetic account of the model's generator (`kensa synth account`).
//! `cargo bench -p kensa-watch --bench update` (KENSA_BENCH_INSTANCES: comma-separated
//! sizes; default 10,000 and 100,000 instances, i.e. 2,000 and 20,000 groups).
//!
//! * `update/N`: one event applied and its affected interfaces recomputed: SSH from
//!   0.0.0.0/0 authorised on a group in use, then revoked, group after group;
//! * `receive_to_alert/N`: the same from the record's bytes as a queue delivers them
//!   (JSON parsed, event applied, exposures recomputed, alert lines written).
use criterion::{criterion_group, criterion_main, Criterion};
use kensa_model::synth::{self, SynthParams};
use kensa_model::{Document, Scope, Snapshot};
use kensa_report::stream::Record;
use kensa_watch::{ChangeEvent, Watcher};

fn sizes() -> Vec<usize> {
    std::env::var("KENSA_BENCH_INSTANCES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 100_000])
}

fn account(n: usize) -> Snapshot {
    let files = synth::account(&SynthParams {
        instances: n,
        ..SynthParams::default()
    });
    Snapshot::from_documents(
        files
            .iter()
            .map(|(path, json)| Document::new(path.clone(), Scope::default(), json)),
    )
}

fn update(c: &mut Criterion) {
    let mut group = c.benchmark_group("watch");
    group.sample_size(50);
    for n in sizes() {
        let mut w = Watcher::new(account(n));
        // An even number of events: authorise then revoke, so the cycle restarts from
        // the state it began in.
        let events = kensa_watch::synth::ssh_churn(w.snapshot(), 2_000);
        let records: Vec<String> = events.iter().map(|e| e.to_record().to_string()).collect();
        let mut next = 0usize;
        group.bench_function(format!("update/{n}"), |b| {
            b.iter(|| {
                let alerts = w.process(&events[next % events.len()]);
                next += 1;
                alerts.len()
            })
        });
        // Continue the cycle where the previous benchmark left it.
        group.bench_function(format!("receive_to_alert/{n}"), |b| {
            b.iter(|| {
                let raw = &records[next % records.len()];
                next += 1;
                let v: serde_json::Value = serde_json::from_str(raw).expect("a synthetic record");
                let ev = ChangeEvent::from_record(&v).expect("a synthetic record");
                let lines: Vec<String> = w.process(&ev).iter().map(|r| r.text_line()).collect();
                lines.len()
            })
        });
        let s = w.stats();
        eprintln!(
            "{n} instances: {} events, {} alerts, {} interfaces recomputed ({:.1} per event)",
            s.events,
            s.alerts,
            s.interfaces_recomputed,
            s.interfaces_recomputed as f64 / s.events.max(1) as f64
        );
    }
    group.finish();
}

criterion_group!(benches, update);
criterion_main!(benches);
