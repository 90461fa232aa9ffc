//! A synthetic account for the benchmark, built in memory (deterministic, seeded):
//! `instances` instances, one security group per 5 instances, one subnet per 50
//! instances, 20 VPCs with peering, VGW routes, custom NACLs, prefix lists, SG references
//! and internet-facing ALBs.
use kensa_model::ec2::*;
use kensa_model::elb::*;
use kensa_model::gateway::*;
use kensa_model::instance::*;
use kensa_model::ports::PortRange;
use kensa_model::transit::*;
use kensa_model::{IdKind, Snapshot};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const PORTS: &[i32] = &[22, 80, 443, 3389, 3306, 5432, 8080, 6379, 9200, 27017];

fn route(dest: &str, gw: &str) -> Route {
    let mut r = Route {
        destination_cidr_block: Some(dest.into()),
        state: Some("active".into()),
        ..Default::default()
    };
    match IdKind::detect(gw) {
        Some(IdKind::VpcPeeringConnection) => r.vpc_peering_connection_id = Some(gw.into()),
        Some(IdKind::NatGateway) => r.nat_gateway_id = Some(gw.into()),
        _ => r.gateway_id = Some(gw.into()),
    }
    r
}

fn perm(proto: &str, from: i32, to: i32) -> IpPermission {
    IpPermission {
        ip_protocol: proto.into(),
        from_port: Some(from),
        to_port: Some(to),
        ..Default::default()
    }
}

