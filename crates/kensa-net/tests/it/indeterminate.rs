//! Nothing silently ignored, and the Internet is public address space:
//! * a return route to a Gateway Load Balancer or Network Firewall endpoint, or to a
//!   target kensa does not evaluate, makes the path `indeterminate` with the component and
//!   the reason, and `kensa scan` reports an `IndeterminateExposure` (Medium);
//! * a security group or route table missing from the snapshot: `indeterminate`;
//! * gateway endpoints (S3) carry no inbound traffic and raise nothing;
//! * `--from` reserved addresses are refused; private sources never come from the
//!   Internet; a group rule admitting only private ranges yields no Internet finding.
use kensa_model::transit::VpcEndpoint;
use kensa_model::Snapshot;
use kensa_net::findings::findings;
use kensa_net::path::{query, PathAnswer, PathError, Verdict};

use crate::build::*;

/// vpc-a with an internet gateway; subnet-s routes 0.0.0.0/0 to `default_target`; one
/// instance with a public address whose group admits `sources` on SSH.
fn net(default_target: &str, sources: &[&str], groups: &[&str]) -> Snapshot {
    let mut b = B::default();
    b.vpc("vpc-a", &["10.0.0.0/16"])
        .igw("igw-1", "vpc-a")
        .subnet("subnet-s", "vpc-a", "10.0.1.0/24")
        .route_table(
            "rtb-s",
            "vpc-a",
            true,
            &["subnet-s"],
            vec![
                route("10.0.0.0/16", "local"),
                route("0.0.0.0/0", default_target),
            ],
        )
        .nacl("acl-s", "vpc-a", &["subnet-s"], allow_all_entries())
        .sg("sg-web", "vpc-a", vec![perm("tcp", 22, 22, sources)])
        .instance(
            "web",
            "subnet-s",
            "vpc-a",
            "10.0.1.10",
            Some("3.3.3.3"),
            None,
            groups,
        );
    b.s
}

fn from_internet(snap: &Snapshot) -> PathAnswer {
    query(
        snap,
        &"internet".parse().unwrap(),
        &"i-web".parse().unwrap(),
        "tcp",
        Some(22),
    )
    .unwrap()
}

fn rules_of(snap: &Snapshot) -> Vec<(String, String, String)> {
    findings(&kensa_net::analyze(snap))
        .into_iter()
        .map(|f| {
            let c = f.attributes.get("COMPONENT").cloned().unwrap_or_default();
            (f.rule_id, format!("{:?}", f.severity), c)
        })
        .collect()
}

#[test]
fn gwlb_endpoint_route_is_indeterminate_not_blocked() {
    let mut snap = net("vpce-0gwlb", &["0.0.0.0/0"], &["sg-web"]);
    snap.vpc_endpoints.insert(
        "vpce-0gwlb".into(),
        VpcEndpoint {
            vpc_endpoint_id: "vpce-0gwlb".into(),
            vpc_endpoint_type: Some("GatewayLoadBalancer".into()),
            ..Default::default()
        },
    );
    let a = from_internet(&snap);
    assert_eq!(a.verdict, Verdict::Indeterminate, "{a:#?}");
    let b = a.blocked_at.unwrap();
    assert_eq!(
        (
            b.component_id.as_str(),
            b.component_type.as_str(),
            b.code.as_str()
        ),
        (
            "vpce-0gwlb",
            "AWS::EC2::VPCEndpoint",
            "UNEVALUATED_APPLIANCE"
        )
    );
    assert!(b.reason.unwrap().contains("GatewayLoadBalancer"));
    let rules = rules_of(&snap);
    assert!(rules.contains(&(
        "IndeterminateExposure".into(),
        "Medium".into(),
        "vpce-0gwlb".into()
    )));
    assert!(!rules.iter().any(|r| r.0 == "RecognizedPortNoAgent"));
}

