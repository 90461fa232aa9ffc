//! One pass of the CloudTrail throughput benchmark's work, for callgrind: N synthetic
//! records (seed 1) through the bundled rules, once. Given a file instead of a number,
//! it processes that file, so two builds can be compared on the same bytes
//! (`kensa synth trail --events 20000 --out trail.json`). A rules file as second argument
//! replaces the bundled rules, so that builds whose bundled rules differ can be compared
//! on the same rules too.
fn main() {
    let arg = std::env::args().nth(1).unwrap_or_else(|| "20000".into());
    let data = match arg.parse::<u64>() {
        Ok(events) => {
            let mut data = Vec::new();
            kensa_trail::synth::write_trail(events, 1, &mut data).expect("generate");
            data
        }
        Err(_) => std::fs::read(&arg).expect("read the trail file"),
    };
    let sources = match std::env::args().nth(2) {
        Some(path) => vec![kensa_trail::RuleSource {
            text: std::fs::read_to_string(&path).expect("read the rules file"),
            name: path,
        }],
        None => kensa_trail::bundled_rules(),
    };
    let (rules, errors) = kensa_trail::load_rule_sources(&sources);
    assert!(errors.is_empty(), "rules: {errors:?}");
    let engine = kensa_trail::Engine::new(rules);
    let mut alerts = 0u64;
    let stats = engine.process(&data, "bench", &mut |_| alerts += 1, &mut |_| {});
    println!("{} events, {alerts} alerts", stats.events);
}
