//! One whole-account run on the synthetic account, for `/usr/bin/time -v`:
//! `cargo run --release -p kensa-net --example account_scan -- 100000 [--no-findings]`.
//! Prints wall-clock phase times (unreliable on a loaded machine: read the user CPU time
//! that `/usr/bin/time` reports).
use std::time::Instant;

#[path = "../benches/support/synth.rs"]
mod synth;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let skip_findings = std::env::args().any(|a| a == "--no-findings");
    let t0 = Instant::now();
    let snap = synth::account(n);
    let t1 = Instant::now();
    let a = kensa_net::analyze(&snap);
    let t2 = Instant::now();
    let f = if skip_findings {
        Vec::new()
    } else {
        kensa_net::findings::findings(&a)
    };
    let t3 = Instant::now();
    let exposed = a.enis.iter().filter(|r| !r.exposures.is_empty()).count();
    println!(
        "instances={} groups={} subnets={} enis_analysed={} exposed_enis={} findings={} warnings={}",
        snap.instances.len(),
        snap.security_groups.len(),
        snap.subnets.len(),
        a.enis.len(),
        exposed,
        f.len(),
        a.warnings().len()
    );
    println!(
        "generate {:.3}s  analyze {:.3}s  findings {:.3}s",
        (t1 - t0).as_secs_f64(),
        (t2 - t1).as_secs_f64(),
        (t3 - t2).as_secs_f64()
    );
}
