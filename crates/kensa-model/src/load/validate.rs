//! References to resources that are not in the snapshot. They are warnings, not errors:
//! a partial snapshot is still worth analysing, and the analysers treat a dangling
//! reference as absent (an unknown gateway carries no traffic, an unknown group admits no
//! one).
use super::Builder;
use crate::ec2::Route;
use crate::snapshot::{Snapshot, Warning, WarningLevel};

/// Collects dangling-reference warnings against one snapshot.
pub(super) struct Checker<'a> {
    pub(super) snap: &'a Snapshot,
    builder: &'a Builder,
    out: Vec<Warning>,
}

impl Checker<'_> {
    /// Warns unless `exists`: `owner` (read at its origin) names `kind target` at `field`.
    pub(super) fn check(
        &mut self,
        exists: bool,
        owner: &str,
        field: &str,
        kind: &str,
        target: &str,
    ) {
        self.check_at(exists, WarningLevel::Warning, owner, field, kind, target);
    }

    fn check_at(
        &mut self,
        exists: bool,
        level: WarningLevel,
        owner: &str,
        field: &str,
        kind: &str,
        target: &str,
    ) {
        if exists || target.is_empty() {
            return;
        }
        let (file, base) = self.builder.origin_of(owner);
        let path = if base.is_empty() {
            String::new()
        } else {
            format!("{base}.{field}")
        };
        let msg = format!("{owner} references {kind} {target}, which is not in the snapshot");
        self.out.push(Warning::new(level, file, path, msg));
    }
}

impl Builder {
    pub(super) fn validate(&mut self) {
        let mut c = Checker {
            snap: &self.snapshot,
            builder: self,
            out: Vec::new(),
        };
        c.vpc_members();
        c.routes();
        c.security_groups();
        c.compute();
        c.load_balancers();
        c.connectivity();
        let found = c.out;
        self.warnings.extend(found);
    }
}

impl Checker<'_> {
    fn vpc_members(&mut self) {
        let s = self.snap;
        for sub in s.subnets.values() {
            let ok = s.vpcs.contains_key(&sub.vpc_id);
            self.check(ok, &sub.subnet_id, "VpcId", "VPC", &sub.vpc_id);
        }
        for acl in s.network_acls.values() {
            let id = &acl.network_acl_id;
            self.check(
                s.vpcs.contains_key(&acl.vpc_id),
                id,
                "VpcId",
                "VPC",
                &acl.vpc_id,
            );
            for (i, a) in acl.associations.iter().enumerate() {
                let sub = a.subnet_id.as_deref().unwrap_or_default();
                let field = format!("Associations[{i}].SubnetId");
                self.check(s.subnets.contains_key(sub), id, &field, "subnet", sub);
            }
        }
        for igw in s.internet_gateways.values() {
            for (i, a) in igw.attachments.iter().enumerate() {
                let vpc = a.vpc_id.as_deref().unwrap_or_default();
                let field = format!("Attachments[{i}].VpcId");
                let ok = s.vpcs.contains_key(vpc);
                self.check(ok, &igw.internet_gateway_id, &field, "VPC", vpc);
            }
        }
        for nat in s.nat_gateways.values() {
            let sub = nat.subnet_id.as_deref().unwrap_or_default();
            let ok = s.subnets.contains_key(sub);
            self.check(ok, &nat.nat_gateway_id, "SubnetId", "subnet", sub);
        }
    }

    fn routes(&mut self) {
        let s = self.snap;
        for rt in s.route_tables.values() {
            let id = &rt.route_table_id;
            self.check(
                s.vpcs.contains_key(&rt.vpc_id),
                id,
                "VpcId",
                "VPC",
                &rt.vpc_id,
            );
            for (i, a) in rt.associations.iter().enumerate() {
                let sub = a.subnet_id.as_deref().unwrap_or_default();
                let field = format!("Associations[{i}].SubnetId");
                self.check(s.subnets.contains_key(sub), id, &field, "subnet", sub);
            }
            // A blackhole route's target is gone by definition.
            let live = rt.routes.iter().enumerate();
            for (i, r) in live.filter(|(_, r)| r.state.as_deref() != Some("blackhole")) {
                for (field, kind, target, ok) in route_targets(s, r) {
                    self.check(ok, id, &format!("Routes[{i}].{field}"), kind, target);
                }
            }
        }
    }

    fn security_groups(&mut self) {
        let s = self.snap;
        for sg in s.security_groups.values() {
            let id = &sg.group_id;
            let owner = sg.owner_id.as_deref();
            let directions = [
                ("IpPermissions", &sg.ip_permissions),
                ("IpPermissionsEgress", &sg.ip_permissions_egress),
            ];
            for (dir, perms) in directions {
                for (i, p) in perms.iter().enumerate() {
                    for (j, pair) in p.user_id_group_pairs.iter().enumerate() {
                        let target = pair.group_id.as_deref().unwrap_or_default();
                        let foreign = pair.vpc_peering_connection_id.is_some()
                            || pair.user_id.is_some() && pair.user_id.as_deref() != owner;
                        let level = if foreign {
                            WarningLevel::Info
                        } else {
                            WarningLevel::Warning
                        };
                        let field = format!("{dir}[{i}].UserIdGroupPairs[{j}].GroupId");
                        let ok = s.security_groups.contains_key(target);
                        self.check_at(ok, level, id, &field, "security group", target);
                    }
                    for (j, pl) in p.prefix_list_ids.iter().enumerate() {
                        let field = format!("{dir}[{i}].PrefixListIds[{j}].PrefixListId");
                        let ok = s.prefix_lists.contains_key(&pl.prefix_list_id);
                        self.check(ok, id, &field, "prefix list", &pl.prefix_list_id);
                    }
                }
            }
        }
        for rule in s.security_group_rules.values() {
            let id = &rule.security_group_rule_id;
            let ok = s.security_groups.contains_key(&rule.group_id);
            self.check(ok, id, "GroupId", "security group", &rule.group_id);
            if let Some(pl) = &rule.prefix_list_id {
                self.check(
                    s.prefix_lists.contains_key(pl),
                    id,
                    "PrefixListId",
                    "prefix list",
                    pl,
                );
            }
            if let Some(target) = rule
                .referenced_group_info
                .as_ref()
                .and_then(|r| r.group_id.as_deref())
            {
                let ok = s.security_groups.contains_key(target);
                let level = if ok
                    || rule
                        .referenced_group_info
                        .as_ref()
                        .is_some_and(|r| r.vpc_peering_connection_id.is_some())
                {
                    WarningLevel::Info
                } else {
                    WarningLevel::Warning
                };
                self.check_at(
                    ok,
                    level,
                    id,
                    "ReferencedGroupInfo.GroupId",
                    "security group",
                    target,
                );
            }
        }
    }

    fn compute(&mut self) {
        let s = self.snap;
        // A synthesised ENI repeats its instance's subnet and groups, checked below.
        let listed = s
            .network_interfaces
            .values()
            .filter(|e| !e.synthesized_from_instance);
        for eni in listed {
            let id = &eni.network_interface_id;
            let sub = eni.subnet_id.as_deref().unwrap_or_default();
            self.check(s.subnets.contains_key(sub), id, "SubnetId", "subnet", sub);
            for (i, g) in eni.groups.iter().enumerate() {
                let field = format!("Groups[{i}].GroupId");
                let ok = s.security_groups.contains_key(&g.group_id);
                self.check(ok, id, &field, "security group", &g.group_id);
            }
        }
        for inst in s.instances.values() {
            let id = &inst.instance_id;
            let sub = inst.subnet_id.as_deref().unwrap_or_default();
            self.check(s.subnets.contains_key(sub), id, "SubnetId", "subnet", sub);
            for (i, g) in inst.security_groups.iter().enumerate() {
                let field = format!("SecurityGroups[{i}].GroupId");
                let ok = s.security_groups.contains_key(&g.group_id);
                self.check(ok, id, &field, "security group", &g.group_id);
            }
        }
        for (key, addr) in s.addresses.iter() {
            if let Some(inst) = &addr.instance_id {
                self.check(
                    s.instances.contains_key(inst),
                    key,
                    "InstanceId",
                    "instance",
                    inst,
                );
            }
            if let Some(eni) = &addr.network_interface_id {
                let ok = s.network_interfaces.contains_key(eni);
                self.check(ok, key, "NetworkInterfaceId", "network interface", eni);
            }
        }
    }
}

