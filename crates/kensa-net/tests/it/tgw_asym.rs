//! Asymmetric paths through two transit gateways (AWS: a TGW routes each packet on its
//! own; security groups track the connection at the ENI, so a reply may come back
//! through another TGW than the request took):
//!
//! * vpc-a and vpc-b are each attached to tgw-1 and tgw-2 (attachment subnets in the
//!   instances' zone). vpc-a's route table sends vpc-b's CIDR to tgw-1; vpc-b's sends
//!   vpc-a's CIDR to tgw-2. Each TGW has one route table associated with both of its
//!   attachments, into which both VPCs propagate.
//! * a → b goes out through tgw-1 and the reply comes back through tgw-2: reachable.
//! * Without vpc-a's propagation into tgw-2's table the reply has no way back: the
//!   answer is blocked at tgw-2's route table (no return route), not at tgw-1 or a VPC
//!   route table, and
//!   `kensa scan` no longer reports vpc-a as a TGW source of b's exposure.
use kensa_model::Snapshot;
use kensa_net::findings::findings;
use kensa_net::path::{query, PathAnswer, Verdict};

use crate::build::*;

fn vpc(b: &mut B, name: &str, cidr: &str, subnet_cidr: &str, peer_cidr: &str, tgw: &str) {
    let (vpc, subnet) = (format!("vpc-{name}"), format!("subnet-{name}"));
    b.vpc(&vpc, &[cidr]).subnet(&subnet, &vpc, subnet_cidr);
    b.az(&subnet, "az-1");
    b.route_table(
        &format!("rtb-{name}"),
        &vpc,
        true,
        &[subnet.as_str()],
        vec![route(cidr, "local"), route(peer_cidr, tgw)],
    );
    b.sg(
        &format!("sg-{name}"),
        &vpc,
        vec![perm("tcp", 22, 22, &["10.0.0.0/8"])],
    );
    for t in ["tgw-1", "tgw-2"] {
        b.tgw_attach(
            &format!("tgw-attach-{name}-{t}"),
            t,
            "vpc",
            &vpc,
            &[subnet.as_str()],
            Some(&format!("tgw-rtb-{t}")),
        );
    }
}

/// The network; `a_propagates_into_tgw2` decides whether tgw-2 can route back to vpc-a.
fn network(a_propagates_into_tgw2: bool) -> Snapshot {
    let mut b = B::default();
    b.tgw("tgw-1").tgw("tgw-2");
    vpc(
        &mut b,
        "a",
        "10.1.0.0/16",
        "10.1.1.0/24",
        "10.2.0.0/16",
        "tgw-1",
    );
    vpc(
        &mut b,
        "b",
        "10.2.0.0/16",
        "10.2.1.0/24",
        "10.1.0.0/16",
        "tgw-2",
    );
    b.tgw_table(
        "tgw-rtb-tgw-1",
        "tgw-1",
        vec![],
        &["tgw-attach-a-tgw-1", "tgw-attach-b-tgw-1"],
    );
    let props: &[&str] = if a_propagates_into_tgw2 {
        &["tgw-attach-a-tgw-2", "tgw-attach-b-tgw-2"]
    } else {
        &["tgw-attach-b-tgw-2"]
    };
    b.tgw_table("tgw-rtb-tgw-2", "tgw-2", vec![], props);
    b.instance("a", "subnet-a", "vpc-a", "10.1.1.10", None, None, &["sg-a"])
        .instance("b", "subnet-b", "vpc-b", "10.2.1.10", None, None, &["sg-b"]);
    b.s
}

fn ssh(snap: &Snapshot, from: &str, to: &str) -> PathAnswer {
    let (from, to) = (from.parse().unwrap(), to.parse().unwrap());
    query(snap, &from, &to, "tcp", Some(22)).unwrap()
}

fn hops(a: &PathAnswer) -> Vec<&str> {
    a.path.iter().map(|h| h.component_id.as_str()).collect()
}

/// The TGW source CIDRs of `instance`'s SSH finding, if it has one.
fn tgw_sources(snap: &Snapshot, instance: &str) -> Option<Vec<String>> {
    let fs = findings(&kensa_net::analyze(snap));
    let f = fs.iter().find(|f| {
        f.resource.id == instance
            && f.attributes.get("REACHABILITY_TYPE").map(String::as_str) == Some("TGW")
            && f.attributes.get("PORT").map(String::as_str) == Some("22")
    })?;
    let kensa_model::Evidence::NetworkPath(ev) = f.evidence.as_ref()? else {
        return None;
    };
    Some(ev.source_cidrs.clone())
}

#[test]
fn request_through_one_tgw_and_reply_through_another_is_reachable() {
    let snap = network(true);
    let a = ssh(&snap, "i-a", "i-b");
    assert_eq!(a.verdict, Verdict::Reachable, "{a:#?}");
    let h = hops(&a);
    assert!(
        h.contains(&"tgw-1") && h.contains(&"tgw-rtb-tgw-1"),
        "{h:?}"
    );
    assert!(!h.contains(&"tgw-rtb-tgw-2"), "forward path only: {h:?}");
    assert_eq!(tgw_sources(&snap, "i-b").unwrap(), ["10.1.0.0/16"]);
    assert_eq!(tgw_sources(&snap, "i-a").unwrap(), ["10.2.0.0/16"]);
}

#[test]
fn a_reply_tgw_without_a_route_back_blocks_at_its_route_table() {
    let snap = network(false);
    let a = ssh(&snap, "i-a", "i-b");
    assert_eq!(a.verdict, Verdict::Blocked, "{a:#?}");
    let stop = a.blocked_at.as_ref().unwrap();
    assert_eq!(
        (stop.component_id.as_str(), stop.code.as_str()),
        ("tgw-rtb-tgw-2", "NO_RETURN_ROUTE"),
        "{a:#?}"
    );
    assert_eq!(tgw_sources(&snap, "i-b"), None);
    // The other direction's request dies at tgw-2 the same way.
    let back = ssh(&snap, "i-b", "i-a");
    assert_eq!(back.blocked_at.unwrap().component_id, "tgw-rtb-tgw-2");
}

#[test]
fn request_over_a_peering_and_reply_through_a_tgw_is_reachable() {
    let mut snap = network(true);
    let mut b = B { s: snap.clone() };
    b.pcx(
        "pcx-ab",
        ("vpc-a", "10.1.0.0/16"),
        ("vpc-b", "10.2.0.0/16"),
        true,
    );
    snap = b.s;
    let rtb = snap.route_tables.get_mut("rtb-a").unwrap();
    rtb.routes = vec![
        route("10.1.0.0/16", "local"),
        route("10.2.0.0/16", "pcx-ab"),
    ];
    let a = ssh(&snap, "i-a", "i-b");
    assert_eq!(a.verdict, Verdict::Reachable, "{a:#?}");
    assert!(hops(&a).contains(&"pcx-ab"));
    // With tgw-2 unable to route back, the peering's request gets no reply.
    let mut no_way_back = snap.clone();
    let t2 = no_way_back
        .transit_gateway_route_tables
        .get_mut("tgw-rtb-tgw-2")
        .unwrap();
    t2.propagations
        .retain(|p| p.transit_gateway_attachment_id.as_deref() != Some("tgw-attach-a-tgw-2"));
    let a = ssh(&no_way_back, "i-a", "i-b");
    assert_eq!(a.blocked_at.unwrap().code, "NO_RETURN_ROUTE");
}
