//! Lookup tables built once per snapshot: ENIs (with those of instances that the snapshot
//! only describes inside `describe-instances`), subnet → route table / network ACL / VPC,
//! security group members, peering, gateway attachments.
use std::borrow::Cow;
use std::collections::HashMap;
use std::net::IpAddr;

use kensa_model::ec2::Route;
use kensa_model::{Snapshot, Warning};

use crate::fasthash::{FastMap, FastSet};
use crate::rangeset::{parse_net, AddrSet};
use crate::rules::{RouteDest, Target};

/// A network interface as the engine sees it (its names borrowed from the snapshot).
#[derive(Debug, Clone, Default)]
pub struct Eni<'s> {
    /// The ENI id; `<instance-id>#eth0` for an instance the snapshot lists without one.
    pub id: Cow<'s, str>,
    /// The instance it is attached to, if any.
    pub instance_id: Option<&'s str>,
    /// Its subnet; `None` in a malformed snapshot (the ENI is then not analysed).
    pub subnet_id: Option<&'s str>,
    /// Its VPC, as the snapshot's ENI record gives it.
    pub vpc_id: Option<&'s str>,
    /// Security group ids, sorted and deduplicated.
    pub groups: Vec<&'s str>,
    /// Private IPv4 addresses.
    pub private_ips: Vec<IpAddr>,
    /// Public IPv4 addresses: auto-assigned, Elastic IPs, per secondary private address.
    pub public_ips: Vec<IpAddr>,
    /// IPv6 addresses (global ones are reachable from the Internet).
    pub ipv6: Vec<IpAddr>,
    /// EC2's `InterfaceType` (`interface`, `nat_gateway`, `network_load_balancer`, …): decides
    /// whether the ENI is analysed as a target.
    pub interface_type: Option<&'s str>,
    /// EC2's description; identifies load balancer nodes (`ELB app/<name>/<id>`).
    pub description: Option<&'s str>,
    /// Attachment device index (0 = the instance's primary ENI; 0 when unknown).
    pub device_index: i32,
}

impl Eni<'_> {
    /// Whether the ENI has a globally routable IPv6 address ([`crate::public`]): only
    /// those are reachable through an internet gateway.
    pub fn global_ipv6(&self) -> bool {
        self.ipv6
            .iter()
            .any(|ip| ip.is_ipv6() && crate::public::is_public(*ip))
    }
    /// The ENI's own addresses (private IPv4 and IPv6).
    pub fn own_addrs(&self) -> impl Iterator<Item = &IpAddr> {
        self.private_ips.iter().chain(self.ipv6.iter())
    }
}

/// Where one subnet sends and takes its traffic.
#[derive(Debug, Clone, Default)]
pub struct SubnetCtx {
    /// The subnet id.
    pub id: String,
    /// The VPC it belongs to.
    pub vpc_id: String,
    /// Its IPv4 and IPv6 CIDR blocks.
    pub cidrs: AddrSet,
    /// Its availability zone.
    pub az: Option<String>,
    /// Its explicitly associated route table, else the VPC's main one, else `None`.
    pub route_table: Option<String>,
    /// Its associated network ACL, else the VPC's default, else `None` (allow all).
    pub nacl: Option<String>,
}

/// One side of an active or inactive peering.
#[derive(Debug, Clone)]
pub struct Peering {
    /// The peering connection id (`pcx-…`).
    pub id: String,
    /// Whether its status is `active`: only then does it carry traffic.
    pub active: bool,
    /// Requester and accepter VPC ids.
    pub vpcs: [Option<String>; 2],
    /// Requester and accepter CIDRs (IPv4 and IPv6), parallel to `vpcs`.
    pub cidrs: [AddrSet; 2],
}

impl Peering {
    /// The CIDRs of the side that is not `vpc`, if `vpc` is one side.
    pub fn other_side(&self, vpc: &str) -> Option<(&Option<String>, &AddrSet)> {
        if self.vpcs[0].as_deref() == Some(vpc) {
            Some((&self.vpcs[1], &self.cidrs[1]))
        } else if self.vpcs[1].as_deref() == Some(vpc) {
            Some((&self.vpcs[0], &self.cidrs[0]))
        } else {
            None
        }
    }
}

