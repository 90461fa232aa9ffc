//! Any component as a path's source or destination, and VPC endpoints as AWS documents
//! them ("Access an AWS service using an interface VPC endpoint", "Gateway endpoints"):
//!
//! * vpc-a: subnet-a (i-a, route 0.0.0.0/0 to igw-1, S3's prefix list to gateway
//!   endpoint vpce-s3, 10.1.0.0/16 to pcx-1) and subnet-b (i-b); interface endpoint
//!   vpce-if is the requester-managed eni-vpce in subnet-b with its own group sg-vpce
//!   (HTTPS from subnet-a and from the peer VPC); vpce-gwlb is a Gateway Load Balancer
//!   endpoint.
//! * vpc-b (10.1.0.0/16) over active peering pcx-1, with i-peer.
use kensa_model::instance::{GroupIdentifier, NetworkInterface};
use kensa_model::transit::VpcEndpoint;
use kensa_model::Finding;
use kensa_model::Snapshot;
use kensa_net::findings::findings;
use kensa_net::path::{query, PathAnswer, PathError, Verdict};

use crate::build::*;

fn endpoint(id: &str, kind: &str, enis: &[&str]) -> VpcEndpoint {
    VpcEndpoint {
        vpc_endpoint_id: id.into(),
        vpc_endpoint_type: Some(kind.into()),
        vpc_id: Some("vpc-a".into()),
        state: Some("available".into()),
        network_interface_ids: enis.iter().map(|e| e.to_string()).collect(),
        ..Default::default()
    }
}

fn net() -> Snapshot {
    let mut b = B::default();
    let local_and = |extra: Vec<kensa_model::ec2::Route>| {
        let mut r = vec![route("10.0.0.0/16", "local")];
        r.extend(extra);
        r
    };
    b.vpc("vpc-a", &["10.0.0.0/16"])
        .vpc("vpc-b", &["10.1.0.0/16"])
        .igw("igw-1", "vpc-a")
        .pcx(
            "pcx-1",
            ("vpc-a", "10.0.0.0/16"),
            ("vpc-b", "10.1.0.0/16"),
            true,
        )
        .prefix_list("pl-s3", &["52.216.0.0/15"])
        .subnet("subnet-a", "vpc-a", "10.0.1.0/24")
        .subnet("subnet-b", "vpc-a", "10.0.2.0/24")
        .subnet("subnet-p", "vpc-b", "10.1.1.0/24")
        .route_table(
            "rtb-a",
            "vpc-a",
            true,
            &["subnet-a", "subnet-b"],
            local_and(vec![
                route("0.0.0.0/0", "igw-1"),
                route("pl-s3", "vpce-s3"),
                route("10.1.0.0/16", "pcx-1"),
            ]),
        )
        .route_table(
            "rtb-p",
            "vpc-b",
            true,
            &["subnet-p"],
            vec![route("10.1.0.0/16", "local"), route("10.0.0.0/16", "pcx-1")],
        )
        .sg("sg-a", "vpc-a", vec![perm("tcp", 22, 22, &["0.0.0.0/0"])])
        .sg(
            "sg-vpce",
            "vpc-a",
            vec![perm("tcp", 443, 443, &["10.0.1.0/24", "10.1.0.0/16"])],
        )
        .sg("sg-p", "vpc-b", vec![perm("tcp", 22, 22, &["10.0.0.0/16"])])
        .instance(
            "a",
            "subnet-a",
            "vpc-a",
            "10.0.1.10",
            Some("3.3.3.3"),
            None,
            &["sg-a"],
        )
        .instance("b", "subnet-b", "vpc-a", "10.0.2.10", None, None, &["sg-a"])
        .instance(
            "peer",
            "subnet-p",
            "vpc-b",
            "10.1.1.10",
            None,
            None,
            &["sg-p"],
        );
    let s = &mut b.s;
    s.network_interfaces.insert(
        "eni-vpce".into(),
        NetworkInterface {
            network_interface_id: "eni-vpce".into(),
            subnet_id: Some("subnet-b".into()),
            vpc_id: Some("vpc-a".into()),
            description: Some("VPC Endpoint Interface vpce-if".into()),
            interface_type: Some("vpc_endpoint".into()),
            requester_managed: true,
            private_ip_address: Some("10.0.2.50".into()),
            groups: vec![GroupIdentifier {
                group_id: "sg-vpce".into(),
                group_name: None,
            }],
            ..Default::default()
        },
    );
    for e in [
        endpoint("vpce-if", "Interface", &["eni-vpce"]),
        endpoint("vpce-s3", "Gateway", &[]),
        endpoint("vpce-gwlb", "GatewayLoadBalancer", &[]),
    ] {
        s.vpc_endpoints.insert(e.vpc_endpoint_id.clone(), e);
    }
    b.s
}

