//! A VPC peering connection or a transit gateway attachment described again (the events
//! that create, accept, reject or delete them do not carry the state the model needs),
//! as an event: the resource replaced (or removed), and every interface of the VPCs on
//! either side, before and after, recomputed.
use std::collections::BTreeSet;

use kensa_model::transit::{TransitGatewayAttachment, VpcPeeringConnection};
use kensa_model::Snapshot;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use super::described::KENSA_SOURCE;
use super::{unappliable, Applied, Outcome, Touched};
use crate::event::ChangeEvent;

/// `eventName` of a peering connection described again.
pub const DESCRIBED_PEERING: &str = "KensaDescribedVpcPeeringConnection";
/// `eventName` of a transit gateway attachment described again.
pub const DESCRIBED_TGW_ATTACHMENT: &str = "KensaDescribedTransitGatewayAttachment";

/// The described state of resource `id` (`state` None: it no longer exists) as an
/// event of kind `name` ([`DESCRIBED_PEERING`] or [`DESCRIBED_TGW_ATTACHMENT`]).
pub fn described_event(
    name: &str,
    event_id: &str,
    id: &str,
    state: Option<Value>,
    time: &str,
    actor: &str,
) -> ChangeEvent {
    ChangeEvent {
        event_id: event_id.to_string(),
        event_name: name.to_string(),
        event_source: KENSA_SOURCE.to_string(),
        time: time.to_string(),
        actor: actor.to_string(),
        region: None,
        account: None,
        error_code: None,
        request: json!({ "id": id, "resource": state }),
        response: Value::Null,
    }
}

fn parts<T: DeserializeOwned>(ev: &ChangeEvent) -> Result<(String, Option<T>), super::Unappliable> {
    let bad = |m: String| unappliable(ev.event_name.clone(), m);
    let id = ev.req_text("id").ok_or_else(|| bad("no id".into()))?;
    let state = match ev.request.get("resource") {
        None | Some(Value::Null) => None,
        Some(v) => Some(serde_json::from_value(v.clone()).map_err(|e| bad(e.to_string()))?),
    };
    Ok((id, state))
}

fn peering_vpcs(p: &VpcPeeringConnection) -> impl Iterator<Item = String> + '_ {
    [&p.requester_vpc_info, &p.accepter_vpc_info]
        .into_iter()
        .flatten()
        .filter_map(|i| i.vpc_id.clone())
}

pub(crate) fn replace_peering(snap: &mut Snapshot, ev: &ChangeEvent) -> Applied {
    let (id, state) = parts::<VpcPeeringConnection>(ev)?;
    let mut vpcs: BTreeSet<String> = BTreeSet::new();
    let old = snap.vpc_peering_connections.remove(&id);
    if let Some(old) = &old {
        vpcs.extend(peering_vpcs(old));
    }
    if let Some(mut new) = state {
        new.vpc_peering_connection_id = id.clone();
        // Where it was collected (not in the description): the old one's, else its VPC's.
        new.scope = match &old {
            Some(o) => o.scope.clone(),
            None => vpc_scope(snap, peering_vpcs(&new)),
        };
        vpcs.extend(peering_vpcs(&new));
        snap.vpc_peering_connections.insert(id, new);
    }
    Ok(Outcome::Applied(
        vpcs.into_iter().map(Touched::Vpc).collect(),
    ))
}

/// The scope of the first of `vpcs` the model has (default when none).
fn vpc_scope(snap: &Snapshot, vpcs: impl Iterator<Item = String>) -> kensa_model::Scope {
    vpcs.into_iter()
        .find_map(|v| snap.vpcs.get(&v).map(|v| v.scope.clone()))
        .unwrap_or_default()
}

/// The VPCs attached to a transit gateway.
fn tgw_vpcs(snap: &Snapshot, tgw: &str) -> Vec<String> {
    (snap.transit_gateway_attachments.values())
        .filter(|a| a.transit_gateway_id.as_deref() == Some(tgw))
        .filter_map(|a| a.vpc_id.clone().or_else(|| vpc_resource(a)))
        .collect()
}

fn vpc_resource(a: &TransitGatewayAttachment) -> Option<String> {
    (a.resource_type.as_deref() == Some("vpc"))
        .then(|| a.resource_id.clone())
        .flatten()
}

/// Every VPC attached to the gateway (before and after) is touched: an attachment
/// changes what reaches each of them through the gateway.
pub(crate) fn replace_tgw_attachment(snap: &mut Snapshot, ev: &ChangeEvent) -> Applied {
    let (id, state) = parts::<TransitGatewayAttachment>(ev)?;
    let mut vpcs: BTreeSet<String> = BTreeSet::new();
    let mut tgws: BTreeSet<String> = BTreeSet::new();
    if let Some(old) = snap.transit_gateway_attachments.get(&id) {
        tgws.extend(old.transit_gateway_id.clone());
    }
    tgws.extend(state.as_ref().and_then(|s| s.transit_gateway_id.clone()));
    for t in &tgws {
        vpcs.extend(tgw_vpcs(snap, t));
    }
    let old = snap.transit_gateway_attachments.remove(&id);
    if let Some(mut new) = state {
        new.transit_gateway_attachment_id = id.clone();
        let own_vpc = new.vpc_id.clone().or_else(|| vpc_resource(&new));
        new.scope = match &old {
            Some(o) => o.scope.clone(),
            None => vpc_scope(snap, own_vpc.into_iter()),
        };
        snap.transit_gateway_attachments.insert(id, new);
    }
    for t in &tgws {
        vpcs.extend(tgw_vpcs(snap, t));
    }
    Ok(Outcome::Applied(
        vpcs.into_iter().map(Touched::Vpc).collect(),
    ))
}