/// Lookup tables over one snapshot, built once: ENIs, subnets, routes, peerings,
/// transit gateways and security group membership, all borrowed from the snapshot.
pub struct Index<'s> {
    /// The snapshot everything here borrows from.
    pub snap: &'s Snapshot,
    /// Every ENI, plus one synthesised per instance the snapshot lists without one.
    pub enis: Vec<Eni<'s>>,
    /// ENI id -> position in `enis`.
    pub eni_by_id: FastMap<Cow<'s, str>, usize>,
    /// Private IPv4 or IPv6 address -> ENI.
    pub eni_by_ip: FastMap<IpAddr, usize>,
    /// Public IPv4 (auto-assigned or Elastic IP) -> ENI.
    pub eni_by_public_ip: FastMap<IpAddr, usize>,
    /// An instance's primary ENI (lowest device index).
    pub primary_eni: FastMap<&'s str, usize>,
    /// Every ENI attached to an instance.
    pub instance_enis: FastMap<&'s str, Vec<usize>>,
    /// ENIs by description (load balancer nodes are described `ELB app/<name>/<id>`).
    pub eni_by_description: FastMap<&'s str, Vec<usize>>,
    /// Subnet id -> its VPC, CIDRs, route table and ACL.
    pub subnets: FastMap<&'s str, SubnetCtx>,
    /// VPC id -> its IPv4 and IPv6 CIDR blocks.
    pub vpc_cidrs: HashMap<String, AddrSet>,
    /// The Internet as a source: public address space minus every VPC CIDR of the
    /// snapshot (see [`crate::public`]).
    pub internet: AddrSet,
    /// Transit gateways: route tables with their computed routes, attachments.
    pub tgw: crate::tgw::TgwModel,
    /// VPC id -> its main route table id.
    pub main_route_table: HashMap<String, String>,
    /// Route tables with an edge association, by gateway (ingress routing).
    pub edge_route_tables: HashMap<String, Vec<String>>,
    /// Peering connection id -> both sides.
    pub peerings: HashMap<String, Peering>,
    /// Private addresses of every member of each security group (ENIs and load balancer
    /// nodes), for rules that name a group as their source.
    pub group_members: FastMap<String, AddrSet>,
    /// The distinct security group combinations of the ENIs (sorted ids), and, per ENI
    /// (parallel to `enis`), the index of its combination: ENIs that share one share
    /// its union.
    pub group_sets: Vec<Vec<&'s str>>,
    /// Per ENI (parallel to `enis`), its index in `group_sets`.
    pub eni_group_set: Vec<u32>,
    /// What indexing skipped or assumed (dangling references, malformed CIDRs).
    pub warnings: Vec<Warning>,
}

pub(crate) fn warning(path: impl Into<String>, message: impl Into<String>) -> Warning {
    Warning::new(
        kensa_model::WarningLevel::Warning,
        "snapshot",
        path,
        message,
    )
}

fn ips<'a>(texts: impl IntoIterator<Item = &'a Option<String>>) -> Vec<IpAddr> {
    texts
        .into_iter()
        .filter_map(|t| t.as_deref()?.trim().parse().ok())
        .collect()
}

fn sized<K, V>(n: usize) -> FastMap<K, V> {
    FastMap::with_capacity_and_hasher(n, Default::default())
}

fn sorted(mut v: Vec<IpAddr>) -> Vec<IpAddr> {
    v.sort();
    v.dedup();
    v
}

