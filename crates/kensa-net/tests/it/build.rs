//! Concise builders for hand-made snapshots.
use kensa_model::ec2::*;
use kensa_model::gateway::*;
use kensa_model::instance::*;
use kensa_model::transit::*;
use kensa_model::{IdKind, Snapshot};

#[derive(Default)]
pub struct B {
    pub s: Snapshot,
}

pub fn route(dest: &str, target: &str) -> Route {
    let mut r = Route::default();
    if IdKind::PrefixList.matches(dest) {
        r.destination_prefix_list_id = Some(dest.into());
    } else if dest.contains(':') {
        r.destination_ipv6_cidr_block = Some(dest.into());
    } else {
        r.destination_cidr_block = Some(dest.into());
    }
    use IdKind as K;
    match (IdKind::detect(target), target) {
        (Some(K::VpcPeeringConnection), t) => r.vpc_peering_connection_id = Some(t.into()),
        (Some(K::NatGateway), t) => r.nat_gateway_id = Some(t.into()),
        (
            Some(K::TransitGateway | K::TransitGatewayAttachment | K::TransitGatewayRouteTable),
            t,
        ) => r.transit_gateway_id = Some(t.into()),
        (Some(K::EgressOnlyInternetGateway), t) => {
            r.egress_only_internet_gateway_id = Some(t.into())
        }
        (_, t) if t.starts_with("blackhole:") => {
            r.gateway_id = Some(t.trim_start_matches("blackhole:").into());
            r.state = Some("blackhole".into());
        }
        (_, t) => r.gateway_id = Some(t.into()),
    }
    r.state.get_or_insert_with(|| "active".into());
    r
}

/// An ingress permission; sources: CIDRs (v4/v6), `pl-…`, `sg-…`.
pub fn perm(proto: &str, from: i32, to: i32, sources: &[&str]) -> IpPermission {
    let mut p = IpPermission {
        ip_protocol: proto.into(),
        from_port: Some(from),
        to_port: Some(to),
        ..Default::default()
    };
    for s in sources {
        if IdKind::PrefixList.matches(s) {
            p.prefix_list_ids.push(PrefixListRef {
                prefix_list_id: s.to_string(),
                description: None,
            });
        } else if IdKind::SecurityGroup.matches(s) {
            p.user_id_group_pairs.push(UserIdGroupPair {
                group_id: Some(s.to_string()),
                ..Default::default()
            });
        } else if s.contains(':') {
            p.ipv6_ranges.push(Ipv6Range {
                cidr_ipv6: s.to_string(),
                description: None,
            });
        } else {
            p.ip_ranges.push(IpRange {
                cidr_ip: s.to_string(),
                description: None,
            });
        }
    }
    p
}

pub fn entry(
    n: i32,
    proto: &str,
    allow: bool,
    egress: bool,
    cidr: &str,
    ports: Option<(i32, i32)>,
) -> NetworkAclEntry {
    NetworkAclEntry {
        rule_number: n,
        protocol: proto.into(),
        rule_action: if allow { "allow" } else { "deny" }.into(),
        egress,
        cidr_block: (!cidr.contains(':')).then(|| cidr.to_string()),
        ipv6_cidr_block: cidr.contains(':').then(|| cidr.to_string()),
        port_range: ports.and_then(|(f, t)| {
            kensa_model::ports::acl::from_bounds(Some(f), Some(t)).expect("a valid port range")
        }),
        icmp_type_code: None,
    }
}

pub fn allow_all_entries() -> Vec<NetworkAclEntry> {
    vec![
        entry(100, "-1", true, false, "0.0.0.0/0", None),
        entry(100, "-1", true, true, "0.0.0.0/0", None),
        entry(101, "-1", true, false, "::/0", None),
        entry(101, "-1", true, true, "::/0", None),
    ]
}

