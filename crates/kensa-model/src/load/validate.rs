//! References to resources that are not in the snapshot. They are warnings, not errors:
//! a partial snapshot is still worth analysing, and the analysers treat a dangling
//! reference as absent (an unknown gateway carries no traffic, an unknown group admits no
//! one).
use super::Builder;
use std::collections::{BTreeMap, HashSet};

use crate::ec2::Route;
use crate::snapshot::{Snapshot, Warning, WarningLevel};

/// Collects dangling-reference warnings against one snapshot.
pub(super) struct Checker<'a> {
    pub(super) snap: &'a Snapshot,
    /// Hash sets of the ids of the large tables: a million lookups into `BTreeMap`s of
    /// similar-looking string keys cost seconds at 100,000 instances.
    pub(super) ix: Ix<'a>,
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
        self.report(exists, WarningLevel::Warning, owner, &field, kind, target);
    }

    /// [`Checker::check`] with a field path that is only formatted when needed.
    pub(super) fn check_fmt(
        &mut self,
        exists: bool,
        owner: &str,
        field: std::fmt::Arguments<'_>,
        kind: &str,
        target: &str,
    ) {
        self.report(exists, WarningLevel::Warning, owner, &field, kind, target);
    }

    fn check_at_fmt(
        &mut self,
        exists: bool,
        level: WarningLevel,
        owner: &str,
        field: std::fmt::Arguments<'_>,
        kind: &str,
        target: &str,
    ) {
        self.report(exists, level, owner, &field, kind, target);
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
        self.report(exists, level, owner, &field, kind, target);
    }

    fn report(
        &mut self,
        exists: bool,
        level: WarningLevel,
        owner: &str,
        field: &dyn std::fmt::Display,
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

pub(super) struct Ix<'a> {
    pub vpcs: IdSet<'a>,
    pub subnets: IdSet<'a>,
    pub security_groups: IdSet<'a>,
    pub prefix_lists: IdSet<'a>,
    pub instances: IdSet<'a>,
    pub network_interfaces: IdSet<'a>,
    pub load_balancers: IdSet<'a>,
    pub target_groups: IdSet<'a>,
}

pub(super) struct IdSet<'a>(HashSet<&'a str, super::staging::IdHash>);

impl IdSet<'_> {
    pub fn contains(&self, id: &str) -> bool {
        self.0.contains(id)
    }
}

fn ids<V>(table: &BTreeMap<String, V>) -> IdSet<'_> {
    IdSet(table.keys().map(String::as_str).collect())
}

impl<'a> Ix<'a> {
    fn new(s: &'a Snapshot) -> Self {
        Ix {
            vpcs: ids(&s.vpcs),
            subnets: ids(&s.subnets),
            security_groups: ids(&s.security_groups),
            prefix_lists: ids(&s.prefix_lists),
            instances: ids(&s.instances),
            network_interfaces: ids(&s.network_interfaces),
            load_balancers: ids(&s.load_balancers),
            target_groups: ids(&s.target_groups),
        }
    }
}

