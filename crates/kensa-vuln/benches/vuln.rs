//! Benchmarks: version comparisons per second (rpm, dpkg, apk) and matching 2,000
//! installed packages against a full-size synthetic distro advisory set.
//!
//! Run: `cargo bench -p kensa-vuln --bench vuln`
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kensa_vuln::synth::{generate, SynthConfig};
use kensa_vuln::version::{apk, deb, rpm};
use kensa_vuln::{findings, Filters, Matcher};

/// Realistic version pairs: same-length numeric segments that differ late, epochs,
/// tildes and distro release tags, the common case when matching advisories.
fn pairs(scheme: &str) -> Vec<(String, String)> {
    let cfg = SynthConfig {
        advisories: 600,
        package_pool: 400,
        installed: 400,
        seed: 1,
    };
    let (records, inv) = generate(&cfg);
    let mut out: Vec<(String, String)> = records
        .iter()
        .zip(inv.packages.iter().cycle())
        .map(|(r, p)| (p.version.clone(), r.fixed.clone().unwrap_or_default()))
        .collect();
    if scheme == "deb" {
        for (a, b) in &mut out {
            *a = a.replace(".amzn2023.0.", "+deb12u").replace("-1", "~rc1-1");
            *b = b.replace(".amzn2023.0.", "+deb12u");
        }
    } else if scheme == "apk" {
        for (a, b) in &mut out {
            *a = apk_like(a);
            *b = apk_like(b);
        }
    }
    out
}

fn apk_like(v: &str) -> String {
    let v = v.split(':').next_back().unwrap_or(v);
    let (ver, rel) = v.split_once('-').unwrap_or((v, "0"));
    let rel: String = rel.chars().take_while(|c| c.is_ascii_digit()).collect();
    format!("{ver}_p{}-r{rel}", rel.len())
}

fn bench_vercmp(c: &mut Criterion) {
    let mut group = c.benchmark_group("vercmp");
    for (scheme, cmp) in [
        (
            "rpm",
            rpm::compare_evr as fn(&str, &str) -> std::cmp::Ordering,
        ),
        ("deb", deb::compare),
        ("apk", apk::compare),
    ] {
        let pairs = pairs(scheme);
        group.throughput(Throughput::Elements(pairs.len() as u64));
        group.bench_function(scheme, |b| {
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
            findings::to_findings(&inv.host, &matches).len()
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
