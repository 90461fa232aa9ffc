//! "Security group open to the world on restricted ports", reachability-aware.
//!
//! One evaluation per security group. A failing group carries the exact offending rules
//! (see [`crate::exposure`]) and these attributes:
//! `SECURITY_GROUP`, `VPC`, `ATTACHED` (`true`/`false`), `ATTACHED_TO` (ids),
//! `REACHABLE` (`true`/`false`/`unknown`), `REACHABILITY_PATH`, `OPEN_PORTS`, `RULES`.
//! Ranking: an unattached group is Low; an attached group whose exposure a reachability
//! engine shows unreachable is one level lower and at most Medium; never Critical unless
//! attached and (reachable or not known to be unreachable).
//! A group used only by internet-facing load balancers is not failed for the listener
//! ports: serving them to the Internet is the point of the load balancer.
use std::collections::BTreeMap;

use kensa_model::ec2::SecurityGroup;
use serde_json::json;

use crate::context::{sg_resource, Attachment, Context};
use crate::exposure::PortSet;
use crate::exposure::{world_open_rules, OffendingRule, ProtoPorts, RestrictedPorts};
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{Evaluation, Rank};

/// Evaluates every security group of the snapshot against `restricted`.
pub fn check(ctx: &Context, restricted: &RestrictedPorts) -> Vec<Evaluation> {
    let mut by_group: BTreeMap<String, Vec<OffendingRule>> = BTreeMap::new();
    for r in world_open_rules(ctx.snapshot, restricted) {
        by_group.entry(r.group_id.clone()).or_default().push(r);
    }
    ctx.snapshot
        .security_groups
        .values()
        .map(|sg| {
            let rules = by_group.remove(&sg.group_id).unwrap_or_default();
            evaluate_group(ctx, sg, rules)
        })
        .collect()
}

fn evaluate_group(ctx: &Context, sg: &SecurityGroup, rules: Vec<OffendingRule>) -> Evaluation {
    let res = sg_resource(sg);
    if rules.is_empty() {
        return Evaluation::pass(
            res,
            format!(
                "{} has no ingress rule open to 0.0.0.0/0 or ::/0 on a restricted port",
                sg.group_id
            ),
        );
    }
    let attachments = ctx.attachments_of(&sg.group_id);
    let (rules, listener_note) = drop_load_balancer_listener_ports(&attachments, rules);
    if rules.is_empty() {
        return Evaluation::pass(res, listener_note.unwrap_or_default())
            .attr("INTENDED_EXPOSURE", "load-balancer-listener");
    }
    let (tcp, udp) = rules
        .iter()
        .fold((PortSet::empty(), PortSet::empty()), |(t, u), r| {
            (t.union(&r.tcp_hit), u.union(&r.udp_hit))
        });
    let attached = !attachments.is_empty();
    let reach = match (attached, ctx.reachability) {
        (true, Some(engine)) => Some(engine.internet_exposure(&sg.group_id, &tcp, &udp)),
        _ => None,
    };
    let rank = match (&reach, attached) {
        (_, false) => Rank::Unattached,
        (Some(r), true) if !r.reachable => Rank::Unreachable,
        _ => Rank::AsDeclared,
    };
    let listing: Vec<String> = rules
        .iter()
        .map(|r| {
            format!(
                "{} from {}{} (restricted: {})",
                r.describe_range(),
                r.source.describe(),
                r.rule_id
                    .as_ref()
                    .map(|i| format!(" [{i}]"))
                    .unwrap_or_default(),
                r.describe_hits()
            )
        })
        .collect();
    let mut reason = format!("{} allows {}.", sg.group_id, listing.join("; "));
    reason.push_str(&match (&reach, attached) {
        (_, false) => " The group is not attached to anything, so nothing is exposed today.".into(),
        (Some(r), true) if r.reachable => {
            format!(" Reachable from the Internet: {}.", r.path.join(" -> "))
        }
        (Some(r), true) => format!(" Not reachable from the Internet: {}.", r.reason),
        (None, true) => " Reachability was not evaluated.".into(),
    });
    let ids: Vec<&str> = attachments.iter().map(|a| a.id()).collect();
    let mut e = Evaluation::fail(res, reason)
        .attr("SECURITY_GROUP", sg.group_id.clone())
        .attr("ATTACHED", attached.to_string())
        .attr("ATTACHED_TO", ids.join(","))
        .attr("OPEN_PORTS", describe_ports(&tcp, &udp, &rules))
        .attr("RULES", rules.len().to_string())
        .attr(
            "REACHABLE",
            reach
                .as_ref()
                .map_or("unknown".to_string(), |r| r.reachable.to_string()),
        )
        .with_evidence(json!({
            "security_group": sg.group_id,
            "offending_rules": rules,
            "attached_to": attachments,
            "reachability": reach,
        }));
    if let Some(vpc) = &sg.vpc_id {
        e = e.attr("VPC", vpc.clone());
    }
    if let Some(r) = reach.as_ref().filter(|r| r.reachable) {
        e = e.attr("REACHABILITY_PATH", r.path.join(" -> "));
    }
    e.rank = rank;
    e
}

