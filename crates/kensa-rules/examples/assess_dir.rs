//! Peak memory of `kensa compliance`'s phases on a snapshot directory (load, reachability
//! analysis, assessment), with the system allocator so heap profilers see every block:
//! `cargo run --release -p kensa-rules --example assess_dir -- DIR [framework] [--no-reachability]`.
use std::path::Path;

use kensa_model::Snapshot;
use kensa_rules::{assess, Context, NetReachability};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: assess_dir DIR [framework] [--no-reachability]");
        std::process::exit(2);
    };
    let framework = args
        .iter()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .map_or("fsbp", String::as_str);
    let reachability = !args.iter().any(|a| a == "--no-reachability");
    let framework = kensa_rules::framework::builtin(framework).expect("a built-in framework");
    let snapshot = Snapshot::load(Path::new(dir)).expect("a readable snapshot directory");
    println!("loaded: {}", memory());
    let analysis = reachability.then(|| kensa_net::analyze(&snapshot));
    println!("analysed: {}", memory());
    let reach = analysis.as_ref().map(NetReachability::new);
    drop(analysis);
    let mut ctx = Context::new(&snapshot);
    if let Some(reach) = &reach {
        ctx = ctx.with_reachability(reach);
    }
    println!("context: {}", memory());
    let assessment = assess(&ctx, &framework);
    let findings: usize = assessment.runs.iter().map(|r| r.findings.len()).sum();
    println!("assessed ({findings} findings): {}", memory());
}

/// Resident size now and at its peak (Linux `/proc/self/status`).
fn memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .filter(|l| l.starts_with("VmRSS:") || l.starts_with("VmHWM:"))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join(", ")
}
