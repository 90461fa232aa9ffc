//! On-premises networks end to end, from AWS's documented semantics ("Site-to-Site VPN
//! routing options", "Direct Connect gateway associations, allowed prefixes"):
//!
//! * vpc-a (10.0.0.0/16) with i-a in subnet-a; vgw-1 attached. Its route table sends
//!   192.168.0.0/16 (static) and 172.16.0.0/12 (propagated from the VGW) and
//!   10.50.0.0/16 (static) to vgw-1, and 10.60.0.0/16 to tgw-1.
//! * vpn-static on vgw-1: static routing, one static route, 192.168.0.0/16.
//! * Direct Connect gateway dxgw-1 associated with vgw-1 (allowed prefix 10.0.0.0/16)
//!   with one available private virtual interface.
//! * tgw-1: vpc-a's attachment and dxgw-2's attachment, one route table; dxgw-2 is
//!   associated with tgw-1 with allowed prefixes `allowed`; a transit VIF is up.
use kensa_model::direct_connect::*;
use kensa_model::transit::{VpnConnection, VpnStaticRoute};
use kensa_model::Snapshot;
use kensa_net::findings::findings;
use kensa_net::path::{query, PathAnswer, Verdict};

use crate::build::*;

fn dx_association(
    id: &str,
    dx: &str,
    gw: &str,
    allowed: &[&str],
) -> DirectConnectGatewayAssociation {
    DirectConnectGatewayAssociation {
        association_id: id.into(),
        direct_connect_gateway_id: Some(dx.into()),
        association_state: Some("associated".into()),
        associated_gateway: Some(DxAssociatedGateway {
            id: Some(gw.into()),
            ..Default::default()
        }),
        allowed_prefixes_to_direct_connect_gateway: allowed
            .iter()
            .map(|c| DxPrefix {
                cidr: Some(c.to_string()),
            })
            .collect(),
        ..Default::default()
    }
}

fn vif(id: &str, dx: &str, state: &str) -> VirtualInterface {
    VirtualInterface {
        virtual_interface_id: id.into(),
        virtual_interface_state: Some(state.into()),
        direct_connect_gateway_id: Some(dx.into()),
        ..Default::default()
    }
}

fn net(allowed: &[&str], vif1_state: &str) -> Snapshot {
    let mut b = B::default();
    let mut propagated = route("172.16.0.0/12", "vgw-1");
    propagated.origin = Some("EnableVgwRoutePropagation".into());
    b.vpc("vpc-a", &["10.0.0.0/16"])
        .vgw("vgw-1", "vpc-a")
        .subnet("subnet-a", "vpc-a", "10.0.1.0/24")
        .az("subnet-a", "az-a")
        .route_table(
            "rtb-a",
            "vpc-a",
            true,
            &["subnet-a"],
            vec![
                route("10.0.0.0/16", "local"),
                route("192.168.0.0/16", "vgw-1"),
                propagated,
                route("10.50.0.0/16", "vgw-1"),
                route("10.60.0.0/16", "tgw-1"),
            ],
        )
        .sg(
            "sg-a",
            "vpc-a",
            vec![perm(
                "tcp",
                22,
                22,
                &[
                    "192.168.0.0/16",
                    "172.16.0.0/12",
                    "10.50.0.0/16",
                    "10.60.0.0/16",
                ],
            )],
        )
        .instance("a", "subnet-a", "vpc-a", "10.0.1.10", None, None, &["sg-a"]);
    b.tgw("tgw-1")
        .tgw_attach(
            "tgw-attach-a",
            "tgw-1",
            "vpc",
            "vpc-a",
            &["subnet-a"],
            Some("tgw-rtb-1"),
        )
        .tgw_attach(
            "tgw-attach-dx",
            "tgw-1",
            "direct-connect-gateway",
            "dxgw-2",
            &[],
            Some("tgw-rtb-1"),
        )
        .tgw_table(
            "tgw-rtb-1",
            "tgw-1",
            vec![
                tgw_route("10.60.0.0/16", "tgw-attach-dx"),
                tgw_route("10.0.0.0/16", "tgw-attach-a"),
            ],
            &[],
        );
    let s = &mut b.s;
    s.vpn_connections.insert(
        "vpn-static".into(),
        VpnConnection {
            vpn_connection_id: "vpn-static".into(),
            customer_gateway_id: Some("cgw-1".into()),
            vpn_gateway_id: Some("vgw-1".into()),
            state: Some("available".into()),
            options: Some(serde_json::json!({"StaticRoutesOnly": true})),
            routes: vec![VpnStaticRoute {
                destination_cidr_block: Some("192.168.0.0/16".into()),
                source: Some("Static".into()),
                state: Some("available".into()),
            }],
            ..Default::default()
        },
    );
    for (id, dx, gw, allowed) in [
        ("assoc-1", "dxgw-1", "vgw-1", &["10.0.0.0/16"][..]),
        ("assoc-2", "dxgw-2", "tgw-1", allowed),
    ] {
        s.direct_connect_gateway_associations
            .insert(id.into(), dx_association(id, dx, gw, allowed));
    }
    s.virtual_interfaces
        .insert("dxvif-1".into(), vif("dxvif-1", "dxgw-1", vif1_state));
    s.virtual_interfaces
        .insert("dxvif-2".into(), vif("dxvif-2", "dxgw-2", "available"));
    b.s
}

