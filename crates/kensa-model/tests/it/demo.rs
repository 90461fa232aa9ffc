//! The bundled demo: the embedded copy and the files in examples/demo are the same account.
use std::path::PathBuf;

use kensa_model::{demo, Snapshot};

#[test]
fn demo_on_disk_matches_the_embedded_snapshot() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo");
    let disk = Snapshot::load(&dir).unwrap();
    let embedded = demo::snapshot();
    assert!(disk.warnings.is_empty(), "{:#?}", disk.warnings);
    assert_eq!(
        serde_json::to_value(&disk).unwrap(),
        serde_json::to_value(&embedded).unwrap()
    );
    assert_eq!(
        disk.instances["i-0a1b2c3d4e5f60001"].scope,
        embedded.instances["i-0a1b2c3d4e5f60001"].scope
    );
}

#[test]
fn demo_contents() {
    let s = demo::snapshot();
    assert_eq!(
        (s.vpcs.len(), s.subnets.len(), s.instances.len()),
        (2, 7, 10)
    );
    assert_eq!(s.security_groups.len(), 13);
    // Every rule of every group is also in SecurityGroupRules, with an sgr- id.
    let rules: usize = s
        .security_groups
        .values()
        .flat_map(|g| g.ip_permissions.iter().chain(&g.ip_permissions_egress))
        .map(|p| {
            p.ip_ranges.len()
                + p.ipv6_ranges.len()
                + p.prefix_list_ids.len()
                + p.user_id_group_pairs.len()
        })
        .sum();
    assert_eq!(s.security_group_rules.len(), rules);
    assert!(s
        .security_group_rules
        .keys()
        .all(|id| id.starts_with("sgr-")));
    // The S3 list is in both describe-prefix-lists and describe-managed-prefix-lists.
    let s3 = &s.prefix_lists["pl-63a5400a"];
    assert_eq!(s3.cidrs.len(), 7);
    assert_eq!(s3.state.as_deref(), Some("create-complete"));
    let corp: Vec<&str> = s.prefix_lists["pl-0b5c6d7e8f9a0b1c2"].all_cidrs().collect();
    assert_eq!(corp, ["198.51.100.64/26", "203.0.113.0/24"]);
    // Lookups the engine relies on.
    let build_subnet = "subnet-0c33e5a7b9213d4f6";
    assert_eq!(
        s.subnet_network_acl(build_subnet).unwrap().network_acl_id,
        "acl-0b4d6f8a0c2e3a5b7"
    );
    assert_eq!(
        s.subnet_route_table(build_subnet).unwrap().route_table_id,
        "rtb-0b3c5d7e9f1a2b4c6"
    );
    let win = s.enis_of_instance("i-0a1b2c3d4e5f60001");
    assert_eq!(win.len(), 1);
    assert!(!win[0].synthesized_from_instance);
    let tg = s.target_groups.values().next().unwrap();
    assert_eq!(tg.target_health_descriptions.len(), 2);
    let rt = &s.transit_gateway_route_tables["tgw-rtb-0c9d0e1f2a3b4c5d6"];
    assert_eq!(
        (
            rt.routes.len(),
            rt.associations.len(),
            rt.propagations.len()
        ),
        (3, 2, 2)
    );
    assert_eq!(
        s.transit_gateway_attachments["tgw-attach-0d0e1f2a3b4c5d6e7"]
            .subnet_ids
            .len(),
        2
    );
}