impl Builder {
    pub(super) fn validate(&mut self) {
        let mut c = Checker {
            snap: &self.snapshot,
            ix: Ix::new(&self.snapshot),
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
    /// A VPC-scoped table (route table, network ACL): its VPC, and each subnet it is
    /// associated with (`Associations[i].SubnetId`).
    fn vpc_table<'s>(
        &mut self,
        id: &str,
        vpc_id: &str,
        subnets: impl Iterator<Item = Option<&'s str>>,
    ) {
        self.check(self.ix.vpcs.contains(vpc_id), id, "VpcId", "VPC", vpc_id);
        for (i, sub) in subnets.enumerate() {
            let sub = sub.unwrap_or_default();
            self.check_fmt(
                self.ix.subnets.contains(sub),
                id,
                format_args!("Associations[{i}].SubnetId"),
                "subnet",
                sub,
            );
        }
    }

    fn vpc_members(&mut self) {
        let s = self.snap;
        for sub in s.subnets.values() {
            let ok = self.ix.vpcs.contains(&sub.vpc_id);
            self.check(ok, &sub.subnet_id, "VpcId", "VPC", &sub.vpc_id);
        }
        for acl in s.network_acls.values() {
            let subnets = acl.associations.iter().map(|a| a.subnet_id.as_deref());
            self.vpc_table(&acl.network_acl_id, &acl.vpc_id, subnets);
        }
        for igw in s.internet_gateways.values() {
            for (i, a) in igw.attachments.iter().enumerate() {
                let vpc = a.vpc_id.as_deref().unwrap_or_default();
                let ok = self.ix.vpcs.contains(vpc);
                self.check_fmt(
                    ok,
                    &igw.internet_gateway_id,
                    format_args!("Attachments[{i}].VpcId"),
                    "VPC",
                    vpc,
                );
            }
        }
        for nat in s.nat_gateways.values() {
            let sub = nat.subnet_id.as_deref().unwrap_or_default();
            let ok = self.ix.subnets.contains(sub);
            self.check(ok, &nat.nat_gateway_id, "SubnetId", "subnet", sub);
        }
    }

    fn routes(&mut self) {
        let s = self.snap;
        for rt in s.route_tables.values() {
            let id = &rt.route_table_id;
            let subnets = rt.associations.iter().map(|a| a.subnet_id.as_deref());
            self.vpc_table(id, &rt.vpc_id, subnets);
            // A blackhole route's target is gone by definition.
            let live = rt.routes.iter().enumerate();
            for (i, r) in live.filter(|(_, r)| r.state.as_deref() != Some("blackhole")) {
                for (field, kind, target, ok) in route_targets(s, r) {
                    self.check_fmt(ok, id, format_args!("Routes[{i}].{field}"), kind, target);
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
                        let ok = self.ix.security_groups.contains(target);
                        self.check_at_fmt(
                            ok,
                            level,
                            id,
                            format_args!("{dir}[{i}].UserIdGroupPairs[{j}].GroupId"),
                            "security group",
                            target,
                        );
                    }
                    for (j, pl) in p.prefix_list_ids.iter().enumerate() {
                        let ok = self.ix.prefix_lists.contains(&pl.prefix_list_id);
                        self.check_fmt(
                            ok,
                            id,
                            format_args!("{dir}[{i}].PrefixListIds[{j}].PrefixListId"),
                            "prefix list",
                            &pl.prefix_list_id,
                        );
                    }
                }
            }
        }
        for rule in s.security_group_rules.values() {
            let id = &rule.security_group_rule_id;
            let ok = self.ix.security_groups.contains(&rule.group_id);
            self.check(ok, id, "GroupId", "security group", &rule.group_id);
            if let Some(pl) = &rule.prefix_list_id {
                self.check(
                    self.ix.prefix_lists.contains(pl),
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
                let ok = self.ix.security_groups.contains(target);
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
            self.check(self.ix.subnets.contains(sub), id, "SubnetId", "subnet", sub);
            for (i, g) in eni.groups.iter().enumerate() {
                let ok = self.ix.security_groups.contains(&g.group_id);
                self.check_fmt(
                    ok,
                    id,
                    format_args!("Groups[{i}].GroupId"),
                    "security group",
                    &g.group_id,
                );
            }
        }
        for inst in s.instances.values() {
            let id = &inst.instance_id;
            let sub = inst.subnet_id.as_deref().unwrap_or_default();
            self.check(self.ix.subnets.contains(sub), id, "SubnetId", "subnet", sub);
            for (i, g) in inst.security_groups.iter().enumerate() {
                let ok = self.ix.security_groups.contains(&g.group_id);
                self.check_fmt(
                    ok,
                    id,
                    format_args!("SecurityGroups[{i}].GroupId"),
                    "security group",
                    &g.group_id,
                );
            }
        }
        for (key, addr) in s.addresses.iter() {
            if let Some(inst) = &addr.instance_id {
                self.check(
                    self.ix.instances.contains(inst),
                    key,
                    "InstanceId",
                    "instance",
                    inst,
                );
            }
            if let Some(eni) = &addr.network_interface_id {
                let ok = self.ix.network_interfaces.contains(eni);
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
