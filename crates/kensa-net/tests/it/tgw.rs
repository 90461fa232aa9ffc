//! Transit gateways end to end, from AWS's documented semantics ("Transit gateway route
//! tables", "Centralized/isolated VPCs", "Transit gateway peering attachments"):
//!
//! * tgw-1 with two route tables and cross propagation: the spokes (vpc-app, vpc-other)
//!   are associated with `tgw-rtb-spokes`, into which only the shared-services VPC
//!   propagates; vpc-shared is associated with `tgw-rtb-shared`, into which both spokes
//!   propagate. Spokes reach shared services, not each other. No route search output:
//!   the routes come from the propagations.
//! * An Availability Zone without an attachment subnet: vpc-app's attachment has a
//!   subnet in az-a only, so an instance in az-b neither sends nor answers through it.
//! * TGW peering across two accounts: tgw-2 (another account's folder) holds vpc-remote;
//!   the peering attachment is associated with `tgw-rtb-peer` on tgw-1 and `tgw-rtb-2`
//!   on tgw-2, each with a static route to the other side.
use kensa_model::transit::TgwRouteTablePropagation;
use kensa_model::Snapshot;
use kensa_net::findings::findings;
use kensa_net::path::{query, PathAnswer, Verdict};

use crate::build::*;

fn ssh_from_ten() -> Vec<kensa_model::ec2::IpPermission> {
    vec![perm("tcp", 22, 22, &["10.0.0.0/8"])]
}

fn spoke(b: &mut B, vpc: &str, cidr: &str, subnets: &[(&str, &str, &str)], tgw: &str) {
    b.vpc(vpc, &[cidr]);
    for (s, c, az) in subnets {
        b.subnet(s, vpc, c).az(s, az);
    }
    let ids: Vec<&str> = subnets.iter().map(|x| x.0).collect();
    b.route_table(
        &format!("rtb-{vpc}"),
        vpc,
        true,
        &ids,
        vec![route(cidr, "local"), route("10.0.0.0/8", tgw)],
    );
    b.sg(&format!("sg-{vpc}"), vpc, ssh_from_ten());
}

fn associate(s: &mut Snapshot, table: &str, att: &str) {
    let t = s.transit_gateway_route_tables.get_mut(table).unwrap();
    t.associations.push(TgwRouteTablePropagation {
        transit_gateway_attachment_id: Some(att.into()),
        state: Some("associated".into()),
        ..Default::default()
    });
}

