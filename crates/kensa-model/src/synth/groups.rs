//! Security groups (with their rules in both describe shapes) and prefix lists.
use std::io;

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::json;

use super::ids::skewed;
use super::network::name;
use super::plan::Plan;
use super::Sink;
use crate::ec2::{
    IpPermission, IpRange, Ipv6Range, PrefixListRef, ReferencedGroupInfo, SecurityGroup,
    SecurityGroupRule, UserIdGroupPair,
};
use crate::gateway::{PrefixList, PrefixListEntry};

const TCP_PORTS: &[i32] = &[
    22, 80, 443, 3306, 5432, 6379, 8080, 8443, 9200, 27017, 3389, 1433, 2049, 9100, 11211,
];
const UDP_PORTS: &[i32] = &[53, 123, 161, 500, 514, 4500];

/// The AWS-managed S3 prefix list of the region (us-east-1's real id in the first region).
pub(crate) fn s3_prefix_list(p: &Plan) -> String {
    if p.region == "us-east-1" {
        "pl-63a5400a".to_string()
    } else {
        format!("pl-{}", &p.ids.hex16("pl-s3", 0)[..8])
    }
}

/// Which load balancers live in VPC `v` (their groups may be referenced by app groups).
fn lbs_in_vpc(p: &Plan, v: usize) -> impl Iterator<Item = usize> + '_ {
    (v..p.load_balancers).step_by(p.vpcs)
}

fn source(p: &Plan, v: usize, rng: &mut ChaCha8Rng, perm: &mut IpPermission, wide: bool) {
    let r = rng.gen_range(0..100);
    let cidr = |c: String| IpRange {
        cidr_ip: c,
        description: None,
    };
    match r {
        0..=29 => perm.ip_ranges.push(cidr(p.vpc_cidr(v))),
        30..=39 => perm.ip_ranges.push(cidr("10.0.0.0/8".to_string())),
        40..=44 => perm
            .ip_ranges
            .push(cidr(format!("192.168.{}.0/24", rng.gen_range(0..=255)))),
        45..=49 => perm.ip_ranges.push(cidr(format!(
            "{}/32",
            p.ids.public_ip("admin", rng.gen_range(0..50))
        ))),
        50..=54 if p.prefix_lists > 0 => perm.prefix_list_ids.push(PrefixListRef {
            prefix_list_id: p.prefix_list_id(rng.gen_range(0..p.prefix_lists)),
            description: Some("office ranges".to_string()),
        }),
        55..=62 => {
            let lbs: Vec<usize> = lbs_in_vpc(p, v).collect();
            let group = if lbs.is_empty() {
                p.group_id(v, skewed(rng, p.groups_per_vpc))
            } else {
                p.lb_group_id(lbs[rng.gen_range(0..lbs.len())])
            };
            perm.user_id_group_pairs.push(pair(p, group));
        }
        63..=69 if wide => perm.ipv6_ranges.push(Ipv6Range {
            cidr_ipv6: "::/0".to_string(),
            description: None,
        }),
        70..=81 if wide => perm.ip_ranges.push(cidr("0.0.0.0/0".to_string())),
        _ => {
            let group = p.group_id(v, skewed(rng, p.groups_per_vpc));
            perm.user_id_group_pairs.push(pair(p, group));
        }
    }
}

fn pair(p: &Plan, group_id: String) -> UserIdGroupPair {
    UserIdGroupPair {
        group_id: Some(group_id),
        user_id: Some(p.account.clone()),
        ..UserIdGroupPair::default()
    }
}

fn permission(p: &Plan, v: usize, rng: &mut ChaCha8Rng) -> IpPermission {
    let r = rng.gen_range(0..100);
    let (proto, from, to) = match r {
        0..=59 => {
            let port = TCP_PORTS[rng.gen_range(0..TCP_PORTS.len())];
            ("tcp", Some(port), Some(port))
        }
        60..=71 => {
            let (lo, hi) =
                [(1024, 65535), (8000, 8100), (30000, 32767), (0, 65535)][rng.gen_range(0..4)];
            ("tcp", Some(lo), Some(hi))
        }
        72..=79 => {
            let port = UDP_PORTS[rng.gen_range(0..UDP_PORTS.len())];
            ("udp", Some(port), Some(port))
        }
        80..=85 => ("icmp", Some(-1), Some(-1)),
        86..=91 => ("-1", None, None),
        _ => ("tcp", Some(443), Some(443)),
    };
    let mut perm = IpPermission {
        ip_protocol: proto.to_string(),
        from_port: from,
        to_port: to,
        ..IpPermission::default()
    };
    for _ in 0..rng.gen_range(1..=3) {
        source(p, v, rng, &mut perm, true);
    }
    perm
}

