//! The planner and AWS's security-group quotas: unit cases and a property test.
use kensa_model::ec2::{SecurityGroup, SecurityGroupRule};
use kensa_model::gateway::{PrefixList, PrefixListEntry};
use kensa_model::{Scope, Snapshot};
use proptest::prelude::*;

use super::plan::{Change, Mode, Plan};
use super::planner::{build_plan_with_quotas, PlanRequest};
use super::planner_tests::permission_of;
use super::quota::{QuotaError, RuleCounter, RuleCounting, SgQuotas};
use super::rule::{RuleSpec, Source};
use crate::collect::extras::Extras;

fn scope() -> Scope {
    Scope {
        account: String::new(),
        region: "us-east-1".into(),
    }
}

/// One ingress rule of `sg-1` as `describe-security-group-rules` has it.
fn rule(n: usize, proto: &str, from: i32, to: i32, src: &Source) -> SecurityGroupRule {
    let mut r = SecurityGroupRule {
        security_group_rule_id: format!("sgr-{n:04}"),
        group_id: "sg-1".into(),
        ip_protocol: proto.into(),
        from_port: Some(from),
        to_port: Some(to),
        scope: scope(),
        ..Default::default()
    };
    match src {
        Source::CidrIpv4(c) => r.cidr_ipv4 = Some(c.clone()),
        Source::CidrIpv6(c) => r.cidr_ipv6 = Some(c.clone()),
        Source::PrefixList(p) => r.prefix_list_id = Some(p.clone()),
        Source::Group { .. } => unreachable!("not generated"),
    }
    r
}

/// `sg-1` with `rules`, and `pl-world` (0.0.0.0/0 and 10.0.0.0/8, `max_entries`).
fn snapshot(rules: Vec<SecurityGroupRule>, max_entries: i32) -> Snapshot {
    let mut s = Snapshot::default();
    s.security_groups.insert(
        "sg-1".into(),
        SecurityGroup {
            group_id: "sg-1".into(),
            group_name: "web".into(),
            vpc_id: Some("vpc-1".into()),
            scope: scope(),
            ..Default::default()
        },
    );
    // As AWS has them: the rules, and the same rules as the group's permissions.
    let group = s.security_groups.get_mut("sg-1").expect("just inserted");
    for r in &rules {
        group.ip_permissions.push(permission_of(r));
    }
    for r in rules {
        s.security_group_rules
            .insert(r.security_group_rule_id.clone(), r);
    }
    let entry = |c: &str| PrefixListEntry {
        cidr: c.into(),
        description: None,
    };
    s.prefix_lists.insert(
        "pl-world".into(),
        PrefixList {
            prefix_list_id: "pl-world".into(),
            address_family: Some("IPv4".into()),
            max_entries: Some(max_entries),
            entries: vec![entry("0.0.0.0/0"), entry("10.0.0.0/8")],
            ..Default::default()
        },
    );
    s
}

fn plan(s: &Snapshot, controls: &[&str], mode: Mode, quotas: &SgQuotas) -> Plan {
    let controls: Vec<String> = controls.iter().map(|c| c.to_string()).collect();
    build_plan_with_quotas(
        &PlanRequest {
            snapshot: s,
            extras: &Extras::default(),
            controls: &controls,
            mode,
            source: "test".into(),
        },
        quotas,
    )
    .expect("plan")
}

/// Runs the plan's actions on `sg-1` in order (add, then remove, as apply does); the
/// first peak above the quota, described.
fn first_overflow(s: &Snapshot, p: &Plan, quotas: &SgQuotas) -> Option<String> {
    let counter = RuleCounter {
        snapshot: s,
        counting: quotas.counting,
    };
    let mut state: Vec<RuleSpec> = Vec::new();
    for r in s
        .security_group_rules
        .values()
        .filter_map(RuleSpec::from_sg_rule)
    {
        if !state.iter().any(|x| x.same_rule(&r)) {
            state.push(r);
        }
    }
    for a in &p.actions {
        let Change::SecurityGroupRules { add, remove, .. } = &a.change else {
            continue;
        };
        let before = counter.usage(&state);
        for r in add {
            if !state.iter().any(|x| x.same_rule(r)) {
                state.push(r.clone());
            }
        }
        let peak = counter.usage(&state);
        let over = peak.exceeded(&before, quotas.rules_per_group);
        if !over.is_empty() {
            return Some(format!("{} overflows {over:?}", a.id));
        }
        state.retain(|x| !remove.iter().any(|r| r.same_rule(x)));
    }
    None
}