impl<'s> Index<'s> {
    /// Indexes `snap`; never fails: dangling references and malformed values become warnings.
    pub fn new(snap: &'s Snapshot) -> Self {
        // Most instances list their ENIs in `describe-network-interfaces` too.
        let n = snap.network_interfaces.len().max(snap.instances.len());
        let mut idx = Index {
            snap,
            enis: Vec::with_capacity(n),
            eni_by_id: sized(n),
            eni_by_ip: sized(n),
            eni_by_public_ip: FastMap::default(),
            primary_eni: sized(snap.instances.len()),
            instance_enis: sized(snap.instances.len()),
            eni_by_description: FastMap::default(),
            subnets: FastMap::default(),
            vpc_cidrs: HashMap::new(),
            internet: AddrSet::empty(),
            tgw: Default::default(),
            main_route_table: HashMap::new(),
            edge_route_tables: HashMap::new(),
            peerings: HashMap::new(),
            group_members: FastMap::default(),
            group_sets: Vec::new(),
            eni_group_set: Vec::new(),
            warnings: Vec::new(),
        };
        idx.add_enis();
        idx.intern_group_sets();
        for (i, e) in idx.enis.iter().enumerate() {
            if let Some(inst) = e.instance_id {
                let slot = idx.primary_eni.entry(inst).or_insert(i);
                let cur = &idx.enis[*slot];
                if *slot != i && (e.device_index, &e.id) < (cur.device_index, &cur.id) {
                    *slot = i;
                }
            }
            if let Some(d) = e.description {
                idx.eni_by_description.entry(d).or_default().push(i);
            }
        }
        idx.add_vpcs_and_subnets();
        let owned = idx
            .vpc_cidrs
            .values()
            .fold(AddrSet::empty(), |a, b| a.union(b));
        idx.internet = crate::public::PublicSpace::default().internet(&owned);
        let (tgw, warns) = crate::tgw::TgwModel::new(snap, &idx.vpc_cidrs);
        idx.tgw = tgw;
        idx.warnings.extend(warns);
        idx.add_peerings();
        idx.add_group_members();
        idx
    }

