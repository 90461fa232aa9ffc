//! Planner unit tests on hand-built snapshots.
use kensa_model::ec2::{IpPermission, IpRange, SecurityGroup, SecurityGroupRule};
use kensa_model::gateway::{PrefixList, PrefixListEntry};
use kensa_model::{Scope, Snapshot};

use super::plan::{Change, Mode, Plan};
use super::planner::{build_plan, PlanError, PlanRequest};
use super::rule::{RuleSpec, Source};
use crate::collect::extras::{Extras, RegionExtras};

fn scope() -> Scope {
    Scope {
        account: String::new(),
        region: "us-east-1".into(),
    }
}

fn rule(
    id: &str,
    proto: &str,
    from: i32,
    to: i32,
    src: Source,
    desc: Option<&str>,
) -> SecurityGroupRule {
    let mut r = SecurityGroupRule {
        security_group_rule_id: id.into(),
        group_id: "sg-1".into(),
        is_egress: false,
        ip_protocol: proto.into(),
        from_port: Some(from),
        to_port: Some(to),
        description: desc.map(str::to_owned),
        scope: scope(),
        ..Default::default()
    };
    match src {
        Source::CidrIpv4(c) => r.cidr_ipv4 = Some(c),
        Source::CidrIpv6(c) => r.cidr_ipv6 = Some(c),
        Source::PrefixList(p) => r.prefix_list_id = Some(p),
        Source::Group { .. } => unreachable!("not used here"),
    }
    r
}

fn snapshot(rules: Vec<SecurityGroupRule>) -> Snapshot {
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
    // As AWS has them: the rules in `describe-security-group-rules` and the same rules as
    // the group's permissions in `describe-security-groups`.
    let group = s.security_groups.get_mut("sg-1").unwrap();
    for r in &rules {
        let perms = if r.is_egress {
            &mut group.ip_permissions_egress
        } else {
            &mut group.ip_permissions
        };
        perms.push(permission_of(r));
    }
    for r in rules {
        s.security_group_rules
            .insert(r.security_group_rule_id.clone(), r);
    }
    s
}

pub(super) fn permission_of(r: &SecurityGroupRule) -> IpPermission {
    let mut p = IpPermission {
        ip_protocol: r.ip_protocol.clone(),
        from_port: r.from_port,
        to_port: r.to_port,
        ..Default::default()
    };
    if let Some(c) = &r.cidr_ipv4 {
        p.ip_ranges.push(IpRange {
            cidr_ip: c.clone(),
            description: r.description.clone(),
        });
    }
    if let Some(c) = &r.cidr_ipv6 {
        p.ipv6_ranges.push(kensa_model::ec2::Ipv6Range {
            cidr_ipv6: c.clone(),
            description: r.description.clone(),
        });
    }
    if let Some(id) = &r.prefix_list_id {
        p.prefix_list_ids.push(kensa_model::ec2::PrefixListRef {
            prefix_list_id: id.clone(),
            description: r.description.clone(),
        });
    }
    p
}

fn plan(s: &Snapshot, extras: &Extras, controls: &[&str], mode: Mode) -> Result<Plan, PlanError> {
    let controls: Vec<String> = controls.iter().map(|c| c.to_string()).collect();
    build_plan(&PlanRequest {
        snapshot: s,
        extras,
        controls: &controls,
        mode,
        source: "test".into(),
    })
}

fn v4(c: &str) -> Source {
    Source::CidrIpv4(c.into())
}

fn sg_change(p: &Plan, i: usize) -> (&Vec<RuleSpec>, &Vec<RuleSpec>) {
    match &p.actions[i].change {
        Change::SecurityGroupRules { remove, add, .. } => (remove, add),
        other => panic!("expected a security group change, got {other:?}"),
    }
}

fn described(rules: &[RuleSpec]) -> Vec<String> {
    rules.iter().map(RuleSpec::describe).collect()
}

