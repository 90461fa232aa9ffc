//! `kensa path` to, through or from a load balancer: Internet → listener → target, both
//! hops; and from the load balancer's nodes to an instance (the hop a target's security
//! group must admit).
use std::net::IpAddr;

use kensa_model::block_code::BlockCode;

use crate::engine::Engine;
use crate::hops::{Trace, T_ACL, T_ENI, T_IGW, T_INSTANCE, T_SG};
use crate::index::Eni;
use crate::lb::LbNode;
use crate::path::{answer, PathAnswer, Verdict};

const T_LB: &str = "AWS::ElasticLoadBalancingV2::LoadBalancer";
const T_LISTENER: &str = "AWS::ElasticLoadBalancingV2::Listener";

/// When the Internet cannot reach an instance directly: a listener of an internet-facing
/// load balancer that forwards to it on `port`.
pub(crate) fn lb_alternative(eng: &Engine, dst: &Eni, proto: u8, port: u16) -> Option<PathAnswer> {
    let lbs = LbNode::all(&eng.idx);
    let i = eng.idx.eni_by_id[&dst.id];
    for lb in lbs.iter().filter(|lb| lb.internet_facing) {
        if lb.listeners.iter().any(|l| {
            l.ip_protocols.contains(&proto)
                && l.targets.iter().any(|t| t.eni == Some(i) && t.port == port)
        }) {
            let ans = via_lb(eng, lb, Some(i), proto, port, None);
            if ans.verdict == Verdict::Reachable {
                return Some(ans);
            }
        }
    }
    None
}

/// Internet → load balancer listener → target. With `target` set, only that ENI counts
/// and `port` is the target port; otherwise `port` is the listener port. `client` is the
/// Internet address asked about (`--from`), or any public client when `None`.
pub(crate) fn via_lb(
    eng: &Engine,
    lb: &LbNode,
    target: Option<usize>,
    proto: u8,
    port: u16,
    client: Option<IpAddr>,
) -> PathAnswer {
    let reach = eng.analyze_lb_pub(lb.clone());
    let mut t = Trace::new();
    let igw = reach
        .igws
        .first()
        .cloned()
        .unwrap_or_else(|| "internet".into());
    t.push(&igw, T_IGW);
    t.push(&lb.id, T_LB);
    let admits_client = |l: &crate::engine::ListenerReach| match client {
        None => l.flows.get(proto).is_some(),
        Some(ip) => crate::flow::contains(&l.flows, proto, l.port, ip),
    };
    let listener = reach.listeners.iter().find(|l| {
        admits_client(l)
            && match target {
                None => l.port == port,
                Some(i) => l
                    .targets
                    .iter()
                    .any(|x| x.eni_index == Some(i) && x.port == port),
            }
    });
    let Some(l) = listener else {
        let code = if reach.igws.is_empty() {
            BlockCode::NoRouteToIgw
        } else {
            BlockCode::EniSgRulesMismatch
        };
        let comp = lb
            .security_groups
            .first()
            .cloned()
            .unwrap_or_else(|| lb.id.clone());
        let ty = if lb.security_groups.is_empty() {
            T_LB
        } else {
            T_SG
        };
        return answer(
            t.block(
                &comp,
                ty,
                if lb.listeners.iter().any(|l| l.port == port) || target.is_some() {
                    code
                } else {
                    BlockCode::ElbListenerPortRestriction
                },
            ),
            client,
            None,
        );
    };
    t.push(&l.listener_id, T_LISTENER);
    let chosen = l
        .targets
        .iter()
        .filter(|x| target.is_none_or(|i| x.eni_index == Some(i)))
        .find(|x| x.blocked.is_none() && client.is_none_or(|c| x.sources.contains(c)))
        .or_else(|| l.targets.first());
    let Some(x) = chosen else {
        return answer(
            t.block(&l.listener_id, T_LISTENER, BlockCode::NoTargets),
            None,
            None,
        );
    };
    let Some(i) = x.eni_index else {
        return answer(
            t.block(&x.target_id, T_INSTANCE, BlockCode::TargetNotFound),
            None,
            None,
        );
    };
    let e = &eng.idx.enis[i];
    let code = x.blocked.or_else(|| {
        let lost = client.is_some_and(|c| !x.sources.contains(c));
        lost.then_some(BlockCode::EniSgRulesMismatch)
    });
    if let Some(code) = code {
        let (id, ty) = if code == BlockCode::SubnetAclRestriction {
            (
                eng.idx
                    .subnets
                    .get(e.subnet_id.unwrap_or_default())
                    .and_then(|c| c.nacl.clone())
                    .unwrap_or_default(),
                T_ACL,
            )
        } else {
            (e.groups.first().unwrap_or(&"").to_string(), T_SG)
        };
        return answer(
            t.block(&id, ty, code),
            client,
            e.private_ips.first().copied(),
        );
    }
    if let Some(g) = e.groups.first() {
        t.push(g, T_SG);
    }
    t.push(&e.id, T_ENI);
    if let Some(inst) = &e.instance_id {
        t.push(inst, T_INSTANCE);
    }
    // Show a typical public client rather than the lowest address of the set.
    let public: IpAddr = "8.8.8.8".parse().expect("literal address");
    let src = if client.is_some() {
        client
    } else if x.sources.contains(public) {
        Some(public)
    } else {
        x.sources.sample()
    };
    answer(t, src, e.private_ips.first().copied())
}

/// From load balancer `lb`'s nodes to `dst` (`dst_ip`): traced from each node ENI of the
/// snapshot as from any other ENI, so the balancer's own security groups, its subnets'
/// ACLs and routes, and the target's group (which usually admits the balancer's group)
/// all count. The first node that gets through answers; else the first blocked trace.
pub(crate) fn from_lb(
    eng: &Engine,
    lb: &LbNode,
    dst: &Eni,
    dst_ip: IpAddr,
    proto: u8,
    port: u16,
) -> Result<PathAnswer, crate::path::PathError> {
    let idx = &eng.idx;
    let nodes: Vec<(&Eni, IpAddr)> = idx
        .enis
        .iter()
        .filter(|e| {
            e.subnet_id
                .is_some_and(|s| lb.subnets.iter().any(|x| x == s))
        })
        .filter_map(|e| {
            let ip = e.private_ips.iter().find(|ip| lb.addrs.contains(**ip))?;
            Some((e, *ip))
        })
        .collect();
    if !lb.enis_known || nodes.is_empty() {
        return Err(crate::path::PathError::NotASource(
            lb.name.clone(),
            "the snapshot has no network interface of this load balancer's nodes (describe-network-interfaces), so its source addresses and groups are unknown",
        ));
    }
    let mut first: Option<PathAnswer> = None;
    for (node, ip) in nodes {
        let mut t = Trace::new();
        t.push(&lb.id, T_LB);
        let rest = crate::hops::between(eng, node, ip, dst, dst_ip, proto, port);
        t.path.extend(rest.path);
        t.blocked = rest.blocked;
        let ans = answer(t, Some(ip), Some(dst_ip));
        if ans.verdict == Verdict::Reachable {
            return Ok(ans);
        }
        first.get_or_insert(ans);
    }
    Ok(first.expect("at least one node"))
}
