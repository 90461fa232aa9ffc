//! Hops through transit gateways for [`crate::hops`]: the attachment the source VPC
//! sends through (which must serve the source's Availability Zone), the TGW route table
//! associated with it, peerings to other TGWs, the attachment that delivers into the
//! destination VPC (which must serve the destination's zone for the reply), and the
//! reply's way back through the TGWs.
use std::net::IpAddr;

use kensa_model::block_code::BlockCode;

use crate::hops::{Trace, T_RT, T_TGW, T_TGW_ATTACH, T_TGW_RTB};
use crate::index::{Index, SubnetCtx};
use crate::onprem::{beyond_tgw_attachment, OnPrem};
use crate::packet::route_lookup;
use crate::rules::Target;
use crate::tgw::{AttKind, TgwAttachment, TgwModel, TgwNext};

/// The most hops a packet may take through TGW peerings (AWS has no loops that matter
/// here; this only guards against cyclic snapshots).
const MAX_TGW_HOPS: usize = 8;

/// Follows a packet that enters TGW `tgw` through attachment `att` towards `dst`,
/// across TGW peerings, to the attachment that delivers it. Pushes the hops; on a stop
/// sets `t.blocked` and returns `None`. Returns (TGW, attachment, route table) of the
/// last lookup.
pub(crate) fn through_tgw(
    m: &TgwModel,
    t: &mut Trace,
    tgw: &str,
    att: &str,
    dst: IpAddr,
) -> Option<(String, String, String)> {
    let (mut tgw, mut att) = (tgw.to_string(), att.to_string());
    for _ in 0..MAX_TGW_HOPS {
        t.push(&tgw, T_TGW);
        let Some(table) = m.table_of(&tgw, &att) else {
            let code = if m.has_tables(&tgw) {
                BlockCode::TgwAttachStableRouteTableNotFound
            } else {
                let reason =
                    format!("no route table of transit gateway `{tgw}` is in the snapshot");
                t.stop(&tgw, T_TGW, BlockCode::ComponentNotInSnapshot, Some(reason));
                return None;
            };
            t.stop(&att, T_TGW_ATTACH, code, None);
            return None;
        };
        t.push(&table.id, T_TGW_RTB);
        if table.unknown {
            let reason = format!("the routes of `{}` are not in the snapshot (no route search output, no propagations)", table.id);
            t.stop(
                &table.id,
                T_TGW_RTB,
                BlockCode::ComponentNotInSnapshot,
                Some(reason),
            );
            return None;
        }
        let next = match table.lookup(dst).map(|r| &r.next) {
            None if !table.unknown_propagations.is_empty() => {
                let reason = format!(
                    "no known route to {dst}; {} propagate BGP routes that are not in the snapshot (no route search output)",
                    table.unknown_propagations.join(", ")
                );
                t.stop(
                    &table.id,
                    T_TGW_RTB,
                    BlockCode::BgpRoutesUnknown,
                    Some(reason),
                );
                return None;
            }
            None => {
                t.stop(&table.id, T_TGW_RTB, BlockCode::NoRouteToDestination, None);
                return None;
            }
            Some(TgwNext::Blackhole) => {
                t.stop(&table.id, T_TGW_RTB, BlockCode::BlackholeRoute, None);
                return None;
            }
            Some(TgwNext::Attachment(a)) => a.clone(),
        };
        t.push(&next, T_TGW_ATTACH);
        let Some(info) = m.attachments.get(&next) else {
            let reason = format!(
                "transit gateway attachment `{next}` is referenced but not in the snapshot"
            );
            t.stop(
                &next,
                T_TGW_ATTACH,
                BlockCode::ComponentNotInSnapshot,
                Some(reason),
            );
            return None;
        };
        if !info.available {
            t.stop(&next, T_TGW_ATTACH, BlockCode::BadStateAttachment, None);
            return None;
        }
        match &info.kind {
            AttKind::Peering => {
                let Some(other) = info.tgws.iter().find(|g| **g != tgw) else {
                    let reason =
                        format!("the peer transit gateway of `{next}` is not in the snapshot");
                    t.stop(
                        &next,
                        T_TGW_ATTACH,
                        BlockCode::ComponentNotInSnapshot,
                        Some(reason),
                    );
                    return None;
                };
                tgw = other.clone();
                att = next;
            }
            AttKind::Other(kind) => {
                let reason =
                    format!("attachment `{next}` of type `{kind}` is not evaluated by kensa");
                t.stop(
                    &next,
                    T_TGW_ATTACH,
                    BlockCode::UnknownRouteTarget,
                    Some(reason),
                );
                return None;
            }
            _ => return Some((tgw, next, table.id.clone())),
        }
    }
    t.stop(
        &tgw,
        T_TGW,
        BlockCode::NoRouteToDestination,
        Some("routing loop between peered transit gateways".into()),
    );
    None
}