#[test]
fn network_firewall_endpoint_and_unknown_targets_are_reported() {
    // A Network Firewall endpoint is a vpce- id without an entry in VpcEndpoints.
    let fw = net("vpce-0firewall", &["0.0.0.0/0"], &["sg-web"]);
    assert_eq!(from_internet(&fw).verdict, Verdict::Indeterminate);
    assert!(rules_of(&fw).contains(&(
        "IndeterminateExposure".into(),
        "Medium".into(),
        "vpce-0firewall".into()
    )));
    let appliance = net("eni-0appliance", &["0.0.0.0/0"], &["sg-web"]);
    let a = from_internet(&appliance);
    assert_eq!(a.verdict, Verdict::Indeterminate);
    assert_eq!(a.blocked_at.unwrap().code, "UNKNOWN_ROUTE_TARGET");
    assert!(rules_of(&appliance).iter().any(|r| r.2 == "eni-0appliance"));
}

#[test]
fn gateway_endpoints_carry_no_inbound_traffic() {
    let mut snap = net("igw-1", &["0.0.0.0/0"], &["sg-web"]);
    snap.prefix_lists.clear();
    let mut b = B { s: snap };
    b.prefix_list("pl-s3", &["52.216.0.0/15"]);
    b.s.route_tables
        .get_mut("rtb-s")
        .unwrap()
        .routes
        .push(route("pl-s3", "vpce-0s3"));
    // A customer-managed list may lead to a firewall endpoint as well: not proof.
    let rules = rules_of(&b.s);
    assert!(
        rules
            .iter()
            .any(|r| r.0 == "IndeterminateExposure" && r.2 == "vpce-0s3"),
        "{rules:?}"
    );
    // The service's own list (what a gateway endpoint's route points at) is.
    let pl = b.s.prefix_lists.get_mut("pl-s3").unwrap();
    pl.prefix_list_name = Some("com.amazonaws.us-east-1.s3".into());
    let rules = rules_of(&b.s);
    assert!(
        !rules.iter().any(|r| r.0 == "IndeterminateExposure"),
        "{rules:?}"
    );
}

#[test]
fn missing_components_are_indeterminate() {
    let snap = net("igw-1", &["0.0.0.0/0"], &["sg-web", "sg-ghost"]);
    // sg-web admits SSH: reachable, whatever sg-ghost says.
    assert_eq!(from_internet(&snap).verdict, Verdict::Reachable);
    let rdp = query(
        &snap,
        &"internet".parse().unwrap(),
        &"i-web".parse().unwrap(),
        "tcp",
        Some(3389),
    )
    .unwrap();
    assert_eq!(rdp.verdict, Verdict::Indeterminate, "{rdp:#?}");
    let b = rdp.blocked_at.unwrap();
    assert_eq!(
        (b.component_id.as_str(), b.code.as_str()),
        ("sg-ghost", "COMPONENT_NOT_IN_SNAPSHOT")
    );
    assert!(rules_of(&snap)
        .iter()
        .any(|r| r.0 == "IndeterminateExposure" && r.2 == "sg-ghost"));
    // No route table at all for the subnet.
    let mut no_rt = net("igw-1", &["0.0.0.0/0"], &["sg-web"]);
    no_rt.route_tables.clear();
    let a = from_internet(&no_rt);
    assert_eq!(a.verdict, Verdict::Indeterminate);
    assert_eq!(a.blocked_at.unwrap().component_id, "subnet-s");
}