pub fn account(instances: usize) -> Snapshot {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut s = Snapshot::default();
    let vpcs = 20usize;
    let subnets = (instances / 50).max(vpcs);
    let groups = (instances / 5).max(vpcs);
    s.prefix_lists.insert(
        "pl-office".into(),
        PrefixList {
            prefix_list_id: "pl-office".into(),
            cidrs: vec!["198.51.100.0/24".into(), "203.0.113.0/24".into()],
            ..Default::default()
        },
    );
    for v in 0..vpcs {
        let vpc = format!("vpc-{v:04}");
        s.vpcs.insert(
            vpc.clone(),
            Vpc {
                vpc_id: vpc.clone(),
                cidr_block: Some(format!("10.{v}.0.0/16")),
                ..Default::default()
            },
        );
        let igw = format!("igw-{v:04}");
        s.internet_gateways.insert(
            igw.clone(),
            InternetGateway {
                internet_gateway_id: igw,
                attachments: vec![GatewayAttachment {
                    state: Some("available".into()),
                    vpc_id: Some(vpc.clone()),
                }],
                ..Default::default()
            },
        );
        let vgw = format!("vgw-{v:04}");
        s.vpn_gateways.insert(
            vgw.clone(),
            VpnGateway {
                vpn_gateway_id: vgw,
                vpc_attachments: vec![GatewayAttachment {
                    state: Some("attached".into()),
                    vpc_id: Some(vpc.clone()),
                }],
                ..Default::default()
            },
        );
        let peer = (v + 1) % vpcs;
        let pcx = format!("pcx-{v:04}");
        let info = |i: usize| {
            Some(PeeringVpcInfo {
                vpc_id: Some(format!("vpc-{i:04}")),
                cidr_block: Some(format!("10.{i}.0.0/16")),
                ..Default::default()
            })
        };
        s.vpc_peering_connections.insert(
            pcx.clone(),
            VpcPeeringConnection {
                vpc_peering_connection_id: pcx,
                requester_vpc_info: info(v),
                accepter_vpc_info: info(peer),
                status: Some(PeeringStatus {
                    code: "active".into(),
                    message: None,
                }),
                ..Default::default()
            },
        );
        // Default NACL (allow all) and main route table (local only).
        let acl = format!("acl-{v:04}-default");
        s.network_acls.insert(
            acl.clone(),
            NetworkAcl {
                network_acl_id: acl,
                vpc_id: vpc.clone(),
                is_default: true,
                entries: [false, true]
                    .iter()
                    .map(|&e| NetworkAclEntry {
                        rule_number: 100,
                        protocol: "-1".into(),
                        rule_action: "allow".into(),
                        egress: e,
                        cidr_block: Some("0.0.0.0/0".into()),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            },
        );
        let main = format!("rtb-{v:04}-main");
        s.route_tables.insert(
            main.clone(),
            RouteTable {
                route_table_id: main,
                vpc_id: vpc.clone(),
                routes: vec![route(&format!("10.{v}.0.0/16"), "local")],
                associations: vec![RouteTableAssociation {
                    main: true,
                    ..Default::default()
                }],
                ..Default::default()
            },
        );
    }
    let subnet_ids: Vec<(String, usize, bool)> = (0..subnets)
        .map(|i| {
            let v = i % vpcs;
            let n = i / vpcs;
            let id = format!("subnet-{i:05}");
            let public = n.is_multiple_of(2);
            s.subnets.insert(
                id.clone(),
                Subnet {
                    subnet_id: id.clone(),
                    vpc_id: format!("vpc-{v:04}"),
                    cidr_block: Some(format!("10.{v}.{}.{}/26", n / 4, (n % 4) * 64)),
                    ..Default::default()
                },
            );
            let rt = format!("rtb-{i:05}");
            let mut routes = vec![
                route(&format!("10.{v}.0.0/16"), "local"),
                route(
                    &format!("10.{}.0.0/16", (v + 1) % vpcs),
                    &format!("pcx-{v:04}"),
                ),
            ];
            routes.push(if public {
                route("0.0.0.0/0", &format!("igw-{v:04}"))
            } else {
                route("0.0.0.0/0", &format!("nat-{v:04}"))
            });
            if n.is_multiple_of(3) {
                routes.push(route("172.16.0.0/12", &format!("vgw-{v:04}")));
            }
            s.route_tables.insert(
                rt.clone(),
                RouteTable {
                    route_table_id: rt,
                    vpc_id: format!("vpc-{v:04}"),
                    routes,
                    associations: vec![RouteTableAssociation {
                        subnet_id: Some(id.clone()),
                        ..Default::default()
                    }],
                    ..Default::default()
                },
            );
            if n % 4 == 1 {
                let acl = format!("acl-{i:05}");
                let e = |n, p: &str, allow, egress, range: Option<(u16, u16)>| NetworkAclEntry {
                    rule_number: n,
                    protocol: p.into(),
                    rule_action: if allow { "allow" } else { "deny" }.into(),
                    egress,
                    cidr_block: Some("0.0.0.0/0".into()),
                    port_range: range.map(|(from, to)| PortRange { from, to }),
                    ..Default::default()
                };
                s.network_acls.insert(
                    acl.clone(),
                    NetworkAcl {
                        network_acl_id: acl,
                        vpc_id: format!("vpc-{v:04}"),
                        entries: vec![
                            e(90, "6", false, false, Some((3389, 3389))),
                            e(100, "6", true, false, Some((0, 65535))),
                            e(110, "17", true, false, Some((53, 53))),
                            e(100, "-1", true, true, None),
                        ],
                        associations: vec![NetworkAclAssociation {
                            subnet_id: Some(id.clone()),
                            ..Default::default()
                        }],
                        ..Default::default()
                    },
                );
            }
            (id, v, public)
        })
        .collect();
    for g in 0..groups {
        let v = g % vpcs;
        let id = format!("sg-{g:06}");
        let mut perms = Vec::new();
        for _ in 0..rng.gen_range(1..=4) {
            let port = PORTS[rng.gen_range(0..PORTS.len())];
            let mut p = perm("tcp", port, port);
            match rng.gen_range(0..10) {
                0..=2 => p.ip_ranges.push(IpRange {
                    cidr_ip: "0.0.0.0/0".into(),
                    description: None,
                }),
                3..=4 => p.ip_ranges.push(IpRange {
                    cidr_ip: "10.0.0.0/8".into(),
                    description: None,
                }),
                5 => p.prefix_list_ids.push(PrefixListRef {
                    prefix_list_id: "pl-office".into(),
                    description: None,
                }),
                6..=7 => {
                    let other = rng.gen_range(0..groups / vpcs) * vpcs + v;
                    p.user_id_group_pairs.push(UserIdGroupPair {
                        group_id: Some(format!("sg-{other:06}")),
                        ..Default::default()
                    });
                }
                8 => p.ip_ranges.push(IpRange {
                    cidr_ip: "172.16.0.0/12".into(),
                    description: None,
                }),
                _ => p.ipv6_ranges.push(Ipv6Range {
                    cidr_ipv6: "::/0".into(),
                    description: None,
                }),
            }
            perms.push(p);
        }
        if rng.gen_range(0..50) == 0 {
            let mut all = perm("-1", -1, -1);
            all.ip_ranges.push(IpRange {
                cidr_ip: "10.0.0.0/8".into(),
                description: None,
            });
            perms.push(all);
        }
        let mut egress = perm("-1", -1, -1);
        egress.ip_ranges.push(IpRange {
            cidr_ip: "0.0.0.0/0".into(),
            description: None,
        });
        s.security_groups.insert(
            id.clone(),
            SecurityGroup {
                group_id: id,
                group_name: format!("group {g}"),
                vpc_id: Some(format!("vpc-{v:04}")),
                ip_permissions: perms,
                ip_permissions_egress: vec![egress],
                ..Default::default()
            },
        );
    }
    let per_vpc_groups = groups / vpcs;
    for i in 0..instances {
        let (subnet, v, public) = subnet_ids[i % subnets].clone();
        let n = i / subnets;
        let sidx = i % subnets / vpcs;
        let private = format!("10.{v}.{}.{}", sidx / 4, (sidx % 4) * 64 + 4 + (n % 56));
        let k = rng.gen_range(1..=3);
        let gi: Vec<GroupIdentifier> = (0..k)
            .map(|_| GroupIdentifier {
                group_id: format!("sg-{:06}", rng.gen_range(0..per_vpc_groups) * vpcs + v),
                group_name: None,
            })
            .collect();
        let public_ip = (public && rng.gen_bool(0.5))
            .then(|| format!("54.{}.{}.{}", i >> 16, (i >> 8) & 255, i & 255));
        let id = format!("i-{i:017x}");
        let ni = InstanceNetworkInterface {
            network_interface_id: format!("eni-{i:017x}"),
            subnet_id: Some(subnet.clone()),
            vpc_id: Some(format!("vpc-{v:04}")),
            private_ip_address: Some(private.clone()),
            association: public_ip.as_ref().map(|p| IpAssociation {
                public_ip: Some(p.clone()),
                ..Default::default()
            }),
            groups: gi.clone(),
            attachment: Some(Attachment {
                device_index: Some(0),
                ..Default::default()
            }),
            ..Default::default()
        };
        s.instances.insert(
            id.clone(),
            Instance {
                instance_id: id,
                private_ip_address: Some(private),
                public_ip_address: public_ip,
                subnet_id: Some(subnet),
                vpc_id: Some(format!("vpc-{v:04}")),
                state: Some(InstanceState {
                    code: Some(16),
                    name: "running".into(),
                }),
                security_groups: gi,
                network_interfaces: vec![ni],
                ..Default::default()
            },
        );
    }
    // One internet-facing ALB per 500 instances, forwarding 443 to 10 instances on 8080.
    for l in 0..instances / 500 {
        let v = l % vpcs;
        let arn = format!(
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web{l}/{l:016x}"
        );
        let tg = format!(
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web{l}/{l:016x}"
        );
        let public_subnets: Vec<LbAvailabilityZone> = subnet_ids
            .iter()
            .filter(|s| s.1 == v && s.2)
            .take(2)
            .map(|s| LbAvailabilityZone {
                subnet_id: Some(s.0.clone()),
                ..Default::default()
            })
            .collect();
        s.load_balancers.insert(
            arn.clone(),
            LoadBalancer {
                load_balancer_arn: arn.clone(),
                load_balancer_name: Some(format!("web{l}")),
                scheme: Some("internet-facing".into()),
                lb_type: Some("application".into()),
                vpc_id: Some(format!("vpc-{v:04}")),
                availability_zones: public_subnets,
                security_groups: vec![format!("sg-{v:06}")],
                ..Default::default()
            },
        );
        s.listeners.insert(
            format!("{arn}/listener"),
            Listener {
                listener_arn: format!("{arn}/listener"),
                load_balancer_arn: arn,
                port: Some(443),
                protocol: Some("HTTPS".into()),
                default_actions: vec![ListenerAction {
                    action_type: "forward".into(),
                    target_group_arn: Some(tg.clone()),
                    ..Default::default()
                }],
                ..Default::default()
            },
        );
        let targets = (0..10)
            .map(|t| {
                let i = (l * 10 + t) * vpcs + v;
                TargetHealthDescription {
                    target: TargetDescription {
                        id: format!("i-{:017x}", i % instances),
                        port: Some(8080),
                        availability_zone: None,
                    },
                    ..Default::default()
                }
            })
            .collect();
        s.target_groups.insert(
            tg.clone(),
            TargetGroup {
                target_group_arn: tg,
                port: Some(8080),
                target_type: Some("instance".into()),
                target_health_descriptions: targets,
                ..Default::default()
            },
        );
    }
    s
}
