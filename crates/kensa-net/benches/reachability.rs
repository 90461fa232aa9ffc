//! Whole-account reachability on the synthetic account of the model's generator
//! (`kensa synth account`): engine analysis, and analysis plus findings.
//! `cargo bench -p kensa-net --bench reachability` (KENSA_BENCH_INSTANCES sets the size;
//! default 100,000 instances, i.e. 20,000 SGs and 2,000 subnets).
use criterion::{criterion_group, criterion_main, Criterion};
use kensa_model::synth::{self, SynthParams};
use kensa_model::{Document, Scope, Snapshot};

fn whole_account(c: &mut Criterion) {
    let n: usize = std::env::var("KENSA_BENCH_INSTANCES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let files = synth::account(&SynthParams {
        instances: n,
        ..SynthParams::default()
    });
    let snap = Snapshot::from_documents(
        files
            .iter()
            .map(|(path, json)| Document::new(path.clone(), Scope::default(), json)),
    );
    drop(files);
    let mut group = c.benchmark_group("reachability");
    group.sample_size(10);
    group.bench_function(format!("analyze/{n}"), |b| {
        b.iter(|| kensa_net::analyze(&snap).enis.len())
    });
    // Findings are large objects (hundreds of thousands on the full account): their
    // benchmark uses at most 20,000 instances to stay within memory.
    let small_n = n.min(20_000);
    let small_files = synth::account(&SynthParams {
        instances: small_n,
        ..SynthParams::default()
    });
    let small = Snapshot::from_documents(
        small_files
            .iter()
            .map(|(path, json)| Document::new(path.clone(), Scope::default(), json)),
    );
    drop(small_files);
    group.bench_function(format!("analyze+findings/{small_n}"), |b| {
        b.iter(|| {
            let a = kensa_net::analyze(&small);
            kensa_net::findings::findings(&a).len()
        })
    });
    group.finish();
}

criterion_group!(benches, whole_account);
criterion_main!(benches);