/// The source VPC's attachment to `tgw` (pushed as a hop): it must exist, be available
/// and serve the source subnet's Availability Zone. `None` (with `t` stopped) otherwise.
fn enter_tgw<'m>(
    m: &'m TgwModel,
    t: &mut Trace,
    tgw: &str,
    src: &SubnetCtx,
) -> Option<&'m TgwAttachment> {
    let ours = |a: &&TgwAttachment| {
        a.kind == AttKind::Vpc
            && a.resource.as_deref() == Some(src.vpc_id.as_str())
            && a.tgws.iter().any(|g| g == tgw)
    };
    let Some(s_att) = m.attachments.values().find(ours) else {
        t.push(tgw, T_TGW);
        if !m.has_tables(tgw) && m.attachments.is_empty() {
            let reason = format!(
                "no attachment of `{}` to transit gateway `{tgw}` is in the snapshot",
                src.vpc_id
            );
            t.stop(tgw, T_TGW, BlockCode::ComponentNotInSnapshot, Some(reason));
        } else {
            t.stop(
                tgw,
                T_TGW,
                BlockCode::NoRouteToDestination,
                Some(format!("`{}` has no attachment to `{tgw}`", src.vpc_id)),
            );
        }
        return None;
    };
    t.push(&s_att.id, T_TGW_ATTACH);
    if !s_att.available {
        t.stop(&s_att.id, T_TGW_ATTACH, BlockCode::BadStateAttachment, None);
        return None;
    }
    if !TgwModel::serves_az(s_att, src.az.as_deref()) {
        let reason = format!(
            "`{}` has no subnet in {}",
            s_att.id,
            src.az.as_deref().unwrap_or("the zone")
        );
        t.stop(
            &s_att.id,
            T_TGW_ATTACH,
            BlockCode::TgwAttachNoSubnetInAz,
            Some(reason),
        );
        return None;
    }
    Some(s_att)
}

/// Leaving through `tgw` towards `p.remote`, an address outside the snapshot's VPCs:
/// the attachment that takes the packet decides. A VPN or Direct Connect gateway
/// attachment delivers it ([`crate::onprem`]); another VPC (centralized egress) is not
/// followed: indeterminate, naming it.
pub(crate) fn leave_through_tgw(
    idx: &Index,
    mut t: Trace,
    tgw: &str,
    src: &SubnetCtx,
    p: OnPrem,
) -> Trace {
    let m = &idx.tgw;
    let Some(s_att) = enter_tgw(m, &mut t, tgw, src) else {
        return t;
    };
    let Some((last, out, _)) = through_tgw(m, &mut t, tgw, &s_att.id, p.remote) else {
        return t;
    };
    let info = &m.attachments[&out];
    if matches!(info.kind, AttKind::Vpn | AttKind::DirectConnect) {
        return beyond_tgw_attachment(idx, t, &last, &info.kind, info.resource.as_deref(), p);
    }
    if info.kind == AttKind::Vpc {
        let vpc = info.resource.as_deref().unwrap_or("another VPC");
        let reason = format!("the packet leaves through {vpc} (centralized egress); kensa does not follow traffic through a second VPC");
        t.stop(
            &out,
            T_TGW_ATTACH,
            BlockCode::UnknownRouteTarget,
            Some(reason),
        );
    }
    t
}

/// The hops from the source VPC's route table to the destination's, when the route
/// leads to transit gateway `tgw`: attachments, TGW route tables, peerings, and the
/// reply's way back. Returns `None` when the packet gets through (hops pushed).
pub(crate) fn via_tgw(
    idx: &Index,
    t: &mut Trace,
    tgw: &str,
    src: (&SubnetCtx, IpAddr),
    dst: (&SubnetCtx, IpAddr),
    d_rt: Option<&kensa_model::ec2::RouteTable>,
) -> Option<()> {
    let m = &idx.tgw;
    let s_att = enter_tgw(m, t, tgw, src.0)?;
    let (_, d_att, table) = through_tgw(m, t, tgw, &s_att.id, dst.1)?;
    let d_info = &m.attachments[&d_att];
    if d_info.kind != AttKind::Vpc || d_info.resource.as_deref() != Some(dst.0.vpc_id.as_str()) {
        let reason = format!(
            "`{table}` sends {} to `{d_att}`, not to an attachment of `{}`",
            dst.1, dst.0.vpc_id
        );
        t.stop(
            &table,
            T_TGW_RTB,
            BlockCode::NoRouteToDestination,
            Some(reason),
        );
        return None;
    }
    reply_back(idx, t, src, dst, d_rt)
}