impl B {
    pub fn vpc(&mut self, id: &str, cidrs: &[&str]) -> &mut Self {
        let mut v = Vpc {
            vpc_id: id.into(),
            cidr_block: Some(cidrs[0].into()),
            ..Default::default()
        };
        for c in &cidrs[1..] {
            if c.contains(':') {
                v.ipv6_cidr_block_association_set
                    .push(Ipv6CidrBlockAssociation {
                        ipv6_cidr_block: Some(c.to_string()),
                        association_id: None,
                    });
            } else {
                v.cidr_block_association_set.push(CidrBlockAssociation {
                    cidr_block: Some(c.to_string()),
                    association_id: None,
                });
            }
        }
        self.s.vpcs.insert(id.into(), v);
        // Every VPC has a default network ACL, which allows everything until changed; a
        // subnet with no association uses it (without one, paths are indeterminate).
        let default_acl = format!("acl-default-{}", id.trim_start_matches("vpc-"));
        self.nacl(&default_acl, id, &[], allow_all_entries());
        let acl = self
            .s
            .network_acls
            .get_mut(&default_acl)
            .expect("just added");
        acl.is_default = true;
        self
    }
    pub fn subnet(&mut self, id: &str, vpc: &str, cidr: &str) -> &mut Self {
        self.s.subnets.insert(
            id.into(),
            Subnet {
                subnet_id: id.into(),
                vpc_id: vpc.into(),
                cidr_block: Some(cidr.into()),
                ..Default::default()
            },
        );
        self
    }
    pub fn route_table(
        &mut self,
        id: &str,
        vpc: &str,
        main: bool,
        subnets: &[&str],
        routes: Vec<Route>,
    ) -> &mut Self {
        let mut associations: Vec<RouteTableAssociation> = subnets
            .iter()
            .map(|s| RouteTableAssociation {
                subnet_id: Some(s.to_string()),
                route_table_id: Some(id.into()),
                ..Default::default()
            })
            .collect();
        if main {
            associations.push(RouteTableAssociation {
                main: true,
                route_table_id: Some(id.into()),
                ..Default::default()
            });
        }
        self.s.route_tables.insert(
            id.into(),
            RouteTable {
                route_table_id: id.into(),
                vpc_id: vpc.into(),
                routes,
                associations,
                ..Default::default()
            },
        );
        self
    }
    pub fn igw(&mut self, id: &str, vpc: &str) -> &mut Self {
        self.s.internet_gateways.insert(
            id.into(),
            InternetGateway {
                internet_gateway_id: id.into(),
                attachments: vec![GatewayAttachment {
                    state: Some("available".into()),
                    vpc_id: Some(vpc.into()),
                }],
                ..Default::default()
            },
        );
        self
    }
    pub fn vgw(&mut self, id: &str, vpc: &str) -> &mut Self {
        self.s.vpn_gateways.insert(
            id.into(),
            VpnGateway {
                vpn_gateway_id: id.into(),
                state: Some("available".into()),
                vpc_attachments: vec![GatewayAttachment {
                    state: Some("attached".into()),
                    vpc_id: Some(vpc.into()),
                }],
                ..Default::default()
            },
        );
        self
    }
    pub fn pcx(&mut self, id: &str, a: (&str, &str), b: (&str, &str), active: bool) -> &mut Self {
        let info = |(v, c): (&str, &str)| {
            Some(PeeringVpcInfo {
                vpc_id: Some(v.into()),
                cidr_block: Some(c.into()),
                ..Default::default()
            })
        };
        self.s.vpc_peering_connections.insert(
            id.into(),
            VpcPeeringConnection {
                vpc_peering_connection_id: id.into(),
                requester_vpc_info: info(a),
                accepter_vpc_info: info(b),
                status: Some(PeeringStatus {
                    code: if active {
                        "active"
                    } else {
                        "pending-acceptance"
                    }
                    .into(),
                    message: None,
                }),
                ..Default::default()
            },
        );
        self
    }
    pub fn sg(&mut self, id: &str, vpc: &str, ingress: Vec<IpPermission>) -> &mut Self {
        self.s.security_groups.insert(
            id.into(),
            SecurityGroup {
                group_id: id.into(),
                group_name: id.into(),
                vpc_id: Some(vpc.into()),
                ip_permissions: ingress,
                ip_permissions_egress: vec![perm("-1", -1, -1, &["0.0.0.0/0", "::/0"])],
                ..Default::default()
            },
        );
        self
    }
    pub fn nacl(
        &mut self,
        id: &str,
        vpc: &str,
        subnets: &[&str],
        entries: Vec<NetworkAclEntry>,
    ) -> &mut Self {
        self.s.network_acls.insert(
            id.into(),
            NetworkAcl {
                network_acl_id: id.into(),
                vpc_id: vpc.into(),
                entries,
                associations: subnets
                    .iter()
                    .map(|s| NetworkAclAssociation {
                        subnet_id: Some(s.to_string()),
                        network_acl_id: Some(id.into()),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            },
        );
        self
    }
    pub fn prefix_list(&mut self, id: &str, cidrs: &[&str]) -> &mut Self {
        self.s.prefix_lists.insert(
            id.into(),
            PrefixList {
                prefix_list_id: id.into(),
                entries: cidrs
                    .iter()
                    .map(|c| PrefixListEntry {
                        cidr: c.to_string(),
                        description: None,
                    })
                    .collect(),
                ..Default::default()
            },
        );
        self
    }
    /// An instance `i-<name>` with ENI `eni-<name>`.
    #[allow(clippy::too_many_arguments)]
    pub fn instance(
        &mut self,
        name: &str,
        subnet: &str,
        vpc: &str,
        private: &str,
        public: Option<&str>,
        ipv6: Option<&str>,
        groups: &[&str],
    ) -> &mut Self {
        let gi: Vec<GroupIdentifier> = groups
            .iter()
            .map(|g| GroupIdentifier {
                group_id: g.to_string(),
                group_name: None,
            })
            .collect();
        let ni = InstanceNetworkInterface {
            network_interface_id: format!("eni-{name}"),
            subnet_id: Some(subnet.into()),
            vpc_id: Some(vpc.into()),
            private_ip_address: Some(private.into()),
            ipv6_addresses: ipv6
                .iter()
                .map(|a| Ipv6Address {
                    ipv6_address: Some(a.to_string()),
                })
                .collect(),
            association: public.map(|p| IpAssociation {
                public_ip: Some(p.into()),
                ..Default::default()
            }),
            groups: gi.clone(),
            attachment: Some(Attachment {
                device_index: Some(0),
                ..Default::default()
            }),
            ..Default::default()
        };
        self.s.instances.insert(
            format!("i-{name}"),
            Instance {
                instance_id: format!("i-{name}"),
                private_ip_address: Some(private.into()),
                public_ip_address: public.map(str::to_string),
                subnet_id: Some(subnet.into()),
                vpc_id: Some(vpc.into()),
                state: Some(InstanceState {
                    code: Some(16),
                    name: "running".into(),
                }),
                security_groups: gi,
                network_interfaces: vec![ni],
                ..Default::default()
            },
        );
        self
    }
}

/// A TGW route: `dest` to `target` (an attachment id, or `blackhole`), static.
pub fn tgw_route(dest: &str, target: &str) -> TransitGatewayRoute {
    let blackhole = target == "blackhole";
    TransitGatewayRoute {
        destination_cidr_block: Some(dest.into()),
        state: Some(if blackhole { "blackhole" } else { "active" }.into()),
        route_type: Some("static".into()),
        transit_gateway_attachments: if blackhole {
            Vec::new()
        } else {
            vec![TgwRouteAttachment {
                transit_gateway_attachment_id: Some(target.into()),
                ..Default::default()
            }]
        },
        ..Default::default()
    }
}

impl B {
    pub fn az(&mut self, subnet: &str, az: &str) -> &mut Self {
        if let Some(s) = self.s.subnets.get_mut(subnet) {
            s.availability_zone = Some(az.into());
        }
        self
    }
    pub fn tgw(&mut self, id: &str) -> &mut Self {
        self.s.transit_gateways.insert(
            id.into(),
            TransitGateway {
                transit_gateway_id: id.into(),
                state: Some("available".into()),
                ..Default::default()
            },
        );
        self
    }
    /// An attachment of `kind` (`vpc`, `vpn`, `peering`, ...) to `resource`, associated
    /// with route table `table` (if any); a VPC attachment uses `subnets`.
    pub fn tgw_attach(
        &mut self,
        id: &str,
        tgw: &str,
        kind: &str,
        resource: &str,
        subnets: &[&str],
        table: Option<&str>,
    ) -> &mut Self {
        self.s.transit_gateway_attachments.insert(
            id.into(),
            TransitGatewayAttachment {
                transit_gateway_attachment_id: id.into(),
                transit_gateway_id: Some(tgw.into()),
                resource_type: Some(kind.into()),
                resource_id: Some(resource.into()),
                state: Some("available".into()),
                association: table.map(|t| TgwAttachmentAssociation {
                    transit_gateway_route_table_id: Some(t.into()),
                    state: Some("associated".into()),
                }),
                subnet_ids: subnets.iter().map(|s| s.to_string()).collect(),
                ..Default::default()
            },
        );
        self
    }
    /// A TGW route table with static routes (as route search output) and the
    /// attachments propagating into it.
    pub fn tgw_table(
        &mut self,
        id: &str,
        tgw: &str,
        routes: Vec<TransitGatewayRoute>,
        propagations: &[&str],
    ) -> &mut Self {
        self.s.transit_gateway_route_tables.insert(
            id.into(),
            TransitGatewayRouteTable {
                transit_gateway_route_table_id: id.into(),
                transit_gateway_id: Some(tgw.into()),
                state: Some("available".into()),
                routes,
                propagations: propagations
                    .iter()
                    .map(|a| TgwRouteTablePropagation {
                        transit_gateway_attachment_id: Some(a.to_string()),
                        state: Some("enabled".into()),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            },
        );
        self
    }
}
