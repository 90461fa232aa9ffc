//! Every AWS snapshot of the shared corpus loads without an error-level warning.
use std::path::Path;

use kensa_model::{Document, Scope, Snapshot, WarningLevel};

use crate::corpus_dir;

fn assert_no_errors(what: &str, snapshot: &Snapshot) {
    let errors: Vec<String> = snapshot
        .warnings
        .iter()
        .filter(|w| w.level == WarningLevel::Error)
        .map(|w| w.to_string())
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

fn load_case(aws: &Path, case: &str) -> Snapshot {
    let snapshot = Snapshot::load(&aws.join(case)).expect(case);
    assert_no_errors(case, &snapshot);
    snapshot
}

#[test]
fn every_batfish_case_loads_without_errors() {
    let Some(corpus) = corpus_dir() else { return };
    let batfish = corpus.join("aws/batfish");
    let mut cases = 0;
    for entry in std::fs::read_dir(&batfish).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            let snapshot = Snapshot::load(&path).unwrap();
            assert_no_errors(&path.display().to_string(), &snapshot);
            assert!(!snapshot.vpcs.is_empty(), "{}", path.display());
            assert!(!snapshot.instances.is_empty(), "{}", path.display());
            cases += 1;
        }
    }
    assert_eq!(cases, 6);
}

#[test]
fn every_batfish_fixture_loads_without_errors() {
    let Some(corpus) = corpus_dir() else { return };
    let mut files: Vec<_> = std::fs::read_dir(corpus.join("aws/batfish"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 30, "{} fixtures", files.len());
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        let label = file.file_name().unwrap().to_string_lossy().into_owned();
        let snapshot = Snapshot::from_documents([Document::new(label, Scope::default(), &bytes)]);
        assert_no_errors(&file.display().to_string(), &snapshot);
    }
}

#[test]
fn batfish_fixture_contents() {
    let Some(corpus) = corpus_dir() else { return };
    let dir = corpus.join("aws/batfish");
    let load = |names: &[&str]| {
        let docs: Vec<(String, Vec<u8>)> = names
            .iter()
            .map(|n| (n.to_string(), std::fs::read(dir.join(n)).unwrap()))
            .collect();
        Snapshot::from_documents(
            docs.iter()
                .map(|(n, b)| Document::new(n.clone(), Scope::default(), b)),
        )
    };
    // Routes, propagations and VPC attachments merge into the records they belong to.
    let s = load(&[
        "TransitGatewayStaticRoutesTest.json",
        "TransitGatewayPropagationsTest.json",
        "TransitGatewayRouteTableTest.json",
        "TransitGatewayAttachmentTest.json",
        "TransitGatewayVpcAttachmentTest.json",
        "TransitGatewayTest.json",
    ]);
    assert_no_errors("tgw", &s);
    let rt = &s.transit_gateway_route_tables["tgw-rtb-08262a9ed03306288"];
    assert_eq!(rt.routes.len(), 2);
    assert_eq!(rt.routes[1].state.as_deref(), Some("blackhole"));
    assert_eq!(rt.propagations.len(), 3);
    let att = &s.transit_gateway_attachments["tgw-attach-07f5ec59e9f540021"];
    assert_eq!(att.subnet_ids.len(), 2);
    assert_eq!(att.vpc_id.as_deref(), Some("vpc-0404e08ceddf7f650"));
    assert_eq!(att.scope.account, "554773406868");

    let s = load(&[
        "LoadBalancerTest.json",
        "LoadBalancerListenerTest.json",
        "TargetGroupTest.json",
        "LoadBalancerTargetHealthTest.json",
    ]);
    assert_eq!(s.load_balancers.len(), 3);
    assert_eq!(s.listeners.len(), 1);
    let tg = s.target_groups.values().next().unwrap();
    assert_eq!(tg.target_health_descriptions.len(), 2);

    let s = load(&["InstanceTest.json"]);
    assert_eq!(s.instances.len(), 2);
    // No describe-network-interfaces here: the instances' ENIs are built from them.
    assert_eq!(s.network_interfaces.len(), 2);
    assert!(s
        .network_interfaces
        .values()
        .all(|e| e.synthesized_from_instance));

    let s = load(&["SecurityGroupTest.json"]);
    assert!(s
        .warnings
        .iter()
        .any(|w| w.message.contains("duplicate security group")));
    let s = load(&["PrefixListTest.json"]);
    assert_eq!(
        s.prefix_lists.values().next().unwrap().all_cidrs().count(),
        2
    );
}

#[test]
fn batfish_case_counts() {
    let Some(corpus) = corpus_dir() else { return };
    let aws = corpus.join("aws/batfish");
    let lb = load_case(&aws, "test-load-balancer");
    assert_eq!(
        (lb.vpcs.len(), lb.subnets.len(), lb.security_groups.len()),
        (1, 3, 3)
    );
    assert_eq!((lb.instances.len(), lb.network_interfaces.len()), (3, 5));
    assert_eq!((lb.load_balancers.len(), lb.target_groups.len()), (1, 4));
    assert_eq!(lb.listeners.len(), 1);
    let health: usize = lb
        .target_groups
        .values()
        .map(|t| t.target_health_descriptions.len())
        .sum();
    assert!(health > 0);

    let peering = load_case(&aws, "test-vpc-peering");
    assert_eq!(peering.vpcs.len(), 3);
    assert_eq!(peering.vpc_peering_connections.len(), 2);
    // Its 0.0.0.0/0 route to a deleted IGW is a blackhole: expected, not reported.
    assert!(
        peering
            .warnings
            .iter()
            .all(|w| w.level == WarningLevel::Info),
        "{:#?}",
        peering.warnings
    );

    let vpn = load_case(&aws, "test-public-private-subnet");
    assert_eq!(vpn.vpn_gateways.len(), 1);
    assert_eq!(vpn.vpn_connections.len(), 1);
    assert_eq!(vpn.customer_gateways.len(), 1);
    // The layout has no account folder: the records' OwnerId says it.
    assert!(vpn.instances.values().all(|i| !i.scope.account.is_empty()));
}

#[test]
fn cloudmapper_demo_loads() {
    let Some(corpus) = corpus_dir() else { return };
    let s = load_case(&corpus.join("aws"), "cloudmapper-demo");
    assert_eq!(s.vpcs.len(), 1);
    assert_eq!(s.subnets.len(), 4);
    assert_eq!(s.security_groups.len(), 8);
    assert_eq!(s.instances.len(), 3);
    assert_eq!(s.load_balancers.len(), 1);
    assert_eq!(s.classic_load_balancers.len(), 1);
    assert_eq!(s.vpc_endpoints.len(), 2);
    for sg in s.security_groups.values() {
        assert_eq!(sg.scope.region, "us-east-1");
        assert_eq!(sg.scope.account, "123456789012");
    }
    // Per-resource folders are reported once per folder, not per file.
    let iam_role: Vec<_> = s
        .warnings
        .iter()
        .filter(|w| w.file == "us-east-1/iam-get-role")
        .collect();
    assert_eq!(iam_role.len(), 1);
    assert_eq!(iam_role[0].level, WarningLevel::Info);
    assert!(iam_role[0].message.contains("4 file(s)"));
    // Files of other services are skipped as info, by their top-level key.
    assert!(s
        .warnings
        .iter()
        .any(|w| w.file.ends_with("s3-list-buckets.json") && w.level == WarningLevel::Info));
}
