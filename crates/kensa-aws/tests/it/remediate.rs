//! plan -> apply -> verify -> rollback against moto.
use std::path::Path;

use aws_sdk_ec2::Client;
use kensa_aws::collect::Extras;
use kensa_aws::remediate::live::describe_group;
use kensa_aws::remediate::rollback::canonical_groups;
use kensa_aws::remediate::{
    apply_plan, rollback, ApplyOptions, ApplyReport, Mode, Plan, RuleSpec, Source, Status,
};
use kensa_aws::testing::{MotoServer, TEST_REGION};
use serde_json::Value;

use crate::collect::collect_into;
use crate::{env, moto_or_skip, snapshot};

async fn plan_from_moto(moto: &MotoServer, controls: &[&str], mode: Mode) -> Plan {
    let out = tempfile::tempdir().unwrap();
    collect_into(moto, out.path()).await;
    let snap = snapshot::load(out.path());
    let extras = Extras::load(out.path()).unwrap();
    snapshot::plan(&snap, &extras, controls, mode)
}

/// `DescribeSecurityGroups` of the groups, canonical order.
async fn groups(ec2: &Client, ids: &[&str]) -> Vec<Value> {
    let mut out = Vec::new();
    for id in ids {
        out.push(canonical_groups(&describe_group(ec2, id).await.unwrap()));
    }
    out
}

async fn rules(ec2: &Client, id: &str) -> Vec<RuleSpec> {
    describe_group(ec2, id).await.unwrap().specs()
}

/// Does any ingress rule from the world open `port` over tcp?
fn world_opens(rules: &[RuleSpec], port: u16) -> Vec<String> {
    rules
        .iter()
        .filter(|r| !r.egress && r.source.is_world())
        .filter(|r| match r.ip_protocol.as_str() {
            "-1" => true,
            "tcp" | "6" => r.ports().contains(port),
            _ => false,
        })
        .map(RuleSpec::describe)
        .collect()
}

