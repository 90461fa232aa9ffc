//! One pass of the CloudTrail throughput benchmark's work, for callgrind: N synthetic
//! records (seed 1) through the bundled rules, once.
fn main() {
    let events: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20_000);
    let mut data = Vec::new();
    kensa_trail::synth::write_trail(events, 1, &mut data).expect("generate");
    let (rules, _) = kensa_trail::load_rule_sources(&kensa_trail::bundled_rules());
    let engine = kensa_trail::Engine::new(rules);
    let mut alerts = 0u64;
    let stats = engine.process(&data, "bench", &mut |_| alerts += 1, &mut |_| {});
    assert_eq!(stats.events, events);
    println!("{} events, {alerts} alerts", stats.events);
}