#[test]
fn reserved_sources_are_refused_and_private_ones_never_come_from_the_internet() {
    let snap = net("igw-1", &["0.0.0.0/0"], &["sg-web"]);
    for bad in [
        "127.0.0.1",
        "224.0.0.1",
        "255.255.255.255",
        "0.0.0.0",
        "::1",
        "ff02::1",
    ] {
        let err = query(
            &snap,
            &bad.parse().unwrap(),
            &"i-web".parse().unwrap(),
            "tcp",
            Some(22),
        )
        .unwrap_err();
        assert!(matches!(err, PathError::InvalidAddress(..)), "{bad}: {err}");
    }
    let err = query(
        &snap,
        &"i-web".parse().unwrap(),
        &"169.254.169.254".parse().unwrap(),
        "tcp",
        Some(80),
    )
    .unwrap_err();
    assert!(matches!(err, PathError::InvalidAddress(..)));
    for private in ["10.9.9.9", "172.16.0.1", "192.168.1.1", "100.64.0.1"] {
        let a = query(
            &snap,
            &private.parse().unwrap(),
            &"i-web".parse().unwrap(),
            "tcp",
            Some(22),
        )
        .unwrap();
        assert_eq!(a.verdict, Verdict::Blocked, "{private}");
        let b = a.blocked_at.unwrap();
        assert_eq!(
            (b.component_id.as_str(), b.code.as_str()),
            ("igw-1", "SOURCE_NOT_PUBLIC")
        );
    }
    let public = query(
        &snap,
        &"8.8.4.4".parse().unwrap(),
        &"i-web".parse().unwrap(),
        "tcp",
        Some(22),
    )
    .unwrap();
    assert_eq!(public.verdict, Verdict::Reachable);
}

#[test]
fn a_rule_admitting_only_private_sources_yields_no_internet_finding() {
    let private = [
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
    ];
    let snap = net("igw-1", &private, &["sg-web"]);
    let fs = findings(&kensa_net::analyze(&snap));
    assert!(
        !fs.iter()
            .any(|f| f.attributes.get("REACHABILITY_TYPE").map(String::as_str) == Some("Internet")),
        "{fs:#?}"
    );
    // With one public range among them, the finding names only that range.
    let mut mixed = private.to_vec();
    mixed.push("198.51.100.0/24");
    let snap = net("igw-1", &mixed, &["sg-web"]);
    let fs = findings(&kensa_net::analyze(&snap));
    let f = fs
        .iter()
        .find(|f| f.rule_id == "RecognizedPortNoAgent")
        .expect("public range exposed");
    let kensa_model::Evidence::NetworkPath(ev) = f.evidence.as_ref().unwrap() else {
        panic!()
    };
    assert_eq!(ev.source_cidrs, ["198.51.100.0/24"]);
}

#[test]
fn ingress_routing_through_an_appliance_is_indeterminate() {
    // AWS's GWLB ingress-routing pattern: a route table associated with the internet
    // gateway (edge association) sends traffic for the application subnet to the
    // endpoint; the subnet itself routes 0.0.0.0/0 back through the same endpoint... or,
    // as here, straight to the IGW: either way the appliance sees the traffic first.
    let mut snap = net("igw-1", &["0.0.0.0/0"], &["sg-web"]);
    let mut b = B {
        s: std::mem::take(&mut snap),
    };
    b.route_table(
        "rtb-edge",
        "vpc-a",
        false,
        &[],
        vec![
            route("10.0.0.0/16", "local"),
            route("10.0.1.0/24", "vpce-0gwlb"),
        ],
    );
    b.s.route_tables
        .get_mut("rtb-edge")
        .unwrap()
        .associations
        .push(kensa_model::ec2::RouteTableAssociation {
            gateway_id: Some("igw-1".into()),
            route_table_id: Some("rtb-edge".into()),
            ..Default::default()
        });
    let a = from_internet(&b.s);
    assert_eq!(a.verdict, Verdict::Indeterminate, "{a:#?}");
    assert_eq!(a.blocked_at.unwrap().component_id, "vpce-0gwlb");
    let rules = rules_of(&b.s);
    assert!(
        rules.contains(&(
            "IndeterminateExposure".into(),
            "Medium".into(),
            "vpce-0gwlb".into()
        )),
        "{rules:?}"
    );
    assert!(!rules.iter().any(|r| r.0 == "RecognizedPortNoAgent"));
}