    fn intern_group_sets(&mut self) {
        let mut ids: FastMap<&[&'s str], u32> = FastMap::default();
        let mut sets = Vec::new();
        self.eni_group_set = (self.enis.iter())
            .map(|e| {
                *ids.entry(e.groups.as_slice()).or_insert_with(|| {
                    sets.push(e.groups.clone());
                    (sets.len() - 1) as u32
                })
            })
            .collect();
        self.group_sets = sets;
    }

    fn push_eni(&mut self, mut eni: Eni<'s>) {
        eni.groups.sort();
        eni.groups.dedup();
        eni.private_ips = sorted(std::mem::take(&mut eni.private_ips));
        eni.public_ips = sorted(std::mem::take(&mut eni.public_ips));
        eni.ipv6 = sorted(std::mem::take(&mut eni.ipv6));
        let i = self.enis.len();
        for ip in eni.own_addrs() {
            self.eni_by_ip.entry(*ip).or_insert(i);
        }
        for ip in &eni.public_ips {
            self.eni_by_public_ip.entry(*ip).or_insert(i);
        }
        self.eni_by_id.insert(eni.id.clone(), i);
        if let Some(inst) = eni.instance_id {
            self.instance_enis.entry(inst).or_default().push(i);
        }
        self.enis.push(eni);
    }

    fn add_enis(&mut self) {
        let snap = self.snap;
        for ni in snap.network_interfaces.values() {
            let mut private = ips([&ni.private_ip_address]);
            private.extend(ips(ni
                .private_ip_addresses
                .iter()
                .map(|p| &p.private_ip_address)));
            let mut public = ips(ni.association.iter().map(|a| &a.public_ip));
            public.extend(ips(ni
                .private_ip_addresses
                .iter()
                .filter_map(|p| p.association.as_ref())
                .map(|a| &a.public_ip)));
            let att = ni.attachment.as_ref();
            self.push_eni(Eni {
                id: Cow::Borrowed(&ni.network_interface_id),
                instance_id: att.and_then(|a| a.instance_id.as_deref()),
                subnet_id: ni.subnet_id.as_deref(),
                vpc_id: ni.vpc_id.as_deref(),
                groups: ni.groups.iter().map(|g| g.group_id.as_str()).collect(),
                private_ips: private,
                public_ips: public,
                ipv6: ips(ni.ipv6_addresses.iter().map(|a| &a.ipv6_address)),
                interface_type: ni.interface_type.as_deref(),
                description: ni.description.as_deref(),
                device_index: att.and_then(|a| a.device_index).unwrap_or(0),
            });
        }
        for inst in snap.instances.values() {
            if matches!(inst.state_name(), Some("terminated" | "shutting-down")) {
                continue;
            }
            self.add_instance_enis(inst);
        }
        for (key, addr) in &snap.addresses {
            self.add_elastic_ip(key, addr);
        }
    }

    /// ENIs that `describe-instances` lists but `describe-network-interfaces` did not, and
    /// a primary ENI for an instance that lists none (old or hand-written snapshots).
    fn add_instance_enis(&mut self, inst: &'s kensa_model::instance::Instance) {
        let inst_groups = || -> Vec<&'s str> {
            inst.security_groups
                .iter()
                .map(|g| g.group_id.as_str())
                .collect()
        };
        let mut primary_public = ips([&inst.public_ip_address]);
        for ni in &inst.network_interfaces {
            if let Some(&i) = self.eni_by_id.get(ni.network_interface_id.as_str()) {
                let eni = &mut self.enis[i];
                if eni.instance_id.is_none() {
                    eni.instance_id = Some(&inst.instance_id);
                    self.instance_enis
                        .entry(&inst.instance_id)
                        .or_default()
                        .push(i);
                }
                continue;
            }
            let mut private = ips([&ni.private_ip_address]);
            private.extend(ips(ni
                .private_ip_addresses
                .iter()
                .map(|p| &p.private_ip_address)));
            let mut public = ips(ni.association.iter().map(|a| &a.public_ip));
            public.extend(ips(ni
                .private_ip_addresses
                .iter()
                .filter_map(|p| p.association.as_ref())
                .map(|a| &a.public_ip)));
            let device_index = ni
                .attachment
                .as_ref()
                .and_then(|a| a.device_index)
                .unwrap_or(0);
            if device_index == 0 && public.is_empty() {
                public = std::mem::take(&mut primary_public);
            }
            let groups = if ni.groups.is_empty() {
                inst_groups()
            } else {
                ni.groups.iter().map(|g| g.group_id.as_str()).collect()
            };
            self.push_eni(Eni {
                id: Cow::Borrowed(&ni.network_interface_id),
                instance_id: Some(&inst.instance_id),
                subnet_id: ni.subnet_id.as_deref().or(inst.subnet_id.as_deref()),
                vpc_id: ni.vpc_id.as_deref().or(inst.vpc_id.as_deref()),
                groups,
                private_ips: private,
                public_ips: public,
                ipv6: ips(ni.ipv6_addresses.iter().map(|a| &a.ipv6_address)),
                interface_type: ni.interface_type.as_deref(),
                description: None,
                device_index,
            });
        }
        let has_eni = self.instance_enis.contains_key(inst.instance_id.as_str());
        if !has_eni && inst.subnet_id.is_some() {
            self.push_eni(Eni {
                id: Cow::Owned(format!("{}#eth0", inst.instance_id)),
                instance_id: Some(&inst.instance_id),
                subnet_id: inst.subnet_id.as_deref(),
                vpc_id: inst.vpc_id.as_deref(),
                groups: inst_groups(),
                private_ips: ips([&inst.private_ip_address]),
                public_ips: primary_public,
                ..Default::default()
            });
        } else if !primary_public.is_empty() {
            // The instance's public address belongs to its primary ENI.
            let attached = self.instance_enis.get(inst.instance_id.as_str());
            let primary =
                attached.into_iter().flatten().copied().find(|&i| {
                    self.enis[i].device_index == 0 && self.enis[i].public_ips.is_empty()
                });
            if let Some(i) = primary {
                self.enis[i].public_ips = primary_public.clone();
                for ip in primary_public {
                    self.eni_by_public_ip.entry(ip).or_insert(i);
                }
            }
        }
    }

    fn add_elastic_ip(&mut self, key: &str, addr: &kensa_model::instance::Address) {
        let Some(public) = ips([&addr.public_ip]).pop() else {
            return;
        };
        let target = addr
            .network_interface_id
            .as_ref()
            .and_then(|id| self.eni_by_id.get(id.as_str()).copied())
            .or_else(|| {
                let inst = addr.instance_id.as_deref()?;
                self.instance_enis
                    .get(inst)?
                    .iter()
                    .copied()
                    .find(|&i| self.enis[i].device_index == 0)
            });
        match target {
            Some(i) => {
                let e = &mut self.enis[i];
                if !e.public_ips.contains(&public) {
                    e.public_ips.push(public);
                    e.public_ips.sort();
                }
                self.eni_by_public_ip.entry(public).or_insert(i);
            }
            None if addr.association_id.is_some() => self.warnings.push(warning(
                format!("Addresses.{key}"),
                "Elastic IP is associated with an ENI or instance that is not in the snapshot",
            )),
            None => {}
        }
    }

