//! Times every control over a synthetic account (no AWS, no files):
//! `cargo run --release -p kensa-rules --example bench_rules -- [groups] [instances] [subnets]`
//! (default 20,000 security groups, 100,000 instances, 2,000 subnets).
use std::time::Instant;

use kensa_model::ec2::{IpPermission, IpRange, SecurityGroup, Subnet, Vpc};
use kensa_model::instance::{GroupIdentifier, Instance, InstanceNetworkInterface, InstanceState};
use kensa_model::{Scope, Snapshot};
use kensa_rules::run_rule;
use kensa_rules::Context;

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let (groups, instances, subnets) = (
        args.first().copied().unwrap_or(20_000),
        args.get(1).copied().unwrap_or(100_000),
        args.get(2).copied().unwrap_or(2_000),
    );
    let t = Instant::now();
    let snap = synthetic(groups, instances, subnets);
    println!(
        "generated {groups} groups, {instances} instances, {subnets} subnets in {:?}",
        t.elapsed()
    );
    let t = Instant::now();
    let ctx = Context::new(&snap);
    println!("context (attachment index): {:?}", t.elapsed());
    let mut findings = 0;
    let total = Instant::now();
    for rule in kensa_rules::rules() {
        let t = Instant::now();
        let run = run_rule(&ctx, rule, &rule.control, &rule.defaults);
        findings += run.findings.len();
        let ms = t.elapsed().as_secs_f64() * 1e3;
        if ms > 50.0 {
            println!(
                "  {:45} {:8.1} ms  {} findings",
                rule.id,
                ms,
                run.findings.len()
            );
        }
    }
    println!(
        "all {} rules: {:?}, {findings} findings",
        kensa_rules::rules().len(),
        total.elapsed()
    );
}

/// A deterministic account: every 10th group opens a port to the world, every 7th
/// instance has a public address and IMDSv1.
fn synthetic(groups: usize, instances: usize, subnets: usize) -> Snapshot {
    let scope = Scope {
        account: "123456789012".into(),
        region: "us-east-1".into(),
    };
    let mut s = Snapshot::default();
    s.vpcs.insert(
        "vpc-1".into(),
        Vpc {
            vpc_id: "vpc-1".into(),
            scope: scope.clone(),
            ..Default::default()
        },
    );
    for i in 0..subnets {
        let id = format!("subnet-{i:06}");
        let subnet = Subnet {
            subnet_id: id.clone(),
            vpc_id: "vpc-1".into(),
            map_public_ip_on_launch: i % 5 == 0,
            scope: scope.clone(),
            ..Default::default()
        };
        s.subnets.insert(id, subnet);
    }
    for g in 0..groups {
        let id = format!("sg-{g:08}");
        let world = g % 10 == 0;
        let port = [22, 80, 443, 3389, 5432, 8080][g % 6];
        let cidr = if world { "0.0.0.0/0" } else { "10.0.0.0/8" };
        let perm = |proto: &str, from: i32, to: i32| IpPermission {
            ip_protocol: proto.into(),
            from_port: Some(from),
            to_port: Some(to),
            ip_ranges: vec![IpRange {
                cidr_ip: cidr.into(),
                description: None,
            }],
            ..Default::default()
        };
        let sg = SecurityGroup {
            group_id: id.clone(),
            group_name: if g == 0 {
                "default".into()
            } else {
                format!("g{g}")
            },
            vpc_id: Some("vpc-1".into()),
            ip_permissions: vec![
                perm("tcp", port, port),
                perm("tcp", 1024, 2048),
                perm("udp", 53, 53),
            ],
            scope: scope.clone(),
            ..Default::default()
        };
        s.security_groups.insert(id, sg);
    }
    for i in 0..instances {
        let id = format!("i-{i:010}");
        let groups: Vec<GroupIdentifier> = [i % groups, (i * 7 + 3) % groups]
            .iter()
            .map(|g| GroupIdentifier {
                group_id: format!("sg-{g:08}"),
                group_name: None,
            })
            .collect();
        let metadata =
            serde_json::json!({"HttpTokens": if i % 7 == 0 { "optional" } else { "required" }});
        let inst = Instance {
            instance_id: id.clone(),
            state: Some(InstanceState {
                code: Some(16),
                name: "running".into(),
            }),
            subnet_id: Some(format!("subnet-{:06}", i % subnets)),
            public_ip_address: (i % 7 == 0)
                .then(|| format!("203.0.{}.{}", (i / 256) % 256, i % 256)),
            security_groups: groups.clone(),
            network_interfaces: vec![InstanceNetworkInterface {
                network_interface_id: format!("eni-{i:010}"),
                groups,
                ..Default::default()
            }],
            metadata_options: Some(metadata),
            scope: scope.clone(),
            ..Default::default()
        };
        s.instances.insert(id, inst);
    }
    s
}