fn network() -> Snapshot {
    let mut b = B::default();
    spoke(
        &mut b,
        "vpc-app",
        "10.1.0.0/16",
        &[
            ("subnet-app", "10.1.1.0/24", "az-a"),
            ("subnet-app2", "10.1.2.0/24", "az-b"),
        ],
        "tgw-1",
    );
    spoke(
        &mut b,
        "vpc-other",
        "10.3.0.0/16",
        &[("subnet-other", "10.3.1.0/24", "az-a")],
        "tgw-1",
    );
    spoke(
        &mut b,
        "vpc-shared",
        "10.2.0.0/16",
        &[("subnet-shared", "10.2.1.0/24", "az-a")],
        "tgw-1",
    );
    spoke(
        &mut b,
        "vpc-remote",
        "10.9.0.0/16",
        &[("subnet-remote", "10.9.1.0/24", "az-c")],
        "tgw-2",
    );
    b.tgw("tgw-1").tgw("tgw-2");
    b.tgw_attach(
        "tgw-attach-app",
        "tgw-1",
        "vpc",
        "vpc-app",
        &["subnet-app"],
        Some("tgw-rtb-spokes"),
    )
    .tgw_attach(
        "tgw-attach-other",
        "tgw-1",
        "vpc",
        "vpc-other",
        &["subnet-other"],
        Some("tgw-rtb-spokes"),
    )
    .tgw_attach(
        "tgw-attach-shared",
        "tgw-1",
        "vpc",
        "vpc-shared",
        &["subnet-shared"],
        Some("tgw-rtb-shared"),
    )
    .tgw_attach(
        "tgw-attach-remote",
        "tgw-2",
        "vpc",
        "vpc-remote",
        &["subnet-remote"],
        Some("tgw-rtb-2"),
    )
    .tgw_attach(
        "tgw-attach-peer",
        "tgw-1",
        "peering",
        "tgw-2",
        &[],
        Some("tgw-rtb-peer"),
    );
    b.tgw_table("tgw-rtb-spokes", "tgw-1", vec![], &["tgw-attach-shared"])
        .tgw_table(
            "tgw-rtb-shared",
            "tgw-1",
            vec![
                tgw_route("10.1.0.0/16", "tgw-attach-app"),
                tgw_route("10.3.0.0/16", "tgw-attach-other"),
                tgw_route("10.9.0.0/16", "tgw-attach-peer"),
                tgw_route("10.66.0.0/16", "blackhole"),
            ],
            &["tgw-attach-app", "tgw-attach-other"],
        )
        .tgw_table("tgw-rtb-peer", "tgw-1", vec![], &["tgw-attach-shared"])
        .tgw_table(
            "tgw-rtb-2",
            "tgw-2",
            vec![tgw_route("10.2.0.0/16", "tgw-attach-peer")],
            &["tgw-attach-remote"],
        );
    associate(&mut b.s, "tgw-rtb-2", "tgw-attach-peer");
    b.instance(
        "app",
        "subnet-app",
        "vpc-app",
        "10.1.1.10",
        None,
        None,
        &["sg-vpc-app"],
    )
    .instance(
        "app2",
        "subnet-app2",
        "vpc-app",
        "10.1.2.10",
        None,
        None,
        &["sg-vpc-app"],
    )
    .instance(
        "other",
        "subnet-other",
        "vpc-other",
        "10.3.1.10",
        None,
        None,
        &["sg-vpc-other"],
    )
    .instance(
        "shared",
        "subnet-shared",
        "vpc-shared",
        "10.2.1.10",
        None,
        None,
        &["sg-vpc-shared"],
    )
    .instance(
        "remote",
        "subnet-remote",
        "vpc-remote",
        "10.9.1.10",
        None,
        None,
        &["sg-vpc-remote"],
    );
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

fn stop(a: &PathAnswer) -> (&str, &str, &str) {
    let b = a.blocked_at.as_ref().expect("blocked");
    (
        b.component_id.as_str(),
        b.component_type.as_str(),
        b.code.as_str(),
    )
}

#[test]
fn shared_services_reach_spokes_through_the_tgw() {
    let snap = network();
    let a = ssh(&snap, "i-shared", "i-app");
    assert_eq!(a.verdict, Verdict::Reachable, "{a:#?}");
    assert_eq!(
        hops(&a),
        [
            "i-shared",
            "eni-shared",
            "sg-vpc-shared",
            "acl-default-shared",
            "rtb-vpc-shared",
            "tgw-attach-shared",
            "tgw-1",
            "tgw-rtb-shared",
            "tgw-attach-app",
            "rtb-vpc-app",
            "acl-default-app",
            "sg-vpc-app",
            "eni-app",
            "i-app"
        ]
    );
    let back = ssh(&snap, "i-app", "i-shared");
    assert_eq!(back.verdict, Verdict::Reachable, "{back:#?}");
    assert!(hops(&back).contains(&"tgw-rtb-spokes"));
}

#[test]
fn spokes_are_isolated_at_the_tgw_route_table() {
    let snap = network();
    let a = ssh(&snap, "i-app", "i-other");
    assert_eq!(a.verdict, Verdict::Blocked);
    assert_eq!(
        stop(&a),
        (
            "tgw-rtb-spokes",
            "AWS::EC2::TransitGatewayRouteTable",
            "NO_ROUTE_TO_DESTINATION"
        )
    );
}

#[test]
fn a_zone_without_an_attachment_subnet_is_cut_off() {
    let snap = network();
    let to = ssh(&snap, "i-shared", "i-app2");
    assert_eq!(to.verdict, Verdict::Blocked, "{to:#?}");
    assert_eq!(
        stop(&to),
        (
            "tgw-attach-app",
            "AWS::EC2::TransitGatewayAttachment",
            "TGW_ATTACH_NO_SUBNET_IN_AZ"
        )
    );
    let from = ssh(&snap, "i-app2", "i-shared");
    assert_eq!(stop(&from).2, "TGW_ATTACH_NO_SUBNET_IN_AZ");
}

#[test]
fn tgw_peering_carries_static_routes_both_ways() {
    let snap = network();
    let a = ssh(&snap, "i-shared", "i-remote");
    assert_eq!(a.verdict, Verdict::Reachable, "{a:#?}");
    let h = hops(&a);
    let at = |x: &str| h.iter().position(|y| *y == x).unwrap();
    assert!(at("tgw-1") < at("tgw-rtb-shared"));
    assert!(at("tgw-rtb-shared") < at("tgw-attach-peer"));
    assert!(at("tgw-attach-peer") < at("tgw-2"));
    assert!(at("tgw-2") < at("tgw-rtb-2"));
    assert!(at("tgw-rtb-2") < at("tgw-attach-remote"));
    // The spokes have no route to the peer: blocked at their table.
    let spoke = ssh(&snap, "i-app", "i-remote");
    assert_eq!(stop(&spoke).0, "tgw-rtb-spokes");
}

fn tgw_sources(snap: &Snapshot, instance: &str) -> Option<Vec<String>> {
    let fs = findings(&kensa_net::analyze(snap));
    let f = fs.iter().find(|f| {
        f.rule_id == "RecognizedPortNoAgent"
            && f.resource.id == instance
            && f.attributes.get("REACHABILITY_TYPE").map(String::as_str) == Some("TGW")
            && f.attributes.get("PORT").map(String::as_str) == Some("22")
    })?;
    let kensa_model::Evidence::NetworkPath(ev) = f.evidence.as_ref()? else {
        return None;
    };
    Some(ev.source_cidrs.clone())
}

#[test]
fn scan_findings_follow_the_tgw_tables() {
    let snap = network();
    // Only shared services reach the spoke (its reply table routes nothing else back).
    assert_eq!(tgw_sources(&snap, "i-app").unwrap(), ["10.2.0.0/16"]);
    // Both spokes and, over the peering, vpc-remote reach shared services: their tables
    // route vpc-shared to its attachment, and tgw-rtb-shared routes each of them back.
    assert_eq!(
        tgw_sources(&snap, "i-shared").unwrap(),
        ["10.1.0.0/16", "10.3.0.0/16", "10.9.0.0/16"]
    );
    // The zone without an attachment subnet is not exposed through the TGW.
    assert_eq!(tgw_sources(&snap, "i-app2"), None);
    // The remote VPC is reached from shared services over the peering.
    assert_eq!(tgw_sources(&snap, "i-remote").unwrap(), ["10.2.0.0/16"]);
    // No Internet finding anywhere: no internet gateway, only private sources.
    let fs = findings(&kensa_net::analyze(&snap));
    assert!(!fs
        .iter()
        .any(|f| f.attributes.get("REACHABILITY_TYPE").map(String::as_str) == Some("Internet")));
}

#[test]
fn a_table_without_known_routes_fails_closed() {
    // tgw-rtb-extra has neither route search output nor propagations; vpc-x is
    // associated with it. Its routes are unknown, so whatever vpc-x can send is assumed
    // to reach vpc-shared (bounded by what vpc-shared's table routes back).
    let mut snap = network();
    let mut b = B {
        s: std::mem::take(&mut snap),
    };
    spoke(
        &mut b,
        "vpc-x",
        "10.7.0.0/16",
        &[("subnet-x", "10.7.1.0/24", "az-a")],
        "tgw-1",
    );
    b.tgw_attach(
        "tgw-attach-x",
        "tgw-1",
        "vpc",
        "vpc-x",
        &["subnet-x"],
        Some("tgw-rtb-extra"),
    )
    .tgw_table("tgw-rtb-extra", "tgw-1", vec![], &[]);
    b.s.transit_gateway_route_tables
        .get_mut("tgw-rtb-shared")
        .unwrap()
        .routes
        .push(tgw_route("10.7.0.0/16", "tgw-attach-x"));
    assert_eq!(
        tgw_sources(&b.s, "i-shared").unwrap(),
        ["10.1.0.0/16", "10.3.0.0/16", "10.7.0.0/16", "10.9.0.0/16"]
    );
    // The path from vpc-x cannot be told: its table's routes are unknown.
    b.instance(
        "x",
        "subnet-x",
        "vpc-x",
        "10.7.1.10",
        None,
        None,
        &["sg-vpc-x"],
    );
    let a = ssh(&b.s, "i-x", "i-shared");
    assert_eq!(a.verdict, Verdict::Indeterminate, "{a:#?}");
    assert_eq!(
        stop(&a),
        (
            "tgw-rtb-extra",
            "AWS::EC2::TransitGatewayRouteTable",
            "COMPONENT_NOT_IN_SNAPSHOT"
        )
    );
}