fn egress(p: &Plan, v: usize, rng: &mut ChaCha8Rng) -> Vec<IpPermission> {
    let all = |cidr: &str| IpPermission {
        ip_protocol: "-1".to_string(),
        ip_ranges: vec![IpRange {
            cidr_ip: cidr.to_string(),
            description: None,
        }],
        ..IpPermission::default()
    };
    if rng.gen_range(0..100) < 85 {
        let mut perm = all("0.0.0.0/0");
        if p.has_ipv6(v) {
            perm.ipv6_ranges.push(Ipv6Range {
                cidr_ipv6: "::/0".to_string(),
                description: None,
            });
        }
        vec![perm]
    } else {
        let mut https = all("0.0.0.0/0");
        https.ip_protocol = "tcp".to_string();
        https.from_port = Some(443);
        https.to_port = Some(443);
        vec![https, all(&p.vpc_cidr(v))]
    }
}

/// Application group `g` of VPC `v`.
pub(crate) fn app_group(p: &Plan, v: usize, g: usize) -> SecurityGroup {
    let mut rng = p.ids.rng("sg", (v * 1_000_000 + g) as u64);
    let ingress = (0..rng.gen_range(1..=5))
        .map(|_| permission(p, v, &mut rng))
        .collect();
    let egress = egress(p, v, &mut rng);
    group(
        p,
        p.group_id(v, g),
        format!("app-{v:03}-{g:05}"),
        v,
        ingress,
        egress,
    )
}

/// The group of load balancer `l`: listener ports from the Internet or from the VPC.
pub(crate) fn lb_group(p: &Plan, l: usize) -> SecurityGroup {
    let v = l % p.vpcs;
    let source = if super::elb::internet_facing(l) {
        "0.0.0.0/0".to_string()
    } else {
        p.vpc_cidr(v)
    };
    let ports: &[i32] = if super::elb::is_alb(l) {
        &[80, 443]
    } else {
        &[443]
    };
    let ingress = ports
        .iter()
        .map(|&port| IpPermission {
            ip_protocol: "tcp".to_string(),
            from_port: Some(port),
            to_port: Some(port),
            ip_ranges: vec![IpRange {
                cidr_ip: source.clone(),
                description: None,
            }],
            ..IpPermission::default()
        })
        .collect();
    let mut rng = p.ids.rng("sg-lb", l as u64);
    let egress = egress(p, v, &mut rng);
    group(
        p,
        p.lb_group_id(l),
        format!("lb-{l:04}-sg"),
        v,
        ingress,
        egress,
    )
}

fn group(
    p: &Plan,
    id: String,
    name_: String,
    v: usize,
    ingress: Vec<IpPermission>,
    egress: Vec<IpPermission>,
) -> SecurityGroup {
    SecurityGroup {
        security_group_arn: Some(format!(
            "arn:aws:ec2:{}:{}:security-group/{id}",
            p.region, p.account
        )),
        group_id: id,
        description: Some(format!("{name_} managed by terraform")),
        tags: name(name_.clone()),
        group_name: name_,
        vpc_id: Some(p.vpc_id(v)),
        owner_id: Some(p.account.clone()),
        ip_permissions: ingress,
        ip_permissions_egress: egress,
        ..SecurityGroup::default()
    }
}

fn all_groups(p: &Plan) -> impl Iterator<Item = SecurityGroup> + '_ {
    let apps =
        (0..p.vpcs).flat_map(move |v| (0..p.groups_per_vpc).map(move |g| app_group(p, v, g)));
    apps.chain((0..p.load_balancers).map(move |l| lb_group(p, l)))
}

pub(crate) fn security_groups(p: &Plan, s: &mut Sink<'_>) -> io::Result<()> {
    for g in all_groups(p) {
        s.item(&g)?;
    }
    Ok(())
}

