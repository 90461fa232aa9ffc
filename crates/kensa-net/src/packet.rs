//! A slow, direct, per-packet evaluator: one concrete packet, the snapshot's rules read
//! as written, no sets. It is what the path query explains hops with, and the reference
//! the property test holds the set engine to.
use std::net::IpAddr;

use ipnet::IpNet;
use kensa_model::ec2::{NetworkAcl, RouteTable, SecurityGroup};

use crate::flow::{ICMP, ICMPV6, TCP, UDP};
use crate::index::{Eni, Index};
use crate::rules::{protocol_number, Target};

/// One packet into an ENI: source address, IP protocol, destination port (for ICMP
/// `type << 8 | code`; ignored for protocols without ports).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packet {
    /// Source address.
    pub src: IpAddr,
    /// IP protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, …).
    pub proto: u8,
    /// Destination port; for ICMP `type << 8 | code`; ignored for protocols without ports.
    pub port: u16,
}

fn net(text: &str) -> Option<IpNet> {
    crate::rangeset::parse_net(text)
}

fn in_cidr(text: &str, ip: IpAddr) -> bool {
    net(text).is_some_and(|n| n.contains(&ip))
}

/// Does a rule's protocol/port spec (`FromPort`/`ToPort` as the EC2 API has them) match?
pub fn spec_matches(
    proto_text: &str,
    from: Option<i32>,
    to: Option<i32>,
    proto: u8,
    port: u16,
) -> bool {
    let Ok(p) = protocol_number(proto_text) else {
        return false;
    };
    let Some(p) = p else {
        return true;
    };
    if p != proto {
        return false;
    }
    match p {
        TCP | UDP => match (from, to) {
            (None, None) | (Some(-1), _) | (None, Some(-1)) => true,
            (f, t) => {
                let f = f.unwrap_or(0);
                let t = t.unwrap_or(f);
                f <= t && (f..=t).contains(&i32::from(port))
            }
        },
        ICMP | ICMPV6 => {
            let (ty, code) = (i32::from(port >> 8), i32::from(port & 0xff));
            match from.unwrap_or(-1) {
                -1 => true,
                t if t == ty => matches!(to.unwrap_or(-1), -1) || to == Some(code),
                _ => false,
            }
        }
        _ => true,
    }
}

/// The group ids whose members own `ip` (ENIs, and load balancer nodes known only by
/// their subnets).
fn member_of(idx: &Index, group: &str, ip: IpAddr) -> bool {
    idx.enis
        .iter()
        .any(|e| e.groups.contains(&group) && e.own_addrs().any(|a| *a == ip))
        || crate::lb::LbNode::all(idx).iter().any(|lb| {
            !lb.enis_known && lb.security_groups.iter().any(|g| g == group) && lb.addrs.contains(ip)
        })
}

fn group_ref_ok(
    idx: &Index,
    sg: &SecurityGroup,
    group: &str,
    vpc: Option<&str>,
    status: Option<&str>,
    ip: IpAddr,
) -> bool {
    if status.is_some_and(|s| s != "active") {
        return false;
    }
    let ref_vpc = idx
        .snap
        .security_groups
        .get(group)
        .and_then(|g| g.vpc_id.as_deref())
        .or(vpc);
    if let (Some(a), Some(b)) = (ref_vpc, sg.vpc_id.as_deref()) {
        if a != b && !idx.actively_peered(a, b) {
            return false;
        }
    }
    member_of(idx, group, ip)
}

fn prefix_list_has(idx: &Index, id: &str, ip: IpAddr) -> bool {
    idx.snap
        .prefix_lists
        .get(id)
        .is_some_and(|pl| pl.all_cidrs().any(|c| in_cidr(c, ip)))
}

/// The first rule of group `sg` (direction `egress`) that admits the packet, described.
pub fn sg_match(
    idx: &Index,
    sg_id: &str,
    egress: bool,
    proto: u8,
    port: u16,
    remote: IpAddr,
) -> Option<String> {
    let sg = idx.snap.security_groups.get(sg_id)?;
    let rules: Vec<_> = idx
        .snap
        .security_group_rules
        .values()
        .filter(|r| r.group_id == sg_id)
        .collect();
    if !rules.is_empty() {
        for r in rules.iter().filter(|r| r.is_egress == egress) {
            if !spec_matches(&r.ip_protocol, r.from_port, r.to_port, proto, port) {
                continue;
            }
            let hit = if let Some(c) = r.cidr_ipv4.as_deref().or(r.cidr_ipv6.as_deref()) {
                in_cidr(c, remote)
            } else if let Some(pl) = &r.prefix_list_id {
                prefix_list_has(idx, pl, remote)
            } else if let Some(g) = &r.referenced_group_info {
                g.group_id.as_deref().is_some_and(|id| {
                    group_ref_ok(
                        idx,
                        sg,
                        id,
                        g.vpc_id.as_deref(),
                        g.peering_status.as_deref(),
                        remote,
                    )
                })
            } else {
                false
            };
            if hit {
                return Some(r.security_group_rule_id.clone());
            }
        }
        return None;
    }
    let perms = if egress {
        &sg.ip_permissions_egress
    } else {
        &sg.ip_permissions
    };
    for (i, p) in perms.iter().enumerate() {
        if !spec_matches(&p.ip_protocol, p.from_port, p.to_port, proto, port) {
            continue;
        }
        let hit = p.ip_ranges.iter().any(|r| in_cidr(&r.cidr_ip, remote))
            || p.ipv6_ranges.iter().any(|r| in_cidr(&r.cidr_ipv6, remote))
            || p.prefix_list_ids
                .iter()
                .any(|r| prefix_list_has(idx, &r.prefix_list_id, remote))
            || p.user_id_group_pairs.iter().any(|g| {
                g.group_id.as_deref().is_some_and(|id| {
                    group_ref_ok(
                        idx,
                        sg,
                        id,
                        g.vpc_id.as_deref(),
                        g.peering_status.as_deref(),
                        remote,
                    )
                })
            });
        if hit {
            return Some(format!(
                "{sg_id} {}[{i}]",
                if egress {
                    "IpPermissionsEgress"
                } else {
                    "IpPermissions"
                }
            ));
        }
    }
    None
}