fn ask(snap: &Snapshot, from: &str, to: &str, port: u16) -> PathAnswer {
    query(
        snap,
        &from.parse().unwrap(),
        &to.parse().unwrap(),
        "tcp",
        Some(port),
    )
    .unwrap()
}

fn hops(a: &PathAnswer) -> Vec<&str> {
    a.path.iter().map(|h| h.component_id.as_str()).collect()
}

#[test]
fn interface_endpoint_is_its_enis_with_their_own_groups() {
    let snap = net();
    let a = ask(&snap, "i-a", "vpce-if", 443);
    assert_eq!(a.verdict, Verdict::Reachable, "{a:#?}");
    assert!(hops(&a).ends_with(&["sg-vpce", "eni-vpce"]), "{a:#?}");
    assert_eq!(a.destination.as_deref(), Some("10.0.2.50"));
    // From subnet-b the endpoint's own group does not admit it.
    let b = ask(&snap, "i-b", "vpce-if", 443);
    assert_eq!(b.verdict, Verdict::Blocked, "{b:#?}");
    let at = b.blocked_at.unwrap();
    assert_eq!(
        (at.component_id.as_str(), at.code.as_str()),
        ("sg-vpce", "ENI_SG_RULES_MISMATCH")
    );
    // Its interfaces missing from the snapshot: indeterminate, not blocked.
    let mut lost = net();
    lost.network_interfaces.clear();
    let c = ask(&lost, "i-a", "vpce-if", 443);
    assert_eq!(c.verdict, Verdict::Indeterminate, "{c:#?}");
    assert_eq!(c.blocked_at.unwrap().code, "COMPONENT_NOT_IN_SNAPSHOT");
}

#[test]
fn gateway_endpoint_carries_traffic_to_its_service() {
    let snap = net();
    let a = ask(&snap, "i-a", "vpce-s3", 443);
    assert_eq!(a.verdict, Verdict::Reachable, "{a:#?}");
    assert_eq!(
        hops(&a),
        ["i-a", "eni-a", "sg-a", "acl-default-a", "rtb-a", "vpce-s3"]
    );
    assert_eq!(a.destination.as_deref(), Some("52.216.0.1"));
    // Not a source.
    let e = query(
        &snap,
        &"vpce-s3".parse().unwrap(),
        &"i-a".parse().unwrap(),
        "tcp",
        Some(22),
    );
    assert!(matches!(e, Err(PathError::NotASource(..))), "{e:?}");
}

#[test]
fn gwlb_endpoint_as_a_destination_is_indeterminate() {
    let a = ask(&net(), "i-a", "vpce-gwlb", 443);
    assert_eq!(a.verdict, Verdict::Indeterminate, "{a:#?}");
    let at = a.blocked_at.unwrap();
    assert_eq!(
        (at.component_id.as_str(), at.code.as_str()),
        ("vpce-gwlb", "UNEVALUATED_APPLIANCE")
    );
    assert!(at.reason.unwrap().contains("GatewayLoadBalancer"));
}

#[test]
fn gateways_and_peerings_as_sources_and_destinations() {
    let snap = net();
    let a = ask(&snap, "igw-1", "i-a", 22);
    assert_eq!(a.verdict, Verdict::Reachable, "{a:#?}");
    assert_eq!(hops(&a)[0], "igw-1");
    let out = ask(&snap, "i-a", "igw-1", 443);
    assert_eq!(out.verdict, Verdict::Reachable, "{out:#?}");
    assert_eq!(hops(&out).last(), Some(&"igw-1"));
    // i-b has no public address: the IGW does not carry it.
    let b = ask(&snap, "i-b", "igw-1", 443);
    assert_eq!(b.verdict, Verdict::Blocked, "{b:#?}");
    // The peering: from vpc-a's side to i-peer, and from the peer VPC to i-a.
    let p = ask(&snap, "pcx-1", "i-peer", 22);
    assert_eq!(p.verdict, Verdict::Reachable, "{p:#?}");
    assert!(hops(&p).contains(&"pcx-1"));
    let q = ask(&snap, "pcx-1", "i-a", 22);
    assert_eq!(q.verdict, Verdict::Reachable, "{q:#?}");
    assert_eq!(q.source.as_deref(), Some("10.1.1.10"));
}

/// The scan's findings about `resource`.
fn scan_of(snap: &Snapshot, resource: &str) -> Vec<Finding> {
    let fs = findings(&kensa_net::analyze(snap));
    fs.into_iter()
        .filter(|f| f.resource.id == resource)
        .collect()
}