#[test]
fn narrow_all_tcp_keeps_everything_but_22_and_3389_and_the_sibling() {
    let s = snapshot(vec![
        rule(
            "sgr-world",
            "tcp",
            0,
            65535,
            v4("0.0.0.0/0"),
            Some("everyone"),
        ),
        rule("sgr-office", "tcp", 0, 65535, v4("10.1.0.0/16"), None),
    ]);
    let p = plan(&s, &Extras::default(), &["EC2.13", "EC2.14"], Mode::Narrow).unwrap();
    assert_eq!(p.actions.len(), 1);
    assert_eq!(p.actions[0].controls, vec!["EC2.13", "EC2.14"]);
    let (remove, add) = sg_change(&p, 0);
    assert_eq!(remove.len(), 1);
    assert_eq!(remove[0].rule_id.as_deref(), Some("sgr-world"));
    assert_eq!(
        described(add),
        vec![
            "tcp 0-21 from 0.0.0.0/0 (\"everyone\")",
            "tcp 23-3388 from 0.0.0.0/0 (\"everyone\")",
            "tcp 3390-65535 from 0.0.0.0/0 (\"everyone\")",
        ]
    );
    // The exact calls: authorize the kept ranges, then revoke by rule id only.
    let calls = &p.actions[0].calls;
    assert_eq!(calls[0].action, "ec2:AuthorizeSecurityGroupIngress");
    assert_eq!(calls[1].action, "ec2:RevokeSecurityGroupIngress");
    assert_eq!(
        calls[1].params["SecurityGroupRuleIds"],
        serde_json::json!(["sgr-world"])
    );
}

#[test]
fn revoke_removes_only_the_world_source() {
    let s = snapshot(vec![
        rule("sgr-world", "tcp", 22, 22, v4("0.0.0.0/0"), None),
        rule("sgr-office", "tcp", 22, 22, v4("10.1.0.0/16"), None),
        rule(
            "sgr-v6",
            "tcp",
            22,
            22,
            Source::CidrIpv6("::/0".into()),
            None,
        ),
    ]);
    let p = plan(&s, &Extras::default(), &["EC2.13"], Mode::Revoke).unwrap();
    let removed: Vec<_> = (0..p.actions.len())
        .flat_map(|i| {
            sg_change(&p, i)
                .0
                .iter()
                .map(|r| r.rule_id.clone().unwrap())
        })
        .collect();
    assert_eq!(removed, vec!["sgr-world", "sgr-v6"]);
    assert!((0..p.actions.len()).all(|i| sg_change(&p, i).1.is_empty()));
}

#[test]
fn narrowing_all_traffic_from_ipv6_keeps_tcp_udp_and_icmpv6() {
    let mut r = rule(
        "sgr-all",
        "-1",
        -1,
        -1,
        Source::CidrIpv6("::/0".into()),
        Some("any"),
    );
    r.from_port = None;
    r.to_port = None;
    let p = plan(
        &snapshot(vec![r]),
        &Extras::default(),
        &["EC2.13"],
        Mode::Narrow,
    )
    .unwrap();
    let (_, add) = sg_change(&p, 0);
    assert_eq!(
        described(add),
        vec![
            "tcp 0-21 from ::/0 (\"any\")",
            "tcp 23-65535 from ::/0 (\"any\")",
            "udp 0-65535 from ::/0 (\"any\")",
            "icmpv6 from ::/0 (\"any\")",
        ]
    );
    assert!(p.actions[0].notes[0].contains("other IP protocols"));
}

#[test]
fn udp_ranges_are_narrowed_under_ec2_53_and_ipv6_is_left_to_ec2_54() {
    let s = snapshot(vec![
        rule("sgr-udp", "udp", 0, 65535, v4("0.0.0.0/0"), None),
        rule(
            "sgr-udp6",
            "udp",
            0,
            65535,
            Source::CidrIpv6("::/0".into()),
            None,
        ),
    ]);
    let p = plan(&s, &Extras::default(), &["EC2.53"], Mode::Narrow).unwrap();
    assert_eq!(p.actions.len(), 1, "EC2.53 is about 0.0.0.0/0 only");
    let (remove, add) = sg_change(&p, 0);
    assert_eq!(remove[0].rule_id.as_deref(), Some("sgr-udp"));
    assert_eq!(
        described(add),
        vec![
            "udp 0-21 from 0.0.0.0/0",
            "udp 23-3388 from 0.0.0.0/0",
            "udp 3390-65535 from 0.0.0.0/0"
        ]
    );
}

#[test]
fn rules_that_open_no_restricted_port_are_left_alone() {
    let s = snapshot(vec![
        rule("sgr-https", "tcp", 443, 443, v4("0.0.0.0/0"), None),
        rule("sgr-icmp", "icmp", -1, -1, v4("0.0.0.0/0"), None),
    ]);
    let p = plan(
        &s,
        &Extras::default(),
        &["EC2.13", "EC2.14", "EC2.19"],
        Mode::Narrow,
    )
    .unwrap();
    assert!(p.actions.is_empty(), "{}", p.render_text());
}

#[test]
fn narrowing_a_single_restricted_port_is_a_revoke() {
    let s = snapshot(vec![rule("sgr-ssh", "tcp", 22, 22, v4("0.0.0.0/0"), None)]);
    let p = plan(&s, &Extras::default(), &["EC2.13"], Mode::Narrow).unwrap();
    let (remove, add) = sg_change(&p, 0);
    assert_eq!(remove.len(), 1);
    assert!(add.is_empty());
    assert!(p.actions[0].summary.starts_with("revoke"));
}

