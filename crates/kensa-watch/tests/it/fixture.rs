//! A small account: one VPC with an internet gateway, a public subnet (route to the
//! gateway) and a private one (main table, local only); an open ACL and a deny-all one.
//!
//! * `i-pub` (eni-pub, Elastic IP 54.0.0.10) in the public subnet, group `sg-web`
//!   (tcp/443 from anywhere, as `SecurityGroupRules` with ids);
//! * `i-priv` (eni-priv, public IP 54.0.0.20) in the private subnet, group `sg-db`
//!   (tcp/5432 from anywhere, and from `sg-web`): not reachable, no route;
//! * `sg-unused`: attached to nothing; `eipalloc-free`: an unassociated Elastic IP.
use kensa_model::ec2::*;
use kensa_model::gateway::{GatewayAttachment, InternetGateway};
use kensa_model::instance::*;
use kensa_model::Snapshot;

pub const ACCOUNT: &str = "111122223333";

fn gid(id: &str) -> GroupIdentifier {
    GroupIdentifier {
        group_id: id.into(),
        group_name: None,
    }
}

fn rule(id: &str, group: &str, proto: &str, port: i32, cidr: Option<&str>) -> SecurityGroupRule {
    SecurityGroupRule {
        security_group_rule_id: id.into(),
        group_id: group.into(),
        is_egress: false,
        ip_protocol: proto.into(),
        from_port: Some(port),
        to_port: Some(port),
        cidr_ipv4: cidr.map(str::to_string),
        ..Default::default()
    }
}

