//! Benchmark (not a test): store N synthetic findings through the streaming writer,
//! then time the findings filter a user runs most (severity + package + tag, one page
//! of 100) and report p50/p99.
//!
//! ```sh
//! cargo run --release -p kensa-store --example findings_bench -- /tmp/bench.db 1000000
//! cargo run --release -p kensa-store --example findings_bench -- postgres://kensa@127.0.0.1:55432/bench 1000000
//! ```
//! The store must be new (a fresh file or an empty database).
use std::collections::BTreeMap;
use std::time::Instant;

use kensa_model::{finding_id, Finding, Package, ResourceRef, Severity};
use kensa_store::{
    FindingFilter, FindingWriter, Location, NewTarget, NewTemplate, RunState, Store, TagPair,
};

const ENVS: [&str; 4] = ["prod", "dev", "staging", "test"];
const PACKAGES: [Package; 3] = [Package::Config, Package::NetworkReachability, Package::Cve];

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let location = Location::parse(
        &args
            .next()
            .ok_or("usage: findings_bench STORE [N] [QUERIES]")?,
    );
    let n: u64 = args
        .next()
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let queries: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(200);
    let store = Store::open(&location).await?;
    store
        .create_target(&NewTarget {
            name: "bench".into(),
            ..Default::default()
        })
        .await?;
    let template = store
        .create_template(&NewTemplate {
            name: "bench".into(),
            target: "bench".into(),
            packages: vec!["config".into(), "network-reachability".into(), "cve".into()],
            ..Default::default()
        })
        .await?;
    let run = store.create_run(&template).await?;
    store
        .set_run_state(run, RunState::EvaluatingRules, None)
        .await?;

    let start = Instant::now();
    let mut writer = FindingWriter::new(&store, run, &BTreeMap::new(), "2026-12-07").await?;
    for i in 0..n {
        writer.push(synthetic(i)).await?;
    }
    let written = writer.finish().await?;
    store
        .finish_run(run, RunState::Completed, None, None)
        .await?;
    let insert = start.elapsed();
    println!(
        "{:?}: stored {written} findings in {:.1} s ({:.0} findings/s)",
        store.backend(),
        insert.as_secs_f64(),
        written as f64 / insert.as_secs_f64()
    );

    let mut times = Vec::with_capacity(queries);
    let mut rows = 0;
    for q in 0..queries {
        let filter = FindingFilter {
            severities: vec![Severity::ALL[q % 5]],
            packages: vec![PACKAGES[q % 3].as_str().into()],
            tags: vec![TagPair {
                key: "env".into(),
                value: ENVS[q % 4].into(),
            }],
            limit: 100,
            ..Default::default()
        };
        let t = Instant::now();
        rows += store.findings(&filter).await?.len();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    println!(
        "{:?}: {queries} queries (severity + package + tag, page of 100; {rows} rows): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        store.backend(),
        pct(0.50),
        pct(0.99),
        times[times.len() - 1]
    );
    Ok(())
}

/// Finding `i`: spread over 5 severities, 3 packages, 4 environments, 50,000 resources.
fn synthetic(i: u64) -> Finding {
    let resource = format!("i-{:017x}", i % 50_000);
    let rule = format!("RULE.{}", i / 50_000);
    let mut tags = BTreeMap::new();
    tags.insert("env".to_string(), ENVS[(i % 7 % 4) as usize].to_string());
    tags.insert("team".to_string(), format!("team-{}", i % 13));
    let mut attributes = BTreeMap::new();
    attributes.insert("PORT".to_string(), (i % 1024).to_string());
    Finding {
        id: finding_id(&rule, &resource, &[]),
        package: PACKAGES[(i % 3) as usize],
        rule_id: rule.clone(),
        title: format!("{rule} failed on {resource}"),
        severity: Severity::ALL[(i % 5) as usize],
        description: "A synthetic finding for the store benchmark: a description of about the length real ones have, naming the resource and what is wrong with it.".into(),
        recommendation: "Change the configuration as the rule's documentation says.".into(),
        resource: ResourceRef {
            resource_type: "AwsEc2Instance".into(),
            id: resource,
            arn: None,
            account: "111122223333".into(),
            region: "us-east-1".into(),
            tags,
        },
        attributes,
        evidence: None,
        compliance: Vec::new(),
        references: Vec::new(),
        first_seen: None,
        last_seen: None,
        status: Default::default(),
    }
}
