//! The synthetic account generator writes snapshots that load cleanly, at the requested size.
use kensa_model::synth::{self, SynthParams};
use kensa_model::{Document, Scope, Snapshot};

fn params(instances: usize, regions: usize) -> SynthParams {
    SynthParams {
        instances,
        regions,
        seed: 42,
        ..SynthParams::default()
    }
}

#[test]
fn generated_account_loads_without_warnings_and_has_the_requested_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let p = params(2000, 2);
    let mut last = None;
    let summary = synth::write_account(&p, tmp.path(), |progress| last = Some(progress)).unwrap();
    let last = last.unwrap();
    assert_eq!(last.files_done, last.files_total);
    assert_eq!(summary.files, last.files_total);
    let s = Snapshot::load(tmp.path()).unwrap();
    assert!(
        s.warnings.is_empty(),
        "{:#?}",
        &s.warnings[..s.warnings.len().min(20)]
    );
    assert_eq!(s.instances.len(), 2000);
    // 1,000 instances per region: one VPC, 20 subnets, 200 app groups per region.
    assert_eq!(s.vpcs.len(), 2);
    assert_eq!(s.subnets.len(), 40);
    assert_eq!(s.security_groups.len(), 2 * (200 + 2));
    assert_eq!(s.load_balancers.len(), 4);
    let regions: std::collections::BTreeSet<&str> = s
        .instances
        .values()
        .map(|i| i.scope.region.as_str())
        .collect();
    assert_eq!(
        regions.into_iter().collect::<Vec<_>>(),
        ["us-east-1", "us-west-2"]
    );
    assert!(s.instances.values().all(|i| i.scope.account == p.account));
    // Every instance ENI is described, none had to be built from the instance.
    assert!(s
        .network_interfaces
        .values()
        .all(|e| !e.synthesized_from_instance));
    assert!(s
        .instances
        .keys()
        .all(|id| s.enis_of_instance(id).len() == 1));
}

#[test]
fn the_mix_has_every_kind_of_rule_and_route() {
    let files = synth::account(&params(4000, 1));
    let s = Snapshot::from_documents(
        files
            .iter()
            .map(|(path, json)| Document::new(path.clone(), Scope::default(), json)),
    );
    assert!(
        s.warnings.is_empty(),
        "{:#?}",
        &s.warnings[..s.warnings.len().min(20)]
    );
    let perms: Vec<_> = s
        .security_groups
        .values()
        .flat_map(|g| &g.ip_permissions)
        .collect();
    assert!(perms.iter().any(|p| p.ip_protocol == "-1"));
    assert!(perms.iter().any(|p| p.from_port != p.to_port));
    assert!(perms.iter().any(|p| !p.user_id_group_pairs.is_empty()));
    assert!(perms.iter().any(|p| !p.prefix_list_ids.is_empty()));
    assert!(perms
        .iter()
        .any(|p| p.ipv6_ranges.iter().any(|r| r.cidr_ipv6 == "::/0")));
    assert!(perms
        .iter()
        .any(|p| p.ip_ranges.iter().any(|r| r.cidr_ip == "0.0.0.0/0")));
    let routes: Vec<_> = s.route_tables.values().flat_map(|t| &t.routes).collect();
    assert!(routes.iter().any(|r| r
        .gateway_id
        .as_deref()
        .is_some_and(|g| g.starts_with("igw-"))));
    assert!(routes.iter().any(|r| r.nat_gateway_id.is_some()));
    assert!(routes.iter().any(|r| r.transit_gateway_id.is_some()));
    assert!(routes.iter().any(|r| r.vpc_peering_connection_id.is_some()));
    assert!(routes.iter().any(|r| r
        .gateway_id
        .as_deref()
        .is_some_and(|g| g.starts_with("vgw-"))));
    assert!(routes
        .iter()
        .any(|r| r.state.as_deref() == Some("blackhole")));
    let acl_entries: Vec<_> = s.network_acls.values().flat_map(|a| &a.entries).collect();
    assert!(acl_entries
        .iter()
        .any(|e| e.rule_action == "deny" && e.rule_number < 32767));
    assert!(s.load_balancers.values().any(|l| l.is_internet_facing()));
    assert!(s.load_balancers.values().any(|l| !l.is_internet_facing()));
    assert!(s
        .target_groups
        .values()
        .all(|t| !t.target_health_descriptions.is_empty()));
    assert!(s.vpc_peering_connections.values().any(|p| p.is_active()));
    assert!(s.instances.values().any(|i| i.public_ip_address.is_some()));
    assert!(s
        .network_interfaces
        .values()
        .any(|e| !e.ipv6_addresses.is_empty()));
    assert!(!s.security_group_rules.is_empty());
}