fn ssh(snap: &Snapshot, from: &str, to: &str) -> PathAnswer {
    query(
        snap,
        &from.parse().unwrap(),
        &to.parse().unwrap(),
        "tcp",
        Some(22),
    )
    .unwrap()
}

fn hops(a: &PathAnswer) -> Vec<&str> {
    a.path.iter().map(|h| h.component_id.as_str()).collect()
}

fn stop(a: &PathAnswer) -> (&str, &str) {
    let b = a.blocked_at.as_ref().expect("stopped");
    (b.component_id.as_str(), b.code.as_str())
}

#[test]
fn vpn_static_routes_carry_both_ways() {
    let snap = net(&["10.0.0.0/16"], "available");
    let a = ssh(&snap, "192.168.5.5", "i-a");
    assert_eq!(a.verdict, Verdict::Reachable, "{a:#?}");
    assert_eq!(
        hops(&a),
        [
            "cgw-1",
            "vpn-static",
            "vgw-1",
            "rtb-a",
            "acl-default-a",
            "sg-a",
            "eni-a",
            "i-a"
        ]
    );
    // The same from `on-premises`, the VPN connection's id, the VGW's id and a CIDR.
    // Each names the first on-premises prefix behind it that gets through.
    for (from, src) in [
        ("on-premises", "10.60.0.1"),
        ("vpn-static", "192.168.0.1"),
        ("vgw-1", "172.16.0.1"),
        ("192.168.0.0/16", "192.168.0.1"),
    ] {
        let x = ssh(&snap, from, "i-a");
        assert_eq!(x.verdict, Verdict::Reachable, "{from}: {x:#?}");
        assert_eq!(x.source.as_deref(), Some(src), "{from}");
    }
    // Egress to on-premises, reply checked.
    let out = ssh(&snap, "i-a", "192.168.5.5");
    assert_eq!(out.verdict, Verdict::Reachable, "{out:#?}");
    assert!(hops(&out).ends_with(&["rtb-a", "vgw-1", "vpn-static", "cgw-1"]));
    let out = ssh(&snap, "i-a", "on-premises");
    assert_eq!(out.verdict, Verdict::Reachable, "{out:#?}");
}

#[test]
fn static_routing_without_a_covering_route_is_blocked_at_the_vpn() {
    let mut snap = net(&["10.0.0.0/16"], "available");
    snap.direct_connect_gateway_associations.remove("assoc-1");
    let a = ssh(&snap, "10.50.1.1", "i-a");
    assert_eq!(a.verdict, Verdict::Blocked, "{a:#?}");
    assert_eq!(stop(&a), ("vpn-static", "NO_ROUTE_TO_DESTINATION"));
}