fn with_prefix_list(mut s: Snapshot) -> Snapshot {
    s.prefix_lists.insert(
        "pl-1".into(),
        PrefixList {
            prefix_list_id: "pl-1".into(),
            entries: vec![
                PrefixListEntry {
                    cidr: "0.0.0.0/0".into(),
                    description: None,
                },
                PrefixListEntry {
                    cidr: "10.0.0.0/8".into(),
                    description: None,
                },
            ],
            ..Default::default()
        },
    );
    s
}

#[test]
fn prefix_list_holding_the_world_revoke_regrants_its_other_cidrs() {
    let s = with_prefix_list(snapshot(vec![rule(
        "sgr-pl",
        "tcp",
        20,
        25,
        Source::PrefixList("pl-1".into()),
        Some("partners"),
    )]));
    let p = plan(&s, &Extras::default(), &["EC2.13"], Mode::Revoke).unwrap();
    let (remove, add) = sg_change(&p, 0);
    assert_eq!(remove[0].rule_id.as_deref(), Some("sgr-pl"));
    assert_eq!(
        described(add),
        vec!["tcp 20-25 from 10.0.0.0/8 (\"partners (from pl-1)\")"]
    );
}

#[test]
fn prefix_list_holding_the_world_narrow_keeps_the_list_on_allowed_ports() {
    let s = with_prefix_list(snapshot(vec![rule(
        "sgr-pl",
        "tcp",
        20,
        25,
        Source::PrefixList("pl-1".into()),
        None,
    )]));
    let p = plan(&s, &Extras::default(), &["EC2.13"], Mode::Narrow).unwrap();
    let (_, add) = sg_change(&p, 0);
    assert_eq!(
        described(add),
        vec![
            "tcp 20-21 from pl-1",
            "tcp 23-25 from pl-1",
            "tcp 22 from 10.0.0.0/8 (\"from pl-1\")",
        ]
    );
}