#[test]
fn a_gateway_missing_from_the_snapshot_is_indeterminate_in_paths() {
    // The scan assumes the unknown gateway attached (over-reports, with a warning); a
    // path through it cannot be confirmed.
    let snap = net("igw-gone", &["0.0.0.0/0"], &["sg-web"]);
    let a = from_internet(&snap);
    assert_eq!(a.verdict, Verdict::Indeterminate, "{a:#?}");
    let b = a.blocked_at.unwrap();
    assert_eq!(
        (b.component_id.as_str(), b.code.as_str()),
        ("igw-gone", "COMPONENT_NOT_IN_SNAPSHOT")
    );
    assert!(rules_of(&snap)
        .iter()
        .any(|r| r.0 == "RecognizedPortNoAgent"));
}

#[test]
fn a_route_naming_no_known_target_is_indeterminate_and_a_detached_gateway_warns() {
    // A route whose target is in a field kensa does not read (only its destination and
    // state are known): unknown, not "no route".
    let mut snap = net("igw-1", &["0.0.0.0/0"], &["sg-web"]);
    let rtb = snap.route_tables.get_mut("rtb-s").unwrap();
    let mut unnamed = route("0.0.0.0/0", "igw-1");
    unnamed.gateway_id = None;
    rtb.routes[1] = unnamed;
    let a = from_internet(&snap);
    assert_eq!(a.verdict, Verdict::Indeterminate, "{a:#?}");
    let at = a.blocked_at.unwrap();
    assert_eq!(at.code, "UNKNOWN_ROUTE_TARGET");
    assert!(at.reason.unwrap().contains("does not read"));
    let rules = rules_of(&snap);
    assert!(
        rules.iter().any(|r| r.0 == "IndeterminateExposure"
            && r.1 == "Medium"
            && r.2 == kensa_net::rules::UNNAMED_TARGET),
        "{rules:?}"
    );
    // A route to an internet gateway attached to another VPC carries nothing, and the
    // analysis says so.
    let mut detached = net("igw-1", &["0.0.0.0/0"], &["sg-web"]);
    let igw = detached.internet_gateways.get_mut("igw-1").unwrap();
    igw.attachments[0].vpc_id = Some("vpc-other".into());
    let analysis = kensa_net::analyze(&detached);
    assert!(analysis.enis.iter().all(|e| e.exposures.is_empty()));
    let warned = analysis.warnings();
    assert!(
        warned.iter().any(|w| w
            .message
            .contains("`igw-1`, which is not attached to vpc-a")),
        "{warned:#?}"
    );
}

/// A subnet with no network ACL in the snapshot (no association, no default ACL of its
/// VPC): the path is `indeterminate` at the subnet, never `reachable` through an ACL kensa
/// never saw, and the scan says the ACL is unknown.
#[test]
fn a_subnet_without_any_network_acl_is_indeterminate() {
    let mut snap = net("igw-1", &["0.0.0.0/0"], &["sg-web"]);
    assert_eq!(from_internet(&snap).verdict, Verdict::Reachable);
    snap.network_acls.clear();
    let a = from_internet(&snap);
    assert_eq!(a.verdict, Verdict::Indeterminate, "{a:#?}");
    let b = a.blocked_at.unwrap();
    assert_eq!(
        (b.component_id.as_str(), b.code.as_str()),
        ("subnet-s", "COMPONENT_NOT_IN_SNAPSHOT")
    );
    let reason = b.reason.unwrap_or_default();
    assert!(reason.contains("no network ACL"), "{reason}");
    let analysis = kensa_net::analyze(&snap);
    let warned = analysis
        .warnings()
        .iter()
        .any(|w| w.path.contains("subnet-s") && w.message.contains("no network ACL"));
    assert!(warned, "{:#?}", analysis.warnings());
}
