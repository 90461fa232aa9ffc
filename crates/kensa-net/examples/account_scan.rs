//! One whole-account run, for `/usr/bin/time -v`:
//! `cargo run --release -p kensa-net --example account_scan -- 100000 [--no-findings] [--builtin]`
//! or `... -- --dir SNAPSHOT [--no-findings]`.
//! The account comes from the model's synthetic generator (`kensa synth account`) in
//! memory, with `--dir` from a snapshot directory on disk (as `kensa scan` reads it, so
//! the peak RSS is that of a real run), or, with `--builtin`, from the benchmark's own
//! in-memory builder. Prints wall-clock phase
//! times (on a loaded machine read the user CPU time `/usr/bin/time` reports instead).
use std::time::Instant;

use kensa_model::synth::{self, SynthParams};
use kensa_model::{Document, Scope, Snapshot};

// The same allocator as the `kensa` binary, so the figures are those a user gets.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "../benches/support/synth.rs"]
mod builtin;

/// User+system CPU seconds of this process so far (Linux `/proc/self/stat`; 0 elsewhere).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map(|x| x.1).unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

/// Current and peak resident set size in MiB (Linux `/proc/self/status`; 0 elsewhere).
fn rss_mib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
            .map_or(0, |kib| kib / 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let skip_findings = args.iter().any(|a| a == "--no-findings");
    let t0 = Instant::now();
    let dir = args
        .iter()
        .position(|a| a == "--dir")
        .and_then(|i| args.get(i + 1));
    let snap = if let Some(dir) = dir {
        match Snapshot::load(std::path::Path::new(dir)) {
            Ok(snap) => snap,
            Err(e) => {
                eprintln!("error: {dir}: {e}");
                std::process::exit(2);
            }
        }
    } else if args.iter().any(|a| a == "--builtin") {
        builtin::account(n)
    } else {
        let files = synth::account(&SynthParams {
            instances: n,
            ..SynthParams::default()
        });
        Snapshot::from_documents(
            files
                .iter()
                .map(|(path, json)| Document::new(path.clone(), Scope::default(), json)),
        )
    };
    let (t1, c1, m1) = (Instant::now(), cpu_seconds(), rss_mib());
    let a = kensa_net::analyze(&snap);
    let (t2, c2, m2) = (Instant::now(), cpu_seconds(), rss_mib());
    let f = if skip_findings {
        Vec::new()
    } else {
        kensa_net::findings::findings(&a)
    };
    let (t3, c3, m3) = (Instant::now(), cpu_seconds(), rss_mib());
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
        "wall: generate+load {:.3}s  analyze {:.3}s  findings {:.3}s",
        (t1 - t0).as_secs_f64(),
        (t2 - t1).as_secs_f64(),
        (t3 - t2).as_secs_f64()
    );
    println!("cpu:  analyze {:.2}s  findings {:.2}s", c2 - c1, c3 - c2);
    println!(
        "rss MiB (current/peak): loaded {}/{}  analyzed {}/{}  findings {}/{}",
        m1.0, m1.1, m2.0, m2.1, m3.0, m3.1
    );
}