    fn add_vpcs_and_subnets(&mut self) {
        let snap = self.snap;
        for vpc in snap.vpcs.values() {
            let texts = vpc
                .cidr_block
                .iter()
                .chain(
                    vpc.cidr_block_association_set
                        .iter()
                        .filter_map(|c| c.cidr_block.as_ref()),
                )
                .chain(
                    vpc.ipv6_cidr_block_association_set
                        .iter()
                        .filter_map(|c| c.ipv6_cidr_block.as_ref()),
                );
            let set = union_of_cidrs(texts, |t| {
                self.warnings.push(warning(
                    format!("Vpcs.{}", vpc.vpc_id),
                    format!("bad CIDR `{t}`"),
                ))
            });
            self.vpc_cidrs.insert(vpc.vpc_id.clone(), set);
        }
        let mut rt_of_subnet = HashMap::new();
        for rt in snap.route_tables.values() {
            for a in &rt.associations {
                if a.main {
                    self.main_route_table
                        .insert(rt.vpc_id.clone(), rt.route_table_id.clone());
                } else if let Some(s) = &a.subnet_id {
                    rt_of_subnet.insert(s.clone(), rt.route_table_id.clone());
                } else if let Some(g) = &a.gateway_id {
                    let tables = self.edge_route_tables.entry(g.clone()).or_default();
                    tables.push(rt.route_table_id.clone());
                    tables.sort();
                }
            }
        }
        let mut acl_of_subnet = HashMap::new();
        let mut default_acl = HashMap::new();
        for acl in snap.network_acls.values() {
            if acl.is_default {
                default_acl.insert(acl.vpc_id.clone(), acl.network_acl_id.clone());
            }
            for a in &acl.associations {
                if let Some(s) = &a.subnet_id {
                    acl_of_subnet.insert(s.clone(), acl.network_acl_id.clone());
                }
            }
        }
        let mut ids: Vec<(&'s str, &'s str, Option<String>)> = snap
            .subnets
            .values()
            .map(|s| {
                let mut c = s.cidr_block.clone().into_iter().collect::<Vec<_>>();
                c.extend(
                    s.ipv6_cidr_block_association_set
                        .iter()
                        .filter_map(|a| a.ipv6_cidr_block.clone()),
                );
                (s.subnet_id.as_str(), s.vpc_id.as_str(), Some(c.join(",")))
            })
            .collect();
        let known: FastSet<&str> = snap.subnets.keys().map(String::as_str).collect();
        for e in &self.enis {
            if let Some(s) = e.subnet_id {
                if !known.contains(s) {
                    self.warnings.push(warning(
                        format!("NetworkInterfaces.{}", e.id),
                        format!("subnet `{s}` is not in the snapshot"),
                    ));
                    ids.push((s, e.vpc_id.unwrap_or_default(), None));
                }
            }
        }
        for (id, vpc, cidrs) in ids {
            if self.subnets.contains_key(id) {
                continue;
            }
            let set = cidrs
                .unwrap_or_default()
                .split(',')
                .filter_map(AddrSet::parse)
                .fold(AddrSet::empty(), |a, b| a.union(&b));
            let ctx = SubnetCtx {
                route_table: rt_of_subnet
                    .get(id)
                    .or_else(|| self.main_route_table.get(vpc))
                    .cloned(),
                nacl: acl_of_subnet
                    .get(id)
                    .or_else(|| default_acl.get(vpc))
                    .cloned(),
                id: id.to_string(),
                vpc_id: vpc.to_string(),
                az: snap
                    .subnets
                    .get(id)
                    .and_then(|s| s.availability_zone.clone()),
                cidrs: set,
            };
            self.subnets.insert(id, ctx);
        }
    }

