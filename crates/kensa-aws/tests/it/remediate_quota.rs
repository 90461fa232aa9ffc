//! Plans AWS accepts, on moto: several actions on one group each verified for what it
//! does, quota-aware narrowing, and an action that fails halfway leaving the group as it
//! was. moto counts IPv4 and IPv6 rules together (60 per VPC group).
use aws_sdk_ec2::Client;
use kensa_aws::collect::Extras;
use kensa_aws::remediate::live::{describe_group, sdk_permission};
use kensa_aws::remediate::rollback::canonical_groups;
use kensa_aws::remediate::{
    apply_plan, build_plan_with_quotas, rollback, ApplyOptions, ApplyReport, Change, Mode, Plan,
    PlanRequest, RuleCounting, RuleSpec, SgQuotas, Source, Status,
};
use kensa_aws::testing::{MotoServer, TEST_REGION};
use serde_json::Value;

use crate::collect::collect_into;
use crate::{moto_or_skip, snapshot};

fn spec(proto: &str, ports: Option<(i32, i32)>, source: Source) -> RuleSpec {
    RuleSpec {
        egress: false,
        ip_protocol: proto.into(),
        from_port: ports.map(|p| p.0),
        to_port: ports.map(|p| p.1),
        source,
        description: None,
        rule_id: None,
    }
}

fn v4(c: &str) -> Source {
    Source::CidrIpv4(c.into())
}

/// A VPC group holding `rules` (one authorisation each).
async fn group_with(ec2: &Client, rules: &[RuleSpec]) -> String {
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.0.0.0/16")
        .send()
        .await
        .unwrap()
        .vpc()
        .and_then(|v| v.vpc_id())
        .unwrap()
        .to_owned();
    let id = ec2
        .create_security_group()
        .group_name("quota")
        .description("kensa quota test")
        .vpc_id(&vpc)
        .send()
        .await
        .unwrap()
        .group_id()
        .unwrap()
        .to_owned();
    for r in rules {
        ec2.authorize_security_group_ingress()
            .group_id(&id)
            .ip_permissions(sdk_permission(r))
            .send()
            .await
            .unwrap();
    }
    id
}

async fn plan(moto: &MotoServer, controls: &[&str], counting: RuleCounting) -> Plan {
    let out = tempfile::tempdir().unwrap();
    collect_into(moto, out.path()).await;
    let snap = snapshot::load(out.path());
    let extras = Extras::load(out.path()).unwrap();
    let controls: Vec<String> = controls.iter().map(|c| c.to_string()).collect();
    let request = PlanRequest {
        snapshot: &snap,
        extras: &extras,
        controls: &controls,
        mode: Mode::Narrow,
        source: "moto".into(),
    };
    let quotas = SgQuotas::new(60, 5, counting).unwrap();
    build_plan_with_quotas(&request, &quotas).expect("plan")
}

async fn apply(moto: &MotoServer, plan: &Plan, journal: &std::path::Path) -> ApplyReport {
    let opts = ApplyOptions {
        apply: true,
        journal_root: journal.to_owned(),
        now: std::time::SystemTime::now(),
    };
    let report = apply_plan(&moto.target(&[TEST_REGION]), plan, &opts)
        .await
        .expect("apply");
    eprintln!("{}", report.render_text());
    report
}

async fn state(ec2: &Client, id: &str) -> Value {
    canonical_groups(&describe_group(ec2, id).await.unwrap())
}

/// World-open tcp rules on `port`.
async fn world_opens(ec2: &Client, id: &str, port: u16) -> Vec<String> {
    describe_group(ec2, id)
        .await
        .unwrap()
        .specs()
        .iter()
        .filter(|r| !r.egress && r.source.is_world())
        .filter(|r| r.ip_protocol == "-1" || (r.ip_protocol == "tcp" && r.ports().contains(port)))
        .map(RuleSpec::describe)
        .collect()
}