async fn apply(moto: &MotoServer, plan: &Plan, journal: &Path, really: bool) -> ApplyReport {
    let opts = ApplyOptions {
        apply: really,
        journal_root: journal.to_owned(),
        now: std::time::SystemTime::now(),
    };
    apply_plan(&moto.target(&[TEST_REGION]), plan, &opts)
        .await
        .expect("apply")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn narrow_apply_verify_and_rollback_restore_the_groups() {
    let moto = moto_or_skip!();
    let env = env::build(&moto).await;
    let plan = plan_from_moto(&moto, &["EC2.13", "EC2.14"], Mode::Narrow).await;
    eprintln!("{}", plan.render_text());
    let touched: Vec<&str> = plan
        .actions
        .iter()
        .map(|a| a.resource_id.as_str())
        .collect();
    assert_eq!(
        touched.iter().filter(|g| **g == env.web).count(),
        2,
        "web: all tcp v4 and all traffic v6"
    );
    assert_eq!(
        touched.iter().filter(|g| **g == env.admin).count(),
        3,
        "admin: 22 v4, 22 v6, 3389 v4"
    );
    assert!(!touched.contains(&env.app.as_str()));

    let ids = [env.web.as_str(), env.admin.as_str(), env.app.as_str()];
    let before = groups(&env.ec2, &ids).await;
    let journal = tempfile::tempdir().unwrap();
    let report = apply(&moto, &plan, journal.path(), true).await;
    eprintln!("{}", report.render_text());
    assert_eq!(report.failed(), 0);
    assert!(report
        .actions
        .iter()
        .all(|a| a.status == Status::Applied && a.verified == Some(true)));

    let web = rules(&env.ec2, &env.web).await;
    for port in [22, 3389] {
        assert!(
            world_opens(&web, port).is_empty(),
            "port {port}: {:?}",
            world_opens(&web, port)
        );
    }
    for port in [0, 19, 24, 80, 443, 3388, 3390, 65535] {
        assert!(
            !world_opens(&web, port).is_empty(),
            "narrow closed allowed port {port}"
        );
    }
    let office = web
        .iter()
        .find(|r| r.source == Source::CidrIpv4("10.1.0.0/16".into()))
        .expect("sibling kept");
    assert_eq!((office.from_port, office.to_port), (Some(0), Some(65535)));
    assert_eq!(office.description.as_deref(), Some("office"));
    let kept = web
        .iter()
        .find(|r| r.source.is_world() && r.from_port == Some(0))
        .unwrap();
    assert_eq!(
        kept.description.as_deref(),
        Some("all tcp"),
        "descriptions are preserved"
    );
    let v6: Vec<String> = web
        .iter()
        .filter(|r| r.source == Source::CidrIpv6("::/0".into()))
        .map(RuleSpec::describe)
        .collect();
    assert!(v6.iter().any(|d| d.starts_with("icmpv6")), "{v6:?}");
    let admin = rules(&env.ec2, &env.admin).await;
    assert!(world_opens(&admin, 22).is_empty() && world_opens(&admin, 3389).is_empty());
    assert!(
        admin
            .iter()
            .any(|r| r.source == Source::CidrIpv4("192.0.2.0/24".into())),
        "bastion CIDR kept"
    );
    assert_eq!(
        groups(&env.ec2, &[env.app.as_str()]).await[0],
        before[2],
        "app group untouched"
    );

    let back = rollback(
        &moto.target(&[TEST_REGION]),
        journal.path(),
        report.journal_id.as_deref().unwrap(),
    )
    .await
    .expect("rollback");
    eprintln!("{}", back.render_text());
    assert_eq!(back.failed(), 0);
    assert_eq!(
        groups(&env.ec2, &ids).await,
        before,
        "rollback restores DescribeSecurityGroups"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoke_dry_run_changes_nothing_and_reapply_is_idempotent() {
    let moto = moto_or_skip!();
    let env = env::build(&moto).await;
    let plan = plan_from_moto(
        &moto,
        &["EC2.13", "EC2.1", "EC2.7", "AMI.PUBLIC"],
        Mode::Revoke,
    )
    .await;
    eprintln!("{}", plan.render_text());
    let ids = [env.web.as_str(), env.admin.as_str(), env.app.as_str()];
    let before = groups(&env.ec2, &ids).await;
    let journal = tempfile::tempdir().unwrap();

    let dry = apply(&moto, &plan, journal.path(), false).await;
    assert!(dry.journal_id.is_none());
    assert!(
        dry.actions.iter().all(|a| a.status == Status::WouldApply),
        "{}",
        dry.render_text()
    );
    assert_eq!(
        groups(&env.ec2, &ids).await,
        before,
        "a dry run changes nothing"
    );
    assert!(
        std::fs::read_dir(journal.path()).unwrap().next().is_none(),
        "a dry run writes no journal"
    );

    let first = apply(&moto, &plan, journal.path(), true).await;
    eprintln!("{}", first.render_text());
    assert_eq!(first.failed(), 0);
    let admin = rules(&env.ec2, &env.admin).await;
    assert!(world_opens(&admin, 22).is_empty());
    assert!(
        admin
            .iter()
            .any(|r| r.source == Source::CidrIpv4("192.0.2.0/24".into())),
        "bastion CIDR kept"
    );
    assert!(
        !world_opens(&admin, 3389).is_empty(),
        "EC2.14 was not asked for"
    );

    let second = apply(&moto, &plan, journal.path(), true).await;
    assert!(
        second
            .actions
            .iter()
            .all(|a| a.status == Status::AlreadyApplied),
        "{}",
        second.render_text()
    );

    let back = rollback(
        &moto.target(&[TEST_REGION]),
        journal.path(),
        first.journal_id.as_deref().unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(back.failed(), 0, "{}", back.render_text());
    assert_eq!(groups(&env.ec2, &ids).await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_call_midway_is_reported_and_the_journal_still_rolls_back() {
    let moto = moto_or_skip!();
    let env = env::build(&moto).await;
    // A group that will be deleted between plan and apply.
    let doomed = env
        .ec2
        .create_security_group()
        .group_name("doomed")
        .description("deleted behind kensa's back")
        .vpc_id(&env.vpc)
        .send()
        .await
        .unwrap()
        .group_id()
        .unwrap()
        .to_owned();
    env.ec2
        .authorize_security_group_ingress()
        .group_id(&doomed)
        .ip_permissions(kensa_aws::remediate::live::sdk_permission(&RuleSpec {
            egress: false,
            ip_protocol: "tcp".into(),
            from_port: Some(22),
            to_port: Some(22),
            source: Source::CidrIpv4("0.0.0.0/0".into()),
            description: None,
            rule_id: None,
        }))
        .send()
        .await
        .unwrap();
    let plan = plan_from_moto(&moto, &["EC2.13", "EC2.14"], Mode::Narrow).await;
    let ids = [env.web.as_str(), env.admin.as_str()];
    let before = groups(&env.ec2, &ids).await;

    // Between plan and apply: the group goes, and someone removes the RDP rule.
    env.ec2
        .delete_security_group()
        .group_id(&doomed)
        .send()
        .await
        .unwrap();
    let rdp = rules(&env.ec2, &env.admin)
        .await
        .into_iter()
        .find(|r| r.source.is_world() && r.from_port == Some(3389))
        .unwrap();
    kensa_aws::remediate::live::revoke_ids(
        &env.ec2,
        &env.admin,
        false,
        &[rdp.rule_id.clone().unwrap()],
    )
    .await
    .unwrap();

    let journal = tempfile::tempdir().unwrap();
    let report = apply(&moto, &plan, journal.path(), true).await;
    eprintln!("{}", report.render_text());
    let by_group = |g: &str| {
        report
            .actions
            .iter()
            .filter(|a| a.resource_id == g)
            .collect::<Vec<_>>()
    };
    let failed = by_group(&doomed);
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].status, Status::Failed);
    assert!(
        failed[0]
            .messages
            .iter()
            .any(|m| m.contains("InvalidGroup.NotFound")),
        "{:?}",
        failed[0].messages
    );
    let gone = report
        .actions
        .iter()
        .find(|a| a.summary.contains("3389"))
        .unwrap();
    assert_eq!(gone.status, Status::AlreadyApplied);
    assert!(
        gone.messages.iter().any(|m| m.contains("no longer exists")),
        "{:?}",
        gone.messages
    );
    let applied = report
        .actions
        .iter()
        .filter(|a| a.status == Status::Applied)
        .count();
    assert_eq!(applied, 4, "web v4 + v6, admin 22 v4 + v6 still applied");
    assert_eq!(report.failed(), 1);

    // As if the process died right after its changes: only the `before` records remain.
    let run_dir = journal.path().join(report.journal_id.as_deref().unwrap());
    for entry in std::fs::read_dir(&run_dir).unwrap() {
        let path = entry.unwrap().path();
        if path.to_string_lossy().ends_with(".result.json") {
            std::fs::remove_file(path).unwrap();
        }
    }
    let back = rollback(
        &moto.target(&[TEST_REGION]),
        journal.path(),
        report.journal_id.as_deref().unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(back.failed(), 0, "{}", back.render_text());
    // The RDP rule was removed by someone else before kensa ran: rollback restores what
    // kensa found, so compare without it.
    let now = groups(&env.ec2, &ids).await;
    assert_eq!(now[0], before[0], "web restored");
    let admin_now = rules(&env.ec2, &env.admin).await;
    assert!(
        admin_now
            .iter()
            .any(|r| r.source.is_world() && r.from_port == Some(22)),
        "ssh rule restored"
    );
    assert!(!admin_now
        .iter()
        .any(|r| r.source.is_world() && r.from_port == Some(3389)));
}