/// Every gateway-like target a route names: (field, kind, id, exists).
fn route_targets<'r>(
    s: &Snapshot,
    r: &'r Route,
) -> Vec<(&'static str, &'static str, &'r str, bool)> {
    let mut out = Vec::new();
    if let Some(gw) = r.gateway_id.as_deref() {
        let (kind, ok) = match gw.split('-').next().unwrap_or_default() {
            "igw" => ("internet gateway", s.internet_gateways.contains_key(gw)),
            "vgw" => ("VPN gateway", s.vpn_gateways.contains_key(gw)),
            "vpce" => ("VPC endpoint", s.vpc_endpoints.contains_key(gw)),
            _ => ("gateway", true),
        };
        out.push(("GatewayId", kind, gw, ok));
    }
    let mut add = |field, kind, id: &'r Option<String>, ok: &dyn Fn(&str) -> bool| {
        if let Some(id) = id.as_deref() {
            out.push((field, kind, id, ok(id)));
        }
    };
    add("NatGatewayId", "NAT gateway", &r.nat_gateway_id, &|id| {
        s.nat_gateways.contains_key(id)
    });
    add(
        "TransitGatewayId",
        "transit gateway",
        &r.transit_gateway_id,
        &|id| s.transit_gateways.contains_key(id),
    );
    add(
        "VpcPeeringConnectionId",
        "VPC peering connection",
        &r.vpc_peering_connection_id,
        &|id| s.vpc_peering_connections.contains_key(id),
    );
    add(
        "EgressOnlyInternetGatewayId",
        "egress-only internet gateway",
        &r.egress_only_internet_gateway_id,
        &|id| s.egress_only_internet_gateways.contains_key(id),
    );
    add(
        "NetworkInterfaceId",
        "network interface",
        &r.network_interface_id,
        &|id| s.network_interfaces.contains_key(id),
    );
    add("InstanceId", "instance", &r.instance_id, &|id| {
        s.instances.contains_key(id)
    });
    add(
        "DestinationPrefixListId",
        "prefix list",
        &r.destination_prefix_list_id,
        &|id| s.prefix_lists.contains_key(id),
    );
    out
}
