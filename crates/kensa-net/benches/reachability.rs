//! Whole-account reachability: analysis plus findings on a synthetic account.
//! `cargo bench -p kensa-net --bench reachability` (set KENSA_BENCH_INSTANCES to change
//! the size; default 100,000 instances / 20,000 SGs / 2,000 subnets).
use criterion::{criterion_group, criterion_main, Criterion};

#[path = "support/synth.rs"]
mod synth;

fn whole_account(c: &mut Criterion) {
    let n: usize = std::env::var("KENSA_BENCH_INSTANCES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let snap = synth::account(n);
    let mut group = c.benchmark_group("reachability");
    group.sample_size(10);
    group.bench_function(format!("analyze+findings/{n}"), |b| {
        b.iter(|| {
            let a = kensa_net::analyze(&snap);
            kensa_net::findings::findings(&a).len()
        })
    });
    group.finish();
}

criterion_group!(benches, whole_account);
criterion_main!(benches);
