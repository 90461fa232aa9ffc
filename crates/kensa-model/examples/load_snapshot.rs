//! Loads a snapshot directory and reports how long it took and what it holds:
//! `cargo run --release -p kensa-model --example load_snapshot -- <dir>`.
use std::time::Instant;

use kensa_model::Snapshot;

fn main() {
    let Some(dir) = std::env::args_os().nth(1) else {
        eprintln!("usage: load_snapshot <snapshot-dir>");
        std::process::exit(2);
    };
    let started = Instant::now();
    let snapshot = match Snapshot::load(dir.as_ref()) {
        Ok(snapshot) => snapshot,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    println!(
        "loaded in {:.3} s: {} instances, {} ENIs, {} security groups, {} rules, {} subnets, {} VPCs, {} warnings",
        started.elapsed().as_secs_f64(),
        snapshot.instances.len(),
        snapshot.network_interfaces.len(),
        snapshot.security_groups.len(),
        snapshot.security_group_rules.len(),
        snapshot.subnets.len(),
        snapshot.vpcs.len(),
        snapshot.warnings.len()
    );
    if let Some(memory) = memory_status() {
        println!("memory after load: {memory}");
    }
    // Leave the snapshot to the OS, as a short-lived command does.
    std::mem::forget(snapshot);
}

/// Resident size now and at its peak (Linux `/proc/self/status`), e.g.
/// `VmRSS 512000 kB, VmHWM 640000 kB`: with the file buffers gone, `VmRSS` is about the
/// size of the loaded snapshot.
fn memory_status() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let fields: Vec<String> = status
        .lines()
        .filter(|l| l.starts_with("VmRSS:") || l.starts_with("VmHWM:"))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    (!fields.is_empty()).then(|| fields.join(", "))
}