/// Whether any of the ENI's groups admits the packet (inbound from `remote`, or outbound
/// to it).
pub fn sgs_admit(
    idx: &Index,
    eni: &Eni,
    egress: bool,
    proto: u8,
    port: u16,
    remote: IpAddr,
) -> bool {
    eni.groups
        .iter()
        .any(|g| sg_match(idx, g, egress, proto, port, remote).is_some())
}

fn entry_port_bounds(e: &kensa_model::ec2::NetworkAclEntry) -> Vec<u16> {
    let mut v = Vec::new();
    if let Some(r) = e.port_range {
        v.push(r.from);
        v.extend(r.to.checked_add(1));
    }
    if let Some(tc) = e.icmp_type_code {
        if let Some(t) = tc.icmp_type.filter(|t| (0..=255).contains(t)) {
            let base = (t as u16) << 8;
            v.push(base);
            v.push(base | 0xff);
            v.push(base.saturating_add(0x100));
            if let Some(c) = tc.code.filter(|c| (0..=255).contains(c)) {
                v.push(base | c as u16);
                v.push((base | c as u16).saturating_add(1));
            }
        }
    }
    v
}

fn nacl_entry_matches(
    e: &kensa_model::ec2::NetworkAclEntry,
    proto: u8,
    port: u16,
    remote: IpAddr,
) -> bool {
    let addr_ok = match e.cidr_block.as_deref().or(e.ipv6_cidr_block.as_deref()) {
        Some(c) => in_cidr(c, remote),
        None => false,
    };
    if !addr_ok {
        return false;
    }
    let Ok(p) = protocol_number(&e.protocol) else {
        return false;
    };
    match p {
        None => true,
        Some(p) if p != proto => false,
        Some(TCP | UDP) => e.port_range.is_none_or(|r| r.contains(port)),
        Some(p @ (ICMP | ICMPV6)) => {
            let tc = e.icmp_type_code.unwrap_or_default();
            spec_matches(
                if p == ICMP { "icmp" } else { "icmpv6" },
                tc.icmp_type,
                tc.code,
                p,
                port,
            )
        }
        Some(_) => true,
    }
}

/// First-match decision of one direction of an ACL: the number of the deciding rule and
/// whether it allows (`None` as rule: nothing matched, denied by `*`).
pub fn nacl_decide(
    acl: &NetworkAcl,
    egress: bool,
    proto: u8,
    port: u16,
    remote: IpAddr,
) -> (Option<i32>, bool) {
    let mut entries: Vec<_> = acl.entries.iter().filter(|e| e.egress == egress).collect();
    entries.sort_by_key(|e| e.rule_number);
    for e in entries {
        if nacl_entry_matches(e, proto, port, remote) {
            return (
                Some(e.rule_number),
                e.rule_action.eq_ignore_ascii_case("allow"),
            );
        }
    }
    (None, false)
}

/// Whether the ACL lets a reply out to `remote` on at least one ephemeral port (the
/// decision only changes at rule boundaries, so those are the ports to try).
pub fn nacl_reply_ok(acl: &NetworkAcl, proto: u8, remote: IpAddr) -> bool {
    let lo: u16 = if matches!(proto, TCP | UDP) { 1024 } else { 0 };
    let mut candidates = vec![lo];
    for e in acl.entries.iter().filter(|e| e.egress) {
        candidates.extend(entry_port_bounds(e).into_iter().filter(|p| *p >= lo));
    }
    candidates
        .into_iter()
        .any(|q| nacl_decide(acl, true, proto, q, remote).1)
}

/// Longest-prefix route lookup for `ip`: the route's index and target.
pub fn route_lookup(idx: &Index, rt: &RouteTable, ip: IpAddr) -> Option<(usize, Target)> {
    let mut best: Option<(u8, bool, usize)> = None;
    for (i, r) in rt.routes.iter().enumerate() {
        let mut lens: Vec<(u8, bool)> = Vec::new();
        if let Some(n) = r
            .destination_cidr_block
            .as_deref()
            .or(r.destination_ipv6_cidr_block.as_deref())
            .and_then(net)
        {
            if n.contains(&ip) {
                lens.push((n.prefix_len(), false));
            }
        } else if let Some(pl) = r
            .destination_prefix_list_id
            .as_deref()
            .and_then(|id| idx.snap.prefix_lists.get(id))
        {
            for c in pl.all_cidrs().filter_map(net) {
                if c.contains(&ip) {
                    lens.push((c.prefix_len(), true));
                }
            }
        }
        for (len, pl) in lens {
            let better = match best {
                None => true,
                Some((bl, bpl, _)) => len > bl || (len == bl && bpl && !pl),
            };
            if better {
                best = Some((len, pl, i));
            }
        }
    }
    best.map(|(_, _, i)| (i, Target::of(&rt.routes[i])))
}
