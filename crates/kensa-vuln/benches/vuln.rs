//! Benchmarks: version comparisons per second (rpm, dpkg, apk) and matching 2,000
//! installed packages against a full-size synthetic distro advisory set.
//!
//! Run: `cargo bench -p kensa-vuln --bench vuln`
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kensa_vuln::synth::{generate, version_pairs, SynthConfig};
use kensa_vuln::version::{apk, deb, rpm};
use kensa_vuln::{to_findings, Filters, Matcher, Scheme};

fn bench_vercmp(c: &mut Criterion) {
    let mut group = c.benchmark_group("vercmp");
    for (scheme, cmp) in [
        (
            Scheme::Rpm,
            rpm::compare_evr as fn(&str, &str) -> std::cmp::Ordering,
        ),
        (Scheme::Deb, deb::compare),
        (Scheme::Apk, apk::compare),
    ] {
        let pairs = version_pairs(scheme, 1);
        group.throughput(Throughput::Elements(pairs.len() as u64));
        group.bench_function(scheme.as_str(), |b| {
            b.iter(|| {
                let mut n = 0u32;
                for (x, y) in &pairs {
                    n += cmp(black_box(x), black_box(y)) as i8 as u32;
                }
                n
            })
        });
    }
    group.finish();
}

fn bench_match(c: &mut Criterion) {
    let cfg = SynthConfig::default();
    let (records, inv) = generate(&cfg);
    eprintln!(
        "synthetic set: {} records, {} advisories, {} installed packages",
        records.len(),
        cfg.advisories,
        inv.packages.len()
    );
    let filters = Filters::default();
    let mut group = c.benchmark_group("match");
    group.sample_size(20);
    group.bench_function("index+match+findings 2000 pkgs", |b| {
        b.iter(|| {
            let matcher = Matcher::new(black_box(&records));
            let matches = matcher.match_inventory(&inv, &filters);
            to_findings(&inv.host, &matches).len()
        })
    });
    let matcher = Matcher::new(&records);
    eprintln!(
        "findings: {}",
        matcher.match_inventory(&inv, &filters).len()
    );
    group.bench_function("match only 2000 pkgs", |b| {
        b.iter(|| matcher.match_inventory(black_box(&inv), &filters).len())
    });
    group.finish();
}

criterion_group!(benches, bench_vercmp, bench_match);
criterion_main!(benches);