#[test]
fn bgp_routes_not_in_the_snapshot_are_indeterminate() {
    let mut snap = net(&["10.0.0.0/16"], "available");
    snap.direct_connect_gateway_associations.remove("assoc-1");
    let v = snap.vpn_connections.get_mut("vpn-static").unwrap();
    v.options = Some(serde_json::json!({"StaticRoutesOnly": false}));
    v.routes.clear();
    // A static VPC route into a BGP connection: whether the customer gateway announces
    // the prefix is unknown.
    let a = ssh(&snap, "10.50.1.1", "i-a");
    assert_eq!(a.verdict, Verdict::Indeterminate, "{a:#?}");
    assert_eq!(stop(&a), ("vpn-static", "BGP_ROUTES_UNKNOWN"));
    let why = a.blocked_at.unwrap().reason.unwrap();
    assert!(
        why.contains("announced by the customer gateway cgw-1"),
        "{why}"
    );
    // A route propagated from the VGW was announced: delivered.
    let b = ssh(&snap, "172.16.1.1", "i-a");
    assert_eq!(b.verdict, Verdict::Reachable, "{b:#?}");
    assert_eq!(hops(&b)[..3], ["cgw-1", "vpn-static", "vgw-1"]);
}

#[test]
fn direct_connect_gateway_behind_the_vgw() {
    let snap = net(&["10.0.0.0/16"], "available");
    // Propagated (announced over the VIF): reachable through the DX gateway.
    let a = ssh(&snap, "172.16.1.1", "i-a");
    assert_eq!(a.verdict, Verdict::Reachable, "{a:#?}");
    assert_eq!(hops(&a)[..3], ["dxvif-1", "dxgw-1", "vgw-1"]);
    assert_eq!(ssh(&snap, "dxgw-1", "i-a").verdict, Verdict::Reachable);
    // A static VPC route only: the VIF's BGP routes are unknown.
    let b = ssh(&snap, "10.50.1.1", "i-a");
    assert_eq!(b.verdict, Verdict::Indeterminate, "{b:#?}");
    assert_eq!(stop(&b), ("dxgw-1", "BGP_ROUTES_UNKNOWN"));
    // The virtual interface is down: blocked there.
    let mut down = net(&["10.0.0.0/16"], "down");
    down.vpn_connections.clear();
    let c = ssh(&down, "172.16.1.1", "i-a");
    assert_eq!(c.verdict, Verdict::Blocked, "{c:#?}");
    assert_eq!(stop(&c), ("dxvif-1", "BAD_STATE_ATTACHMENT"));
}

#[test]
fn direct_connect_gateway_attachment_of_a_tgw_checks_allowed_prefixes() {
    let snap = net(&["10.0.0.0/16"], "available");
    let a = ssh(&snap, "10.60.0.5", "i-a");
    assert_eq!(a.verdict, Verdict::Reachable, "{a:#?}");
    assert_eq!(
        hops(&a),
        [
            "dxvif-2",
            "dxgw-2",
            "tgw-attach-dx",
            "tgw-1",
            "tgw-rtb-1",
            "tgw-attach-a",
            "rtb-a",
            "acl-default-a",
            "sg-a",
            "eni-a",
            "i-a"
        ]
    );
    let out = ssh(&snap, "i-a", "10.60.0.5");
    assert_eq!(out.verdict, Verdict::Reachable, "{out:#?}");
    assert!(hops(&out).ends_with(&["tgw-attach-dx", "dxgw-2", "dxvif-2"]));
    // vpc-a's CIDR is not an allowed prefix: never announced on-premises, no reply.
    let narrow = net(&["10.9.0.0/16"], "available");
    for x in [
        ssh(&narrow, "10.60.0.5", "i-a"),
        ssh(&narrow, "i-a", "10.60.0.5"),
    ] {
        assert_eq!(x.verdict, Verdict::Blocked, "{x:#?}");
        assert_eq!(stop(&x), ("dxgw-2", "DX_ALLOWED_PREFIXES_MISMATCH"));
    }
}

#[test]
fn scan_reports_the_vgw_and_tgw_exposure() {
    let snap = net(&["10.0.0.0/16"], "available");
    let fs = findings(&kensa_net::analyze(&snap));
    let classes: std::collections::BTreeSet<&str> = fs
        .iter()
        .filter(|f| f.resource.id == "i-a")
        .filter_map(|f| f.attributes.get("REACHABILITY_TYPE").map(String::as_str))
        .collect();
    assert!(
        classes.contains("VGW") && classes.contains("TGW"),
        "{classes:?}"
    );
}