fn step_ids(f: &Finding) -> Vec<String> {
    match &f.evidence {
        Some(kensa_model::Evidence::NetworkPath(p)) => (p.network_path.steps.iter())
            .map(|s| s.component_id.clone())
            .collect(),
        other => panic!("no network path: {other:?}"),
    }
}

#[test]
fn interface_endpoint_exposure_to_the_peer_vpc_is_a_scan_finding() {
    let snap = net();
    // The path: the peer's instance reaches the endpoint over pcx-1.
    let p = ask(&snap, "i-peer", "vpce-if", 443);
    assert_eq!(p.verdict, Verdict::Reachable, "{p:#?}");
    assert!(hops(&p).contains(&"pcx-1"), "{p:#?}");
    assert!(hops(&p).ends_with(&["sg-vpce", "eni-vpce"]), "{p:#?}");
    // The scan: one exposure finding naming the endpoint, from the peer VPC only (the
    // rule for subnet-a is inside the VPC), and no recognised-port finding: the listener
    // is the AWS service.
    let fs = scan_of(&snap, "eni-vpce");
    let rules: Vec<(&str, &str)> = fs
        .iter()
        .map(|f| {
            (
                f.rule_id.as_str(),
                f.attributes["REACHABILITY_TYPE"].as_str(),
            )
        })
        .collect();
    assert_eq!(rules, [("NetworkExposure", "PeeredVPC")], "{fs:#?}");
    let f = &fs[0];
    assert_eq!(f.resource.resource_type, "AwsEc2NetworkInterface");
    assert_eq!(f.attributes["VPC_ENDPOINT"], "vpce-if");
    assert_eq!(f.attributes["OPEN_PORT_RANGES"], "TCP 443");
    assert!(
        f.title
            .starts_with("Interface endpoint vpce-if (ENI eni-vpce)"),
        "{}",
        f.title
    );
    assert_eq!(
        step_ids(f),
        [
            "pcx-1",
            "rtb-a",
            "acl-default-a",
            "sg-vpce",
            "eni-vpce",
            "vpce-if"
        ],
        "{f:#?}"
    );
    match &f.evidence {
        Some(kensa_model::Evidence::NetworkPath(p)) => {
            assert_eq!(p.source_cidrs, ["10.1.0.0/16"])
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn interface_endpoint_open_to_everyone_is_still_not_internet_exposed() {
    // AWS gives endpoint interfaces private addresses only: a group open to 0.0.0.0/0 in
    // a subnet routed to an internet gateway exposes it to the peer, not the Internet.
    let mut snap = net();
    let open = perm("tcp", 443, 443, &["0.0.0.0/0"]);
    snap.security_groups
        .get_mut("sg-vpce")
        .unwrap()
        .ip_permissions = vec![open];
    snap.security_group_rules.clear();
    let fs = scan_of(&snap, "eni-vpce");
    let classes: Vec<&str> = fs
        .iter()
        .map(|f| f.attributes["REACHABILITY_TYPE"].as_str())
        .collect();
    assert_eq!(classes, ["PeeredVPC"], "{fs:#?}");
    // And the path from the Internet stops at the internet gateway: no public address.
    let a = query(
        &snap,
        &"8.8.8.8".parse().unwrap(),
        &"vpce-if".parse().unwrap(),
        "tcp",
        Some(443),
    )
    .unwrap();
    assert_eq!(a.verdict, Verdict::Blocked, "{a:#?}");
}

#[test]
fn gateway_endpoint_routes_are_evaluated_not_indeterminate() {
    // The prefix-list route to gateway endpoint vpce-s3 carries traffic to S3 only: the
    // scan reports i-a's SSH exposure through igw-1 and nothing about the endpoint,
    // while the GWLB endpoint, routed to, is reported as indeterminate exposure.
    let snap = net();
    let fs = scan_of(&snap, "i-a");
    assert!(
        fs.iter().all(|f| f.rule_id != "IndeterminateExposure"),
        "{fs:#?}"
    );
    let ssh = fs
        .iter()
        .find(|f| f.rule_id == "RecognizedPortNoAgent" && f.attributes["PORT_RANGE"] == "22")
        .expect("SSH from the Internet");
    assert_eq!(ssh.attributes["IGW"], "igw-1");
    assert!(!step_ids(ssh).contains(&"vpce-s3".to_string()));
    let mut gwlb = net();
    let rtb = gwlb.route_tables.get_mut("rtb-a").unwrap();
    rtb.routes.push(route("198.51.100.0/24", "vpce-gwlb"));
    let fs = scan_of(&gwlb, "i-a");
    let x = fs
        .iter()
        .find(|f| f.rule_id == "IndeterminateExposure")
        .expect("indeterminate exposure through the GWLB endpoint");
    assert!(x.description.contains("vpce-gwlb"), "{x:#?}");
}
