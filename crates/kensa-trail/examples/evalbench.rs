//! Temporary profiling harness (not committed).
use kensa_trail::{load_rules, Engine, Stats};
fn cpu_ns() -> u64 {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap();
    text.split_whitespace().next().unwrap().parse().unwrap()
}
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rules = std::path::PathBuf::from(&args[1]);
    let events: u64 = args.get(2).map_or(200_000, |s| s.parse().unwrap());
    let passes: u32 = args.get(3).map_or(5, |s| s.parse().unwrap());
    let (set, diags) = load_rules(&[rules]);
    assert!(diags.iter().all(|d| d.level != kensa_trail::Level::Error));
    let engine = Engine::new(set);
    let cache = format!("/tmp/trailperf-synth-{events}.json");
    let data = match std::fs::read(&cache) {
        Ok(d) => d,
        Err(_) => {
            let mut data = Vec::new();
            kensa_trail::synth::write_trail(events, 1, &mut data).unwrap();
            std::fs::write(&cache, &data).unwrap();
            data
        }
    };
    let c0 = cpu_ns();
    let mut stats = Stats::default();
    for _ in 0..passes {
        stats += engine.process(&data, "bench", &mut |_| {}, &mut |_| {});
    }
    let cpu = (cpu_ns() - c0) as f64 / 1e9;
    println!(
        "{} events {} alerts {} errors {:.3}s cpu {:.0} ev/s",
        stats.events,
        stats.alerts,
        stats.errors,
        cpu,
        stats.events as f64 / cpu
    );
}