fn group(id: &str, rules: &[&SecurityGroupRule]) -> SecurityGroup {
    let perms = rules
        .iter()
        .map(|r| IpPermission {
            ip_protocol: r.ip_protocol.clone(),
            from_port: r.from_port,
            to_port: r.to_port,
            ip_ranges: (r.cidr_ipv4.iter())
                .map(|c| IpRange {
                    cidr_ip: c.clone(),
                    description: None,
                })
                .collect(),
            user_id_group_pairs: (r.referenced_group_info.iter())
                .map(|g| UserIdGroupPair {
                    group_id: g.group_id.clone(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        })
        .collect();
    SecurityGroup {
        group_id: id.into(),
        group_name: id.trim_start_matches("sg-").into(),
        vpc_id: Some("vpc-1".into()),
        owner_id: Some(ACCOUNT.into()),
        ip_permissions: perms,
        ip_permissions_egress: vec![IpPermission {
            ip_protocol: "-1".into(),
            ip_ranges: vec![IpRange {
                cidr_ip: "0.0.0.0/0".into(),
                description: None,
            }],
            ..Default::default()
        }],
        ..Default::default()
    }
}

fn eni(
    id: &str,
    instance: &str,
    subnet: &str,
    ip: &str,
    public: &str,
    sg: &str,
) -> NetworkInterface {
    let assoc = IpAssociation {
        public_ip: Some(public.into()),
        ..Default::default()
    };
    NetworkInterface {
        network_interface_id: id.into(),
        subnet_id: Some(subnet.into()),
        vpc_id: Some("vpc-1".into()),
        interface_type: Some("interface".into()),
        private_ip_address: Some(ip.into()),
        private_ip_addresses: vec![PrivateIpAddress {
            private_ip_address: Some(ip.into()),
            primary: true,
            association: Some(assoc.clone()),
        }],
        association: Some(assoc),
        attachment: Some(Attachment {
            instance_id: Some(instance.into()),
            device_index: Some(0),
            status: Some("attached".into()),
            ..Default::default()
        }),
        groups: vec![gid(sg)],
        owner_id: Some(ACCOUNT.into()),
        status: Some("in-use".into()),
        ..Default::default()
    }
}

fn instance(id: &str, ni: &NetworkInterface) -> Instance {
    Instance {
        instance_id: id.into(),
        private_ip_address: ni.private_ip_address.clone(),
        public_ip_address: ni.association.as_ref().and_then(|a| a.public_ip.clone()),
        subnet_id: ni.subnet_id.clone(),
        vpc_id: ni.vpc_id.clone(),
        state: Some(InstanceState {
            code: Some(16),
            name: "running".into(),
        }),
        security_groups: ni.groups.clone(),
        network_interfaces: vec![InstanceNetworkInterface {
            network_interface_id: ni.network_interface_id.clone(),
            subnet_id: ni.subnet_id.clone(),
            vpc_id: ni.vpc_id.clone(),
            private_ip_address: ni.private_ip_address.clone(),
            private_ip_addresses: ni.private_ip_addresses.clone(),
            association: ni.association.clone(),
            groups: ni.groups.clone(),
            attachment: ni.attachment.clone(),
            ..Default::default()
        }],
        ..Default::default()
    }
}

fn acl(id: &str, entries: Vec<NetworkAclEntry>, subnets: &[(&str, &str)]) -> NetworkAcl {
    NetworkAcl {
        network_acl_id: id.into(),
        vpc_id: "vpc-1".into(),
        is_default: id == "acl-open",
        entries,
        associations: (subnets.iter())
            .map(|(a, s)| NetworkAclAssociation {
                network_acl_association_id: Some(a.to_string()),
                network_acl_id: Some(id.into()),
                subnet_id: Some(s.to_string()),
            })
            .collect(),
        ..Default::default()
    }
}

fn allow_all(egress: bool) -> NetworkAclEntry {
    NetworkAclEntry {
        rule_number: 100,
        protocol: "-1".into(),
        rule_action: "allow".into(),
        egress,
        cidr_block: Some("0.0.0.0/0".into()),
        ..Default::default()
    }
}

fn route(dest: &str, gateway: &str) -> Route {
    Route {
        destination_cidr_block: Some(dest.into()),
        gateway_id: Some(gateway.into()),
        state: Some("active".into()),
        ..Default::default()
    }
}

fn rtb_assoc(id: &str, rtb: &str, subnet: Option<&str>) -> RouteTableAssociation {
    RouteTableAssociation {
        main: subnet.is_none(),
        route_table_association_id: Some(id.into()),
        route_table_id: Some(rtb.into()),
        subnet_id: subnet.map(str::to_string),
        gateway_id: None,
    }
}

fn subnet(id: &str, cidr: &str, maps_public: bool) -> Subnet {
    Subnet {
        subnet_id: id.into(),
        vpc_id: "vpc-1".into(),
        cidr_block: Some(cidr.into()),
        availability_zone: Some("us-east-1a".into()),
        map_public_ip_on_launch: maps_public,
        ..Default::default()
    }
}

pub fn snapshot() -> Snapshot {
    let mut s = Snapshot::default();
    s.vpcs.insert(
        "vpc-1".into(),
        Vpc {
            vpc_id: "vpc-1".into(),
            cidr_block: Some("10.0.0.0/16".into()),
            ..Default::default()
        },
    );
    for sn in [
        subnet("subnet-pub", "10.0.1.0/24", true),
        subnet("subnet-priv", "10.0.2.0/24", false),
    ] {
        s.subnets.insert(sn.subnet_id.clone(), sn);
    }
    let local = route("10.0.0.0/16", "local");
    let tables = [
        RouteTable {
            route_table_id: "rtb-pub".into(),
            vpc_id: "vpc-1".into(),
            routes: vec![local.clone(), route("0.0.0.0/0", "igw-1")],
            associations: vec![rtb_assoc("rtbassoc-pub", "rtb-pub", Some("subnet-pub"))],
            ..Default::default()
        },
        RouteTable {
            route_table_id: "rtb-main".into(),
            vpc_id: "vpc-1".into(),
            routes: vec![local],
            associations: vec![rtb_assoc("rtbassoc-main", "rtb-main", None)],
            ..Default::default()
        },
    ];
    for t in tables {
        s.route_tables.insert(t.route_table_id.clone(), t);
    }
    let open = acl(
        "acl-open",
        vec![allow_all(false), allow_all(true)],
        &[
            ("aclassoc-pub", "subnet-pub"),
            ("aclassoc-priv", "subnet-priv"),
        ],
    );
    let closed = acl("acl-closed", Vec::new(), &[]);
    s.network_acls.insert(open.network_acl_id.clone(), open);
    s.network_acls.insert(closed.network_acl_id.clone(), closed);
    s.internet_gateways.insert(
        "igw-1".into(),
        InternetGateway {
            internet_gateway_id: "igw-1".into(),
            attachments: vec![GatewayAttachment {
                state: Some("available".into()),
                vpc_id: Some("vpc-1".into()),
            }],
            ..Default::default()
        },
    );
    let web = rule("sgr-web443", "sg-web", "tcp", 443, Some("0.0.0.0/0"));
    let db_world = rule("sgr-db5432", "sg-db", "tcp", 5432, Some("0.0.0.0/0"));
    let mut db_web = rule("sgr-dbweb", "sg-db", "tcp", 5432, None);
    db_web.referenced_group_info = Some(ReferencedGroupInfo {
        group_id: Some("sg-web".into()),
        ..Default::default()
    });
    s.security_groups
        .insert("sg-web".into(), group("sg-web", &[&web]));
    s.security_groups
        .insert("sg-db".into(), group("sg-db", &[&db_world, &db_web]));
    s.security_groups
        .insert("sg-unused".into(), group("sg-unused", &[]));
    for r in [web, db_world, db_web] {
        s.security_group_rules
            .insert(r.security_group_rule_id.clone(), r);
    }
    let mut pub_eni = eni(
        "eni-pub",
        "i-pub",
        "subnet-pub",
        "10.0.1.10",
        "54.0.0.10",
        "sg-web",
    );
    if let Some(a) = pub_eni.association.as_mut() {
        a.allocation_id = Some("eipalloc-pub".into());
        a.association_id = Some("eipassoc-pub".into());
    }
    let priv_eni = eni(
        "eni-priv",
        "i-priv",
        "subnet-priv",
        "10.0.2.20",
        "54.0.0.20",
        "sg-db",
    );
    s.instances
        .insert("i-pub".into(), instance("i-pub", &pub_eni));
    s.instances
        .insert("i-priv".into(), instance("i-priv", &priv_eni));
    s.network_interfaces.insert("eni-pub".into(), pub_eni);
    s.network_interfaces.insert("eni-priv".into(), priv_eni);
    s.addresses.insert(
        "eipalloc-pub".into(),
        Address {
            public_ip: Some("54.0.0.10".into()),
            allocation_id: Some("eipalloc-pub".into()),
            association_id: Some("eipassoc-pub".into()),
            domain: Some("vpc".into()),
            instance_id: Some("i-pub".into()),
            network_interface_id: Some("eni-pub".into()),
            private_ip_address: Some("10.0.1.10".into()),
            ..Default::default()
        },
    );
    s.addresses.insert(
        "eipalloc-free".into(),
        Address {
            public_ip: Some("52.0.0.5".into()),
            allocation_id: Some("eipalloc-free".into()),
            domain: Some("vpc".into()),
            ..Default::default()
        },
    );
    s
}