fn describe_ports(tcp: &PortSet, udp: &PortSet, rules: &[OffendingRule]) -> String {
    let mut parts = Vec::new();
    if !tcp.is_empty() {
        parts.push(format!("tcp {tcp}"));
    }
    if !udp.is_empty() {
        parts.push(format!("udp {udp}"));
    }
    if parts.is_empty() && rules.iter().any(|r| r.all_protocols) {
        parts.push("all protocols".into());
    }
    parts.join("; ")
}

/// For a group used only by internet-facing load balancers, the listener ports are the
/// intended exposure: remove them from the hits and drop rules left with nothing.
fn drop_load_balancer_listener_ports(
    attachments: &[&Attachment],
    rules: Vec<OffendingRule>,
) -> (Vec<OffendingRule>, Option<String>) {
    let mut listeners = Vec::new();
    let mut lbs = Vec::new();
    for a in attachments {
        match a {
            Attachment::LoadBalancer {
                id,
                internet_facing: true,
                listener_ports,
            } => {
                listeners.extend(listener_ports.iter().copied());
                lbs.push(id.as_str());
            }
            _ => return (rules, None),
        }
    }
    if lbs.is_empty() {
        return (rules, None);
    }
    let listeners = PortSet::from_ports(listeners);
    let kept: Vec<OffendingRule> = rules
        .into_iter()
        .filter_map(|mut r| {
            r.tcp_hit = r.tcp_hit.difference(&listeners);
            let only_ports = !r.all_protocols || r.protocol != "-1";
            let nothing_left = r.tcp_hit.is_empty() && r.udp_hit.is_empty();
            (!(nothing_left && only_ports)).then_some(r)
        })
        .collect();
    let note = format!(
        "open to the world only on listener ports {listeners} of internet-facing load balancer(s) {}",
        lbs.join(", ")
    );
    (kept, Some(note))
}

/// The parameters of the "open only to authorized ports" rules (AWS Config's
/// `vpc-sg-open-only-to-authorized-ports` and FSBP EC2.18), which differ only in the
/// default list of authorized TCP ports.
pub const fn authorized_port_params(default_tcp: Option<&'static str>) -> [ParamSpec; 2] {
    [
        ParamSpec {
            name: "authorizedTcpPorts",
            kind: ParamKind::Ports,
            default: default_tcp,
            doc: "TCP ports and ranges that may be open to the world (`443, 1020-1025`).",
        },
        ParamSpec {
            name: "authorizedUdpPorts",
            kind: ParamKind::Ports,
            default: None,
            doc: "UDP ports and ranges that may be open to the world.",
        },
    ]
}

/// Every port the `authorized*Ports` parameters do not authorize.
pub fn unauthorized_ports(p: &Params) -> RestrictedPorts {
    RestrictedPorts::both(ProtoPorts {
        tcp: p.ports("authorizedTcpPorts").complement(),
        udp: p.ports("authorizedUdpPorts").complement(),
        other_protocols: false,
    })
}