fn world4() -> Source {
    Source::CidrIpv4("0.0.0.0/0".into())
}

fn world6() -> Source {
    Source::CidrIpv6("::/0".into())
}

fn quotas(rules: u32, counting: RuleCounting) -> SgQuotas {
    SgQuotas::new(rules, 5, counting).unwrap()
}

#[test]
fn all_traffic_all_tcp_and_all_udp_share_their_kept_rules() {
    let rules = vec![
        rule(1, "-1", -1, -1, &world4()),
        rule(2, "tcp", 0, 65535, &world4()),
        rule(3, "udp", 0, 65535, &world4()),
    ];
    let s = snapshot(rules, 5);
    let q = SgQuotas::default();
    let p = plan(&s, &["EC2.13", "EC2.14", "EC2.53"], Mode::Narrow, &q);
    assert_eq!(p.actions.len(), 3, "{}", p.render_text());
    assert!(p.actions.iter().all(|a| a.summary.starts_with("narrow")));
    assert_eq!(first_overflow(&s, &p, &q), None);
}

#[test]
fn a_narrowing_that_cannot_fit_is_planned_as_a_revoke_with_the_reason() {
    // 50 office rules, then all TCP from the world: narrowing under EC2.19 needs ~25
    // new IPv4 rules, and 50 + 25 > 60.
    let mut rules: Vec<SecurityGroupRule> = (0..50)
        .map(|i| {
            rule(
                i,
                "tcp",
                443,
                443,
                &Source::CidrIpv4(format!("10.{i}.0.0/16")),
            )
        })
        .collect();
    rules.push(rule(99, "tcp", 0, 65535, &world4()));
    let s = snapshot(rules, 5);
    for counting in [RuleCounting::PerFamily, RuleCounting::Combined] {
        let q = quotas(60, counting);
        let p = plan(&s, &["EC2.19"], Mode::Narrow, &q);
        assert_eq!(p.actions.len(), 1);
        let a = &p.actions[0];
        assert!(a.summary.starts_with("revoke"), "{}", p.render_text());
        assert!(
            a.notes.iter().any(|n| n.contains("does not fit")
                && n.contains("above the quota of 60")
                && n.contains("inbound")),
            "{:?}",
            a.notes
        );
        assert_eq!(first_overflow(&s, &p, &q), None);
        // With room, the same group is narrowed.
        let roomy = plan(&s, &["EC2.19"], Mode::Narrow, &quotas(200, counting));
        assert!(roomy.actions[0].summary.starts_with("narrow"));
    }
}

#[test]
fn ipv6_rules_count_apart_only_in_per_family_counting() {
    // 45 IPv4 rules; narrowing all traffic from ::/0 adds ~25 IPv6 rules.
    let mut rules: Vec<SecurityGroupRule> = (0..45)
        .map(|i| {
            rule(
                i,
                "tcp",
                443,
                443,
                &Source::CidrIpv4(format!("10.{i}.0.0/16")),
            )
        })
        .collect();
    rules.push(rule(99, "-1", -1, -1, &world6()));
    let s = snapshot(rules, 5);
    let per_family = plan(
        &s,
        &["EC2.19"],
        Mode::Narrow,
        &quotas(60, RuleCounting::PerFamily),
    );
    assert!(per_family.actions[0].summary.starts_with("narrow"));
    let combined = plan(
        &s,
        &["EC2.19"],
        Mode::Narrow,
        &quotas(60, RuleCounting::Combined),
    );
    assert!(
        combined.actions[0].summary.starts_with("revoke"),
        "{}",
        combined.render_text()
    );
}

