//! Egress: `--to internet` (or an address outside every VPC) from an instance, through an
//! internet gateway, a NAT gateway, a transit gateway to a VPN, or nowhere.
use kensa_model::gateway::NatGateway;
use kensa_model::Snapshot;
use kensa_net::path::{query, PathAnswer, Verdict};

use crate::build::*;

/// vpc-a: subnet-pub (default route to igw-1, NAT gateway nat-1 lives here) and
/// subnet-priv (default route to nat-1, 172.16.0.0/12 to tgw-1 whose table sends it to
/// a VPN attachment); i-pub has a public address, i-priv does not.
fn net() -> Snapshot {
    let mut b = B::default();
    b.vpc("vpc-a", &["10.0.0.0/16"])
        .igw("igw-1", "vpc-a")
        .subnet("subnet-pub", "vpc-a", "10.0.1.0/24")
        .subnet("subnet-priv", "vpc-a", "10.0.2.0/24")
        .az("subnet-pub", "az-a")
        .az("subnet-priv", "az-a")
        .route_table(
            "rtb-pub",
            "vpc-a",
            true,
            &["subnet-pub"],
            vec![route("10.0.0.0/16", "local"), route("0.0.0.0/0", "igw-1")],
        )
        .route_table(
            "rtb-priv",
            "vpc-a",
            false,
            &["subnet-priv"],
            vec![
                route("10.0.0.0/16", "local"),
                route("0.0.0.0/0", "nat-1"),
                route("172.16.0.0/12", "tgw-1"),
                route("203.0.113.0/24", "blackhole:nat-1"),
            ],
        )
        .sg("sg-a", "vpc-a", vec![])
        .instance(
            "pub",
            "subnet-pub",
            "vpc-a",
            "10.0.1.10",
            Some("3.3.3.3"),
            None,
            &["sg-a"],
        )
        .instance(
            "priv",
            "subnet-priv",
            "vpc-a",
            "10.0.2.10",
            None,
            None,
            &["sg-a"],
        );
    b.tgw("tgw-1")
        .tgw_attach(
            "tgw-attach-a",
            "tgw-1",
            "vpc",
            "vpc-a",
            &["subnet-priv"],
            Some("tgw-rtb-1"),
        )
        .tgw_attach(
            "tgw-attach-vpn",
            "tgw-1",
            "vpn",
            "vpn-1",
            &[],
            Some("tgw-rtb-1"),
        )
        .tgw_table(
            "tgw-rtb-1",
            "tgw-1",
            vec![
                tgw_route("172.16.0.0/12", "tgw-attach-vpn"),
                tgw_route("10.0.0.0/16", "tgw-attach-a"),
            ],
            &[],
        );
    b.s.nat_gateways.insert(
        "nat-1".into(),
        NatGateway {
            nat_gateway_id: "nat-1".into(),
            subnet_id: Some("subnet-pub".into()),
            vpc_id: Some("vpc-a".into()),
            state: Some("available".into()),
            connectivity_type: Some("public".into()),
            ..Default::default()
        },
    );
    b.s
}

fn out(snap: &Snapshot, from: &str, to: &str) -> PathAnswer {
    query(
        snap,
        &from.parse().unwrap(),
        &to.parse().unwrap(),
        "tcp",
        Some(443),
    )
    .unwrap()
}

fn hops(a: &PathAnswer) -> Vec<&str> {
    a.path.iter().map(|h| h.component_id.as_str()).collect()
}

#[test]
fn public_instance_leaves_through_the_internet_gateway() {
    let a = out(&net(), "i-pub", "internet");
    assert_eq!(a.verdict, Verdict::Reachable, "{a:#?}");
    assert_eq!(
        hops(&a),
        [
            "i-pub",
            "eni-pub",
            "sg-a",
            "acl-default-a",
            "rtb-pub",
            "igw-1"
        ]
    );
}

#[test]
fn private_instance_leaves_through_the_nat_gateway() {
    let a = out(&net(), "i-priv", "internet");
    assert_eq!(a.verdict, Verdict::Reachable, "{a:#?}");
    assert_eq!(
        hops(&a),
        [
            "i-priv",
            "eni-priv",
            "sg-a",
            "acl-default-a",
            "rtb-priv",
            "nat-1",
            "rtb-pub",
            "igw-1"
        ]
    );
    // A blackhole for one destination stops at the route table.
    let hole = out(&net(), "i-priv", "203.0.113.9");
    assert_eq!(hole.blocked_at.unwrap().code, "BLACKHOLE_ROUTE");
}

#[test]
fn on_premises_through_the_tgw_vpn_attachment() {
    let a = out(&net(), "i-priv", "172.20.1.1");
    assert_eq!(a.verdict, Verdict::Reachable, "{a:#?}");
    assert!(hops(&a).ends_with(&["tgw-attach-a", "tgw-1", "tgw-rtb-1", "tgw-attach-vpn"]));
    // The public subnet sends it to the internet gateway, which never carries it.
    let none = out(&net(), "i-pub", "172.20.1.1");
    let b = none.blocked_at.unwrap();
    assert_eq!(
        (b.component_id.as_str(), b.code.as_str()),
        ("igw-1", "DESTINATION_NOT_PUBLIC")
    );
}

#[test]
fn without_a_public_address_the_igw_does_not_carry_it() {
    let mut snap = net();
    let rt = snap.route_tables.get_mut("rtb-priv").unwrap();
    rt.routes.retain(|r| r.nat_gateway_id.is_none());
    rt.routes.push(route("0.0.0.0/0", "igw-1"));
    let a = out(&snap, "i-priv", "internet");
    let b = a.blocked_at.unwrap();
    assert_eq!(
        (b.component_id.as_str(), b.code.as_str()),
        ("igw-1", "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS")
    );
}