async fn rolls_back_exactly(moto: &MotoServer, report: &ApplyReport, dir: &std::path::Path) {
    let back = rollback(
        &moto.target(&[TEST_REGION]),
        dir,
        report.journal_id.as_deref().unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(back.failed(), 0, "{}", back.render_text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn narrowing_all_traffic_all_tcp_and_all_udp_verifies_each_action() {
    let moto = moto_or_skip!();
    let ec2 = Client::new(&moto.sdk_config(TEST_REGION).await);
    let world = || v4("0.0.0.0/0");
    let id = group_with(
        &ec2,
        &[
            spec("-1", None, world()),
            spec("tcp", Some((0, 65535)), world()),
            spec("udp", Some((0, 65535)), world()),
        ],
    )
    .await;
    let before = state(&ec2, &id).await;
    // EC2.53 also restricts udp 22 and 3389: three actions on one group.
    let plan = plan(
        &moto,
        &["EC2.13", "EC2.14", "EC2.53"],
        RuleCounting::Combined,
    )
    .await;
    eprintln!("{}", plan.render_text());
    assert_eq!(plan.actions.len(), 3);
    let journal = tempfile::tempdir().unwrap();
    let report = apply(&moto, &plan, journal.path()).await;
    assert_eq!(report.failed(), 0, "apply exits 0");
    assert!(report
        .actions
        .iter()
        .all(|a| a.status == Status::Applied && a.verified == Some(true)));
    for port in [22, 3389] {
        assert!(world_opens(&ec2, &id, port).await.is_empty());
    }
    assert!(!world_opens(&ec2, &id, 443).await.is_empty(), "kept");
    rolls_back_exactly(&moto, &report, journal.path()).await;
    assert_eq!(state(&ec2, &id).await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ec2_13_14_19_narrowing_applies_cleanly_or_is_planned_as_a_revoke_never_half() {
    let moto = moto_or_skip!();
    let ec2 = Client::new(&moto.sdk_config(TEST_REGION).await);
    let id = group_with(
        &ec2,
        &[
            spec("tcp", Some((0, 65535)), v4("0.0.0.0/0")),
            spec("tcp", Some((0, 65535)), v4("10.0.0.0/8")),
            spec("-1", None, Source::CidrIpv6("::/0".into())),
            spec("tcp", Some((443, 443)), v4("0.0.0.0/0")),
        ],
    )
    .await;
    let before = state(&ec2, &id).await;
    let plan = plan(
        &moto,
        &["EC2.13", "EC2.14", "EC2.19"],
        RuleCounting::Combined,
    )
    .await;
    eprintln!("{}", plan.render_text());
    let ours: Vec<_> = plan
        .actions
        .iter()
        .filter(|a| a.resource_id == id)
        .collect();
    assert_eq!(
        ours.len(),
        2,
        "all tcp v4 and all traffic v6; 443 is allowed"
    );
    for a in &ours {
        let Change::SecurityGroupRules { add, .. } = &a.change else {
            panic!("group change expected");
        };
        assert!(
            !add.is_empty() || a.notes.iter().any(|n| n.contains("does not fit")),
            "a revoke says why: {:?}",
            a.notes
        );
    }
    let journal = tempfile::tempdir().unwrap();
    let report = apply(&moto, &plan, journal.path()).await;
    assert_eq!(report.failed(), 0, "every action applied and verified");
    assert!(report
        .actions
        .iter()
        .all(|a| a.status == Status::Applied && a.verified == Some(true)));
    for port in [22, 3389, 3306, 5432] {
        assert!(world_opens(&ec2, &id, port).await.is_empty(), "{port}");
    }
    let live = describe_group(&ec2, &id).await.unwrap().specs();
    assert!(
        live.iter().any(|r| r.source == v4("10.0.0.0/8")),
        "the private rule stays"
    );
    rolls_back_exactly(&moto, &report, journal.path()).await;
    assert_eq!(state(&ec2, &id).await, before, "journal restores the group");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quota_failure_halfway_leaves_the_group_as_it_was() {
    let moto = moto_or_skip!();
    let ec2 = Client::new(&moto.sdk_config(TEST_REGION).await);
    let mut rules: Vec<RuleSpec> = (0..40)
        .map(|i| spec("tcp", Some((443, 443)), v4(&format!("10.{i}.0.0/16"))))
        .collect();
    rules.push(spec("-1", None, Source::CidrIpv6("::/0".into())));
    let id = group_with(&ec2, &rules).await;
    let before = state(&ec2, &id).await;

    // Counted per family (as AWS does) the narrowing fits; moto counts both families
    // together and refuses the ~20th new rule.
    let per_family = plan(&moto, &["EC2.19"], RuleCounting::PerFamily).await;
    assert_eq!(per_family.actions.len(), 1, "{}", per_family.render_text());
    assert!(per_family.actions[0].summary.starts_with("narrow"));
    let journal = tempfile::tempdir().unwrap();
    let report = apply(&moto, &per_family, journal.path()).await;
    let a = &report.actions[0];
    assert_eq!(a.status, Status::Failed);
    assert!(
        a.messages
            .iter()
            .any(|m| m.contains("put back exactly as it was")),
        "{:?}",
        a.messages
    );
    assert_eq!(state(&ec2, &id).await, before, "nothing half-applied");

    // Counted together, the plan revokes instead and says why; that applies cleanly.
    let combined = plan(&moto, &["EC2.19"], RuleCounting::Combined).await;
    eprintln!("{}", combined.render_text());
    assert_eq!(combined.actions.len(), 1);
    let a = &combined.actions[0];
    assert!(a.summary.starts_with("revoke"));
    assert!(
        a.notes.iter().any(|n| n.contains("does not fit")),
        "{:?}",
        a.notes
    );
    let report = apply(&moto, &combined, journal.path()).await;
    assert_eq!(report.failed(), 0);
    rolls_back_exactly(&moto, &report, journal.path()).await;
    assert_eq!(state(&ec2, &id).await, before);
}