/// The reply from `dst` to `src`: the destination subnet's route back, through
/// whichever transit gateway (or peering) it names. AWS routes each direction on its
/// own and security groups track the connection at the ENI, so a reply may return
/// through another TGW than the request took; it must leave through an attachment that
/// serves the destination's zone and arrive at an attachment of the source's VPC.
pub(crate) fn reply_back(
    idx: &Index,
    t: &mut Trace,
    src: (&SubnetCtx, IpAddr),
    dst: (&SubnetCtx, IpAddr),
    d_rt: Option<&kensa_model::ec2::RouteTable>,
) -> Option<()> {
    let m = &idx.tgw;
    let rt_id = d_rt.map(|r| r.route_table_id.as_str()).unwrap_or(&dst.0.id);
    let via = match d_rt.and_then(|r| route_lookup(idx, r, src.1)).map(|r| r.1) {
        Some(Target::Tgw(g)) => g,
        Some(Target::Pcx(p)) if peering_joins(idx, &p, &dst.0.vpc_id, &src.0.vpc_id) => {
            return Some(())
        }
        _ => {
            let reason = format!("no route back to {}", src.1);
            t.stop(rt_id, T_RT, BlockCode::NoReturnRoute, Some(reason));
            return None;
        }
    };
    let mut reply = Trace::new();
    let arrived = enter_tgw(m, &mut reply, &via, dst.0)
        .and_then(|d_att| through_tgw(m, &mut reply, &via, &d_att.id, src.1));
    match arrived {
        Some((_, a, table)) => {
            let ours = m.attachments.get(&a).is_some_and(|x| {
                x.kind == AttKind::Vpc && x.resource.as_deref() == Some(src.0.vpc_id.as_str())
            });
            if ours {
                return Some(());
            }
            let reason = format!(
                "the reply to {} is routed to `{a}`, not to an attachment of `{}`",
                src.1, src.0.vpc_id
            );
            t.stop(&table, T_TGW_RTB, BlockCode::NoReturnRoute, Some(reason));
            None
        }
        None => {
            let mut b = reply.blocked.expect("set on stop");
            b.reason = Some(format!(
                "reply path: {}",
                b.reason.clone().unwrap_or_else(|| b.code.to_string())
            ));
            let keep = b.code.is_indeterminate() || b.code == BlockCode::TgwAttachNoSubnetInAz;
            if !keep {
                b.code = BlockCode::NoReturnRoute;
            }
            t.blocked = Some(b);
            None
        }
    }
}

/// Whether peering `pcx` is active and joins VPCs `a` and `b`.
fn peering_joins(idx: &Index, pcx: &str, a: &str, b: &str) -> bool {
    idx.peerings
        .get(pcx)
        .is_some_and(|p| p.active && p.other_side(a).and_then(|o| o.0.as_deref()) == Some(b))
}

/// A packet from on-premises address `p.remote` entering through `tgw` towards
/// `p.local` in subnet `dst`. The reply decides which attachment the remote is behind
/// (the destination VPC's attachment, its TGW route table, peerings); when that is a VPN
/// or Direct Connect gateway attachment, the on-premises side is checked
/// ([`crate::onprem`]) and the request traced from it to the destination VPC's
/// attachment. `Ok(None)`: the remote is not behind such an attachment (left to the
/// caller); `Ok(Some(trace))`: the hops so far; `Err(trace)`: stopped.
pub(crate) fn arrive_from_onprem(
    idx: &Index,
    tgw: &str,
    dst: &SubnetCtx,
    p: OnPrem,
) -> Result<Option<Trace>, Trace> {
    let m = &idx.tgw;
    let mut reply = Trace::new();
    let reply_stop = |mut r: Trace| {
        if let Some(b) = r.blocked.as_mut() {
            b.reason = Some(format!(
                "reply path: {}",
                b.reason.clone().unwrap_or_else(|| b.code.to_string())
            ));
        }
        r
    };
    let Some(d_att) = enter_tgw(m, &mut reply, tgw, dst) else {
        return Err(reply_stop(reply));
    };
    let Some((last, out, _)) = through_tgw(m, &mut reply, tgw, &d_att.id, p.remote) else {
        return Err(reply_stop(reply));
    };
    let info = &m.attachments[&out];
    if !matches!(info.kind, AttKind::Vpn | AttKind::DirectConnect) {
        return Ok(None);
    }
    let side = beyond_tgw_attachment(
        idx,
        Trace::new(),
        &last,
        &info.kind,
        info.resource.as_deref(),
        p,
    );
    let mut t = Trace::new();
    for h in side.path.iter().rev() {
        t.push(&h.component_id, &h.component_type);
    }
    if side.blocked.is_some() {
        t.blocked = side.blocked;
        return Err(reply_stop(t));
    }
    t.push(&out, T_TGW_ATTACH);
    let Some((_, arrived, table)) = through_tgw(m, &mut t, &last, &out, p.local) else {
        return Err(t);
    };
    if arrived != d_att.id {
        let reason = format!(
            "`{table}` sends {} to `{arrived}`, not to `{}`",
            p.local, d_att.id
        );
        t.stop(
            &table,
            T_TGW_RTB,
            BlockCode::NoRouteToDestination,
            Some(reason),
        );
        return Err(t);
    }
    Ok(Some(t))
}