/// `describe-security-group-rules`: one record per permission and source.
pub(crate) fn security_group_rules(p: &Plan, s: &mut Sink<'_>) -> io::Result<()> {
    for g in all_groups(p) {
        let mut n = 0_u64;
        let base = g.group_id.clone();
        let directions = [(false, &g.ip_permissions), (true, &g.ip_permissions_egress)];
        for (is_egress, perms) in directions {
            for perm in perms {
                for rule in rules_of(p, &base, is_egress, perm) {
                    n += 1;
                    let id = format!("sgr-{}", &p.ids.id(&base, n)[base.len() + 1..]);
                    s.item(&SecurityGroupRule {
                        security_group_rule_id: id,
                        ..rule
                    })?;
                }
            }
        }
    }
    Ok(())
}

fn rules_of(p: &Plan, group: &str, is_egress: bool, perm: &IpPermission) -> Vec<SecurityGroupRule> {
    let base = SecurityGroupRule {
        group_id: group.to_string(),
        group_owner_id: Some(p.account.clone()),
        is_egress,
        ip_protocol: perm.ip_protocol.clone(),
        from_port: Some(perm.from_port.unwrap_or(-1)),
        to_port: Some(perm.to_port.unwrap_or(-1)),
        ..SecurityGroupRule::default()
    };
    let mut out = Vec::new();
    for r in &perm.ip_ranges {
        out.push(SecurityGroupRule {
            cidr_ipv4: Some(r.cidr_ip.clone()),
            ..base.clone()
        });
    }
    for r in &perm.ipv6_ranges {
        out.push(SecurityGroupRule {
            cidr_ipv6: Some(r.cidr_ipv6.clone()),
            ..base.clone()
        });
    }
    for r in &perm.prefix_list_ids {
        out.push(SecurityGroupRule {
            prefix_list_id: Some(r.prefix_list_id.clone()),
            ..base.clone()
        });
    }
    for r in &perm.user_id_group_pairs {
        let info = ReferencedGroupInfo {
            group_id: r.group_id.clone(),
            user_id: r.user_id.clone(),
            ..ReferencedGroupInfo::default()
        };
        out.push(SecurityGroupRule {
            referenced_group_info: Some(info),
            ..base.clone()
        });
    }
    out
}

/// `describe-managed-prefix-lists` (customer lists) and the AWS-managed S3 list.
pub(crate) fn managed_prefix_lists(p: &Plan, s: &mut Sink<'_>) -> io::Result<()> {
    for n in 0..p.prefix_lists {
        let id = p.prefix_list_id(n);
        s.item(&json!({
            "PrefixListId": id,
            "AddressFamily": "IPv4",
            "State": "create-complete",
            "PrefixListArn": format!("arn:aws:ec2:{}:{}:prefix-list/{id}", p.region, p.account),
            "PrefixListName": format!("offices-{n:02}"),
            "MaxEntries": 20,
            "Version": 1,
            "Tags": name(format!("offices-{n:02}")),
            "OwnerId": p.account,
        }))?;
    }
    Ok(())
}

/// `describe-prefix-lists`: the AWS service lists with their CIDRs inline.
pub(crate) fn service_prefix_lists(p: &Plan, s: &mut Sink<'_>) -> io::Result<()> {
    s.item(&PrefixList {
        prefix_list_id: s3_prefix_list(p),
        prefix_list_name: Some(format!("com.amazonaws.{}.s3", p.region)),
        cidrs: vec![
            "52.216.0.0/15".into(),
            "54.231.0.0/16".into(),
            "3.5.0.0/19".into(),
        ],
        ..PrefixList::default()
    })
}

/// `get-managed-prefix-list-entries` for every customer list, grouped by list id.
pub(crate) fn prefix_list_entries(p: &Plan, s: &mut Sink<'_>) -> io::Result<()> {
    for n in 0..p.prefix_lists {
        let mut rng = p.ids.rng("pl-entries", n as u64);
        let entries: Vec<PrefixListEntry> = (0..rng.gen_range(2..=12))
            .map(|e| PrefixListEntry {
                cidr: format!(
                    "{}/{}",
                    p.ids.public_ip("pl-cidr", (n * 100 + e) as u64),
                    32
                ),
                description: Some(format!("office {e}")),
            })
            .collect();
        s.item(&json!({"PrefixListId": p.prefix_list_id(n), "Entries": entries}))?;
    }
    Ok(())
}