#[test]
fn generation_is_deterministic() {
    let a = synth::account(&params(300, 1));
    let b = synth::account(&params(300, 1));
    assert_eq!(a, b);
    let c = synth::account(&SynthParams {
        seed: 43,
        ..params(300, 1)
    });
    assert_ne!(a, c);
}

#[test]
fn transit_gateways_endpoints_and_appliances_come_at_realistic_proportions() {
    // 6 VPCs: three attached to the TGW (shared, prod, dev segments), two with interface
    // endpoints, one behind a GWLB ingress appliance, one egressing through a firewall.
    let files = synth::account(&params(6000, 1));
    let s = Snapshot::from_documents(
        files
            .iter()
            .map(|(path, json)| Document::new(path.clone(), Scope::default(), json)),
    );
    assert!(
        s.warnings.is_empty(),
        "{:#?}",
        &s.warnings[..s.warnings.len().min(20)]
    );
    assert_eq!(s.transit_gateways.len(), 1);
    assert_eq!(s.transit_gateway_route_tables.len(), 3);
    let tables: Vec<_> = s.transit_gateway_route_tables.values().collect();
    // Every table has its propagations and routes, with blackholes and a static default.
    assert!(tables.iter().all(|t| !t.propagations.is_empty()));
    let routes: Vec<_> = tables.iter().flat_map(|t| &t.routes).collect();
    assert!(routes
        .iter()
        .any(|r| r.state.as_deref() == Some("blackhole")));
    assert!(routes.iter().any(|r| {
        r.route_type.as_deref() == Some("static")
            && r.destination_cidr_block.as_deref() == Some("0.0.0.0/0")
    }));
    // Attachments are associated with different tables (segments).
    let associated: std::collections::BTreeSet<_> = s
        .transit_gateway_attachments
        .values()
        .filter_map(|a| {
            a.association
                .as_ref()?
                .transit_gateway_route_table_id
                .clone()
        })
        .collect();
    assert_eq!(associated.len(), 3);
    let kinds = |k: &str| {
        s.vpc_endpoints
            .values()
            .filter(|e| e.vpc_endpoint_type.as_deref() == Some(k))
            .count()
    };
    assert_eq!(kinds("Gateway"), 2);
    assert_eq!(kinds("Interface"), 4);
    assert_eq!(kinds("GatewayLoadBalancer"), 2);
    let endpoint_enis = s
        .network_interfaces
        .values()
        .filter(|e| e.interface_type.as_deref() == Some("vpc_endpoint"))
        .count();
    assert_eq!(endpoint_enis, 8);
    // Ingress routing through the GWLB endpoint, egress through the firewall endpoint.
    assert!(s
        .route_tables
        .values()
        .any(|t| t.associations.iter().any(|a| a
            .gateway_id
            .as_deref()
            .is_some_and(|g| g.starts_with("igw-")))));
    let appliance_routes = s
        .route_tables
        .values()
        .flat_map(|t| &t.routes)
        .filter(|r| {
            r.gateway_id.as_deref().is_some_and(|g| {
                s.vpc_endpoints
                    .get(g)
                    .is_some_and(|e| e.vpc_endpoint_type.as_deref() == Some("GatewayLoadBalancer"))
            })
        })
        .count();
    assert!(appliance_routes >= 2, "{appliance_routes}");
}