#[test]
fn a_prefix_list_counts_as_its_max_entries() {
    // The list's 10.0.0.0/8 needs its own rule when its world entry is revoked; with a
    // list of 40 max entries and 20 other rules, there is no room for 1 more (40+20+1).
    let mut rules: Vec<SecurityGroupRule> = (0..20)
        .map(|i| {
            rule(
                i,
                "tcp",
                443,
                443,
                &Source::CidrIpv4(format!("10.{i}.0.0/16")),
            )
        })
        .collect();
    rules.push(rule(
        99,
        "tcp",
        22,
        22,
        &Source::PrefixList("pl-world".into()),
    ));
    let q = quotas(60, RuleCounting::PerFamily);
    let small = snapshot(rules.clone(), 39);
    let p = plan(&small, &["EC2.13"], Mode::Revoke, &q);
    let Change::SecurityGroupRules { add, .. } = &p.actions[0].change else {
        panic!("security group change expected");
    };
    assert_eq!(add.len(), 1, "{}", p.render_text());
    let full = snapshot(rules, 40);
    let p = plan(&full, &["EC2.13"], Mode::Revoke, &q);
    let Change::SecurityGroupRules { add, .. } = &p.actions[0].change else {
        panic!("security group change expected");
    };
    assert!(add.is_empty(), "{}", p.render_text());
    assert!(p.actions[0]
        .notes
        .iter()
        .any(|n| n.contains("does not fit") && n.contains("other 1 CIDR(s)")));
}

#[test]
fn quotas_aws_cannot_have_are_refused() {
    assert!(matches!(
        SgQuotas::new(201, 5, RuleCounting::PerFamily),
        Err(QuotaError::Product { .. })
    ));
    assert!(SgQuotas::new(200, 5, RuleCounting::PerFamily).is_ok());
    assert!(SgQuotas::new(1000, 1, RuleCounting::Combined).is_ok());
    assert_eq!(
        SgQuotas::new(0, 5, RuleCounting::PerFamily),
        Err(QuotaError::Zero("rules per security group"))
    );
}

fn source() -> impl Strategy<Value = Source> {
    prop_oneof![
        3 => Just(world4()),
        2 => Just(world6()),
        1 => Just(Source::PrefixList("pl-world".into())),
        3 => (0u8..200).prop_map(|i| Source::CidrIpv4(format!("10.{i}.0.0/16"))),
        2 => (0u16..200).prop_map(|i| Source::CidrIpv6(format!("2001:db8:{i:x}::/48"))),
    ]
}

fn group_rule() -> impl Strategy<Value = (String, i32, i32, Source)> {
    let ports = (0i32..65536, 0i32..2000).prop_map(|(f, w)| (f, (f + w).min(65535)));
    (
        prop_oneof![Just("tcp"), Just("udp"), Just("-1"), Just("icmp")],
        ports,
        source(),
    )
        .prop_map(|(p, (f, t), s)| match p {
            "-1" | "icmp" => (p.to_owned(), -1, -1, s),
            _ => (p.to_owned(), f, t, s),
        })
}

const CONTROLS: [&str; 5] = ["EC2.13", "EC2.14", "EC2.19", "EC2.53", "EC2.54"];

proptest! {
    #[test]
    fn no_plan_exceeds_a_quota_in_either_counting_mode(
        rules in prop::collection::vec(group_rule(), 0..70),
        picked in prop::collection::vec(any::<bool>(), 5),
        narrow in any::<bool>(),
        quota in prop_oneof![Just(20u32), Just(40), Just(60), Just(100), Just(200)],
        max_entries in 1i32..30,
    ) {
        let rules = rules
            .iter()
            .enumerate()
            .map(|(i, (p, f, t, s))| rule(i, p, *f, *t, s))
            .collect();
        let s = snapshot(rules, max_entries);
        let controls: Vec<&str> = CONTROLS
            .iter()
            .zip(&picked)
            .filter(|(_, on)| **on)
            .map(|(c, _)| *c)
            .collect();
        prop_assume!(!controls.is_empty());
        let mode = if narrow { Mode::Narrow } else { Mode::Revoke };
        for counting in [RuleCounting::PerFamily, RuleCounting::Combined] {
            let q = quotas(quota, counting);
            let p = plan(&s, &controls, mode, &q);
            prop_assert_eq!(first_overflow(&s, &p, &q), None, "{}", p.render_text());
            prop_assert_eq!(&p, &plan(&s, &controls, mode, &q), "deterministic");
        }
    }
}