#[test]
fn permissions_without_rule_ids_are_planned_by_content() {
    let mut s = Snapshot::default();
    s.security_groups.insert(
        "sg-2".into(),
        SecurityGroup {
            group_id: "sg-2".into(),
            ip_permissions: vec![IpPermission {
                ip_protocol: "tcp".into(),
                from_port: Some(3389),
                to_port: Some(3389),
                ip_ranges: vec![
                    IpRange {
                        cidr_ip: "0.0.0.0/0".into(),
                        description: None,
                    },
                    IpRange {
                        cidr_ip: "192.0.2.0/24".into(),
                        description: None,
                    },
                ],
                ..Default::default()
            }],
            scope: scope(),
            ..Default::default()
        },
    );
    let p = plan(&s, &Extras::default(), &["EC2.14"], Mode::Revoke).unwrap();
    assert_eq!(p.actions.len(), 1);
    let call = &p.actions[0].calls[0];
    assert_eq!(
        call.params["IpPermissions"],
        serde_json::json!([{"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    );
}

#[test]
fn default_group_is_closed_only_when_asked() {
    let mut s = snapshot(vec![rule("sgr-ssh", "tcp", 22, 22, v4("0.0.0.0/0"), None)]);
    s.security_groups.get_mut("sg-1").unwrap().group_name = "default".into();
    let p = plan(&s, &Extras::default(), &["EC2.2", "EC2.13"], Mode::Narrow).unwrap();
    assert_eq!(p.actions.len(), 1);
    assert_eq!(p.actions[0].controls, vec!["EC2.2"]);
    let p = plan(&s, &Extras::default(), &["EC2.13"], Mode::Narrow).unwrap();
    assert_eq!(p.actions[0].controls, vec!["EC2.13"]);
}

#[test]
fn account_settings_and_public_resources() {
    let mut extras = Extras::default();
    extras.regions.insert(
        (String::new(), "us-east-1".into()),
        RegionExtras {
            ebs_encryption_by_default: Some(false),
            public_snapshots: vec!["snap-1".into()],
            public_images: vec!["ami-1".into()],
        },
    );
    let p = plan(
        &Snapshot::default(),
        &extras,
        &["EC2.1", "EC2.7", "AMI.PUBLIC"],
        Mode::Revoke,
    )
    .unwrap();
    let kinds: Vec<&str> = p.actions.iter().map(|a| a.resource_type.as_str()).collect();
    assert_eq!(kinds, vec!["AwsAccount", "AwsEc2Image", "AwsEc2Snapshot"]);
    let actions: Vec<&str> = p
        .actions
        .iter()
        .map(|a| a.calls[0].action.as_str())
        .collect();
    assert_eq!(
        actions,
        vec![
            "ec2:EnableEbsEncryptionByDefault",
            "ec2:ModifyImageAttribute",
            "ec2:ModifySnapshotAttribute"
        ]
    );
}

#[test]
fn unknown_controls_are_refused() {
    let err = plan(
        &Snapshot::default(),
        &Extras::default(),
        &["EC2.99"],
        Mode::Revoke,
    )
    .unwrap_err();
    assert!(matches!(err, PlanError::UnknownControl(c, _) if c == "EC2.99"));
}

#[test]
fn plan_json_round_trips_and_iam_policy_names_the_group() {
    let s = snapshot(vec![rule(
        "sgr-world",
        "tcp",
        0,
        65535,
        v4("0.0.0.0/0"),
        None,
    )]);
    let p = plan(&s, &Extras::default(), &["EC2.13"], Mode::Narrow).unwrap();
    let json = serde_json::to_string(&p).unwrap();
    let back: Plan = serde_json::from_str(&json).unwrap();
    assert_eq!(back, p);
    let policy = super::iam::policy_for(&p);
    let text = policy.to_string();
    assert!(
        text.contains("arn:aws:ec2:us-east-1:*:security-group/sg-1"),
        "{text}"
    );
    assert!(text.contains("ec2:RevokeSecurityGroupIngress"));
    assert!(text.contains("ec2:DescribeSecurityGroupRules"));
}

fn instance(id: &str, tokens: &str, endpoint: &str) -> kensa_model::instance::Instance {
    kensa_model::instance::Instance {
        instance_id: id.into(),
        metadata_options: Some(serde_json::json!({
            "HttpTokens": tokens, "HttpEndpoint": endpoint, "State": "applied"
        })),
        scope: scope(),
        ..Default::default()
    }
}

#[test]
fn imdsv2_is_planned_only_where_the_check_fails_and_never_sends_the_endpoint() {
    let mut s = Snapshot::default();
    for (id, tokens, endpoint) in [
        ("i-v1", "optional", "enabled"),
        ("i-off", "optional", "disabled"),
        ("i-v2", "required", "enabled"),
    ] {
        s.instances
            .insert(id.into(), instance(id, tokens, endpoint));
    }
    s.instances.insert(
        "i-unknown".into(),
        kensa_model::instance::Instance {
            instance_id: "i-unknown".into(),
            scope: scope(),
            ..Default::default()
        },
    );
    let p = plan(&s, &Extras::default(), &["EC2.8"], Mode::Revoke).unwrap();
    let ids: Vec<&str> = p.actions.iter().map(|a| a.resource_id.as_str()).collect();
    assert_eq!(ids, ["i-v1"]);
    let params = &p.actions[0].calls[0].params;
    assert_eq!(params["HttpTokens"], "required");
    assert!(params.get("HttpEndpoint").is_none(), "{params}");
}

#[test]
fn public_amis_of_the_account_are_planned_from_the_check() {
    let mut s = Snapshot::default();
    s.vpcs.insert(
        "vpc-1".into(),
        kensa_model::ec2::Vpc {
            vpc_id: "vpc-1".into(),
            owner_id: Some("111122223333".into()),
            scope: scope(),
            ..Default::default()
        },
    );
    for (id, owner, public) in [
        ("ami-own-public", "111122223333", true),
        ("ami-own-private", "111122223333", false),
        ("ami-vendor", "679593333241", true),
    ] {
        s.images.insert(
            id.into(),
            kensa_model::compute::Image {
                image_id: id.into(),
                owner_id: Some(owner.into()),
                public: Some(public),
                scope: scope(),
                ..Default::default()
            },
        );
    }
    let p = plan(&s, &Extras::default(), &["AMI.PUBLIC"], Mode::Revoke).unwrap();
    let ids: Vec<&str> = p.actions.iter().map(|a| a.resource_id.as_str()).collect();
    assert_eq!(ids, ["ami-own-public"]);
    assert_eq!(p.actions[0].controls, ["AMI.PUBLIC"]);
}

#[test]
fn controls_without_a_fix_are_refused_by_name() {
    let err = plan(
        &Snapshot::default(),
        &Extras::default(),
        &["EC2.9"],
        Mode::Revoke,
    )
    .unwrap_err();
    assert!(
        matches!(&err, PlanError::NoFix(c, id, _) if c == "EC2.9" && id == "fsbp:EC2.9"),
        "{err}"
    );
}