    fn add_peerings(&mut self) {
        for p in self.snap.vpc_peering_connections.values() {
            let side = |info: &Option<kensa_model::transit::PeeringVpcInfo>| {
                let Some(info) = info else {
                    return (None, AddrSet::empty());
                };
                let texts = info
                    .cidr_block
                    .iter()
                    .chain(
                        info.cidr_block_set
                            .iter()
                            .filter_map(|c| c.cidr_block.as_ref()),
                    )
                    .chain(
                        info.ipv6_cidr_block_set
                            .iter()
                            .filter_map(|c| c.ipv6_cidr_block.as_ref()),
                    );
                // A peering's copy of the CIDRs is not validated; the VPC's own record is, when
                // the snapshot holds it.
                let mut set = union_of_cidrs(texts, |_| {});
                if set.is_empty() {
                    if let Some(c) = info.vpc_id.as_ref().and_then(|v| self.vpc_cidrs.get(v)) {
                        set = c.clone();
                    }
                }
                (info.vpc_id.clone(), set)
            };
            let (va, ca) = side(&p.requester_vpc_info);
            let (vb, cb) = side(&p.accepter_vpc_info);
            self.peerings.insert(
                p.vpc_peering_connection_id.clone(),
                Peering {
                    id: p.vpc_peering_connection_id.clone(),
                    active: p.is_active(),
                    vpcs: [va, vb],
                    cidrs: [ca, cb],
                },
            );
        }
    }

    /// Whether two VPCs are joined by an active peering connection.
    pub fn actively_peered(&self, a: &str, b: &str) -> bool {
        self.peerings.values().any(|p| {
            p.active
                && ((p.vpcs[0].as_deref() == Some(a) && p.vpcs[1].as_deref() == Some(b))
                    || (p.vpcs[0].as_deref() == Some(b) && p.vpcs[1].as_deref() == Some(a)))
        })
    }

    fn add_group_members(&mut self) {
        let mut members: FastMap<&str, Vec<IpAddr>> = FastMap::default();
        for e in &self.enis {
            for g in &e.groups {
                members.entry(g).or_default().extend(e.own_addrs().copied());
            }
        }
        // Load balancer nodes are members of the load balancer's groups. Their ENIs are
        // usually in the snapshot (and counted above); when they are not, the nodes'
        // subnets stand in for their addresses.
        let mut extra: HashMap<String, AddrSet> = HashMap::new();
        for lb in crate::lb::LbNode::all(self) {
            if lb.enis_known {
                continue;
            }
            for g in &lb.security_groups {
                let set = extra.entry(g.clone()).or_default();
                *set = set.union(&lb.addrs);
            }
        }
        for (g, v) in members {
            let set = AddrSet::from_hosts(&v);
            let more = extra.remove(g).unwrap_or_default();
            self.group_members.insert(g.to_string(), set.union(&more));
        }
        self.group_members.extend(extra);
    }

    /// The subnet's route table's routes as destinations with targets.
    pub fn route_dests(&self, routes: &[Route], rt_id: &str) -> (Vec<RouteDest>, Vec<Warning>) {
        let mut out = Vec::new();
        let mut warns = Vec::new();
        for (i, r) in routes.iter().enumerate() {
            let target = Target::of(r);
            let path = || format!("RouteTables.{rt_id}.Routes[{i}]");
            if let Some(t) = r
                .destination_cidr_block
                .as_ref()
                .or(r.destination_ipv6_cidr_block.as_ref())
            {
                match parse_net(t) {
                    Some(n) => out.push(RouteDest {
                        addrs: AddrSet::from_net(&n),
                        prefix_len: n.prefix_len(),
                        from_prefix_list: false,
                        target,
                    }),
                    None => warns.push(warning(path(), format!("bad destination `{t}`"))),
                }
            } else if let Some(pl) = &r.destination_prefix_list_id {
                match self.snap.prefix_lists.get(pl) {
                    Some(list) => {
                        for c in list.all_cidrs() {
                            if let Some(n) = parse_net(c) {
                                out.push(RouteDest {
                                    addrs: AddrSet::from_net(&n),
                                    prefix_len: n.prefix_len(),
                                    from_prefix_list: true,
                                    target: target.clone(),
                                });
                            }
                        }
                    }
                    None => warns.push(warning(
                        path(),
                        format!("route to prefix list `{pl}`, which is not in the snapshot"),
                    )),
                }
            } else {
                warns.push(warning(path(), "route has no destination"));
            }
        }
        (out, warns)
    }
}

/// The union of CIDR texts; `bad` hears each text that does not parse.
fn union_of_cidrs<'t>(
    texts: impl Iterator<Item = &'t String>,
    mut bad: impl FnMut(&str),
) -> AddrSet {
    let mut set = AddrSet::empty();
    for t in texts {
        match AddrSet::parse(t) {
            Some(a) => set = set.union(&a),
            None => bad(t),
        }
    }
    set
}
