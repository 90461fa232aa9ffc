//! The reachability engine: for every ENI of every instance and every internet-facing
//! load balancer, the exact (protocol, port, source address) sets that reach it from each
//! source class.
//!
//! Semantics (DESIGN.md, "Reachability semantics"), and the choices made where AWS leaves
//! room:
//! * **Security groups** are the union of every rule of every group of the ENI, IPv4 and
//!   IPv6; stateful, so replies need no egress rule.
//! * **Network ACLs** are evaluated in rule-number order, first match wins, no match
//!   denies. The request must pass the subnet's inbound ACL and the reply its outbound
//!   ACL towards the client's ephemeral ports (1024–65535 for TCP/UDP, any type/code for
//!   ICMP). A reply counts as admitted when at least one ephemeral port is allowed: the
//!   client chooses the port, so some clients get through (an over- rather than
//!   under-report). A subnet with no ACL association and no default ACL allows all.
//! * **Routing** uses the subnet's explicit route table, else the VPC's main table, with
//!   longest-prefix match on the *source* address (the return route), IPv4 and IPv6
//!   apart. Blackhole routes, NAT gateways and egress-only IGWs never carry inbound
//!   traffic. The destination side only is checked: what the source network does with
//!   its own egress is not in the snapshot (except for peered VPCs in the path query).
//! * **Source classes.** `Internet`: addresses routed back to an internet gateway attached
//!   to the VPC, IPv4 only when the ENI has a public IPv4/EIP, IPv6 only when it has a
//!   global IPv6 address. The Internet is globally routable address space minus the
//!   account's own VPC CIDRs ([`crate::public`]: no RFC 1918, shared, loopback,
//!   link-local, multicast or reserved source ever arrives through an internet gateway),
//!   narrowed by routes. `PeeredVPC`: addresses routed to an *active* peering, narrowed to the
//!   peer VPC's CIDRs. `VGW`: addresses routed to a VPN gateway (static or propagated
//!   routes alike), narrowed to what its VPN connections and Direct Connect gateways can
//!   carry back (`onprem.rs`: a static-only VPN its static routes; BGP and Direct Connect
//!   what the customer announces, which the snapshot does not hold: everything).
//!   `TGW`: addresses routed to a transit gateway, narrowed, when the
//!   snapshot has that TGW's route tables, to the CIDRs of attachments whose associated
//!   TGW route table routes to this VPC's attachment.
//! * A gateway id that is not in the snapshot (a partial snapshot) is assumed present and
//!   attached, with a warning: a security tool should over-report rather than hide. A
//!   subnet whose VPC has no route table in the snapshot at all is assumed to have a
//!   default route to an internet gateway (reported as `igw-unknown`), with a warning.
//! * Instances that are `terminated` or `shutting-down` are not analysed. ENIs of NAT
//!   gateways, load balancers, GWLB endpoints and transit gateways are not analysed as
//!   targets (load balancers are analysed as such); interface VPC endpoints are, with
//!   their own security groups (they have no public address, so never from the Internet).
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use kensa_model::block_code::BlockCode;
use kensa_model::ec2::SecurityGroupRule;
use kensa_model::{IdKind, Snapshot, Warning};
use serde::{Deserialize, Serialize};

use crate::fasthash::{FastMap, FastSet};
use crate::flow::{
    all_sources, cube, everything, reply_admitted, restrict_addrs, FlowSet, Lattice,
};
use crate::index::{warning, Index};
use crate::lb::{LbKind, LbNode};
use crate::rangeset::AddrSet;
use crate::rules::{lpm_partition, nacl_allowed, Target};
use crate::sg::{compile, compile_rules};

pub(crate) use crate::appliance::{gateway_endpoint, ingress_appliance, unevaluated_route};
pub use crate::appliance::{IndeterminateExposure, Unevaluated};
pub use crate::sg::{SgCompiled, SgRuleInfo};

/// The gateway id used when a subnet has no route table in the snapshot at all.
pub const UNKNOWN_IGW: &str = "igw-unknown";

/// Where traffic comes from, in Inspector's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum SourceClass {
    /// Sources routed back to an internet gateway attached to the VPC: public address space
    /// outside the account's VPCs.
    Internet,
    /// Sources in the CIDRs of a VPC behind an active peering connection.
    PeeredVPC,
    /// Sources on premises behind a VPN gateway (VPN connections, Direct Connect).
    VGW,
    /// Sources in VPCs or networks attached to a transit gateway.
    TGW,
}

impl SourceClass {
    /// Every class, in their sort order.
    pub const ALL: [SourceClass; 4] = [
        SourceClass::Internet,
        SourceClass::PeeredVPC,
        SourceClass::VGW,
        SourceClass::TGW,
    ];
    /// Inspector's name of the class (`Internet`, `PeeredVPC`, `VGW`, `TGW`).
    pub fn as_str(self) -> &'static str {
        match self {
            SourceClass::Internet => "Internet",
            SourceClass::PeeredVPC => "PeeredVPC",
            SourceClass::VGW => "VGW",
            SourceClass::TGW => "TGW",
        }
    }
    /// Inspector's attribute naming the gateway of this class.
    pub fn gateway_attribute(self) -> &'static str {
        match self {
            SourceClass::Internet => "IGW",
            SourceClass::PeeredVPC => "PCX",
            SourceClass::VGW => "VGW",
            SourceClass::TGW => "TGW",
        }
    }
}

/// A network ACL's inbound and outbound sets, and what it admits as a whole.
#[derive(Debug, Clone)]
pub struct NaclSets {
    /// Flows (protocol, port, source) the inbound rules allow into the subnet.
    pub inbound: FlowSet,
    /// Flows (protocol, port, destination) the outbound rules allow out of the subnet.
    pub outbound: FlowSet,
    /// Requests the inbound side allows whose replies the outbound side lets out.
    pub admit_in: FlowSet,
    /// `admit_in` is everything.
    pub allows_all: bool,
}

/// Per subnet: its ACL and, per source class, the gateways and the source addresses
/// whose return route leads to them.
#[derive(Debug, Clone)]
pub struct SubnetReach {
    /// The subnet's network ACL (allow-all when none is known).
    pub nacl: Rc<NaclSets>,
    /// Per class, each gateway id with the source addresses whose return route uses it.
    pub gateways: BTreeMap<SourceClass, Vec<(String, AddrSet)>>,
    /// Per class, the union of those addresses: every source the class can reach the subnet from.
    pub space: BTreeMap<SourceClass, AddrSet>,
    /// Sources whose return route leads to a component kensa does not evaluate.
    pub unevaluated: Vec<Unevaluated>,
}

/// What reaches one ENI from one source class.
#[derive(Debug, Clone)]
pub struct Exposure {
    /// Which class of sources this is.
    pub class: SourceClass,
    /// Flows from those sources that pass the ENI's subnet ACL (both ways) and security groups.
    pub flows: Rc<FlowSet>,
    /// The gateways (igw-, pcx-, vgw-, tgw-) the sources come through, with their share.
    pub gateways: Vec<(String, AddrSet)>,
}

/// What reaches one analysed ENI, per source class, and the components it depends on.
#[derive(Debug, Clone)]
pub struct EniReach {
    /// Position of the ENI in [`Index::enis`].
    pub eni_index: usize,
    /// The ENI id (`<instance-id>#eth0` when the snapshot lists the instance without one).
    pub eni: String,
    /// The instance it is attached to; `None` for an interface endpoint or a detached ENI.
    pub instance_id: Option<String>,
    /// The subnet of the ENI.
    pub subnet_id: String,
    /// The VPC of the ENI.
    pub vpc_id: String,
    /// Its security group ids, sorted.
    pub groups: Vec<String>,
    /// The subnet's network ACL, `None` when the snapshot associates none (then: allow all).
    pub acl: Option<String>,
    /// The route table that decides the return routes (explicit, else the VPC's main table).
    pub route_table: Option<String>,
    /// One entry per source class that reaches the ENI at all (shared by ENIs with the
    /// same groups, subnet and kinds of public address).
    pub exposures: Rc<Vec<Exposure>>,
    /// Exposure kensa can neither confirm nor rule out.
    pub indeterminate: Rc<Vec<IndeterminateExposure>>,
}

/// A target behind a listener, reachable through the load balancer or not.
#[derive(Debug, Clone)]
pub struct TargetReach {
    /// Instance id or IP address, as the target group registers it.
    pub target_id: String,
    /// The target group ARN; `None` for a Classic Load Balancer's instances.
    pub target_group: Option<String>,
    /// The target's ENI in [`Index::enis`], when the snapshot has it (else the second hop
    /// cannot be evaluated).
    pub eni_index: Option<usize>,
    /// The port the load balancer sends to on the target.
    pub port: u16,
    /// IP protocol numbers of the forwarded traffic (TCP 6, UDP 17).
    pub protocols: Vec<u8>,
    /// Internet sources that reach the target through the load balancer.
    pub sources: AddrSet,
    /// Why the second hop fails, when it does.
    pub blocked: Option<BlockCode>,
}

/// One listener of an internet-facing load balancer and what reaches it.
#[derive(Debug, Clone)]
pub struct ListenerReach {
    /// The listener ARN (for a Classic Load Balancer: `<name>:<port>`).
    pub listener_id: String,
    /// Its protocol as AWS names it (`HTTP`, `HTTPS`, `TCP`, `UDP`, `TLS`, `TCP_UDP`).
    pub protocol: String,
    /// The port it listens on.
    pub port: u16,
    /// Internet flows that reach the listener.
    pub flows: FlowSet,
    /// The targets it forwards to, reachable or not.
    pub targets: Vec<TargetReach>,
}

/// The analysis of one load balancer: empty unless it is internet-facing (and not a
/// Gateway Load Balancer, which is never a destination).
#[derive(Debug, Clone)]
pub struct LbReach {
    /// The load balancer as the engine modelled it.
    pub lb: LbNode,
    /// Internet gateways the load balancer's subnets route Internet sources back through.
    pub igws: Vec<String>,
    /// Its listeners, with the flows that reach them and their targets.
    pub listeners: Vec<ListenerReach>,
}

/// ENIs with the same groups (index into [`Index::group_sets`]), subnet and
/// public-address kinds share their result.
type EniKey<'s> = (u32, &'s str, u8);

/// The cached result for one [`EniKey`].
type EniResult = (Rc<Vec<Exposure>>, Rc<Vec<IndeterminateExposure>>);

/// The engine: the index and caches, shared by the scan, the path query and findings.
pub struct Engine<'s> {
    /// The snapshot's index (ENIs, subnets, routes, peerings, transit gateways).
    pub idx: Index<'s>,
    rules_by_group: FastMap<&'s str, Vec<&'s SecurityGroupRule>>,
    groups: RefCell<FastMap<String, Rc<SgCompiled>>>,
    /// The rules one by one of the groups a finding or a path query asked about.
    group_rules: RefCell<FastMap<String, Rc<Vec<SgRuleInfo>>>>,
    nacls: RefCell<FastMap<String, Rc<NaclSets>>>,
    subnets: RefCell<FastMap<String, Rc<SubnetReach>>>,
    eni_results: RefCell<FastMap<EniKey<'s>, EniResult>>,
    /// Per group combination ([`Index::group_sets`]): whether a group is missing from
    /// the snapshot.
    set_has_missing_group: Vec<bool>,
    /// The shared empty result of [`Engine::indeterminate`].
    no_indeterminate: Rc<Vec<IndeterminateExposure>>,
    warnings: RefCell<Vec<Warning>>,
}

/// The result of analysing a whole snapshot.
pub struct Analysis<'s> {
    /// The engine, kept for findings and path queries that need its caches.
    pub engine: Engine<'s>,
    /// Every analysed ENI, in [`Index::enis`] order.
    pub enis: Vec<EniReach>,
    /// Every load balancer, in snapshot order.
    pub load_balancers: Vec<LbReach>,
}

impl<'s> Analysis<'s> {
    /// Warnings from loading and from analysis, sorted and deduplicated.
    pub fn warnings(&self) -> Vec<Warning> {
        let mut w = self.engine.idx.warnings.clone();
        w.extend(self.engine.warnings.borrow().iter().cloned());
        w.sort();
        w.dedup();
        w
    }
}

/// Analyses every ENI and load balancer of the snapshot.
pub fn analyze(snap: &Snapshot) -> Analysis<'_> {
    let engine = Engine::new(snap);
    let mut enis = Vec::new();
    for i in 0..engine.idx.enis.len() {
        if let Some(r) = engine.analyze_eni(i) {
            enis.push(r);
        }
    }
    // ENI ids are unique: an unstable sort gives the one order.
    enis.sort_unstable_by(|a, b| (&a.instance_id, &a.eni).cmp(&(&b.instance_id, &b.eni)));
    let mut lbs: Vec<LbReach> = LbNode::all(&engine.idx)
        .into_iter()
        .map(|lb| engine.analyze_lb(lb))
        .collect();
    lbs.sort_by(|a, b| a.lb.id.cmp(&b.lb.id));
    Analysis {
        engine,
        enis,
        load_balancers: lbs,
    }
}

/// ENI types that are not targets of reachability findings.
fn skipped_interface(e: &crate::index::Eni) -> bool {
    matches!(
        e.interface_type,
        Some(
            "nat_gateway"
                | "network_load_balancer"
                | "gateway_load_balancer"
                | "gateway_load_balancer_endpoint"
                | "transit_gateway"
        )
    ) || e.description.is_some_and(|d| d.starts_with("ELB "))
}

impl<'s> Engine<'s> {
    /// Indexes the snapshot; security groups, ACLs and subnets are compiled lazily and cached.
    /// Never fails: what cannot be indexed becomes a warning.
    pub fn new(snap: &'s Snapshot) -> Self {
        let mut rules_by_group: FastMap<&str, Vec<&SecurityGroupRule>> = FastMap::default();
        for r in snap.security_group_rules.values() {
            rules_by_group
                .entry(r.group_id.as_str())
                .or_default()
                .push(r);
        }
        let idx = Index::new(snap);
        // One hash lookup per group: the snapshot's ordered map costs a string compare
        // per tree level, for every group of every combination.
        let known: FastSet<&str> = snap.security_groups.keys().map(String::as_str).collect();
        let set_has_missing_group = (idx.group_sets.iter())
            .map(|set| set.iter().any(|g| !known.contains(g)))
            .collect();
        Engine {
            set_has_missing_group,
            no_indeterminate: Rc::new(Vec::new()),
            eni_results: RefCell::new(FastMap::with_capacity_and_hasher(
                idx.enis.len(),
                Default::default(),
            )),
            idx,
            rules_by_group,
            groups: RefCell::default(),
            group_rules: RefCell::default(),
            nacls: RefCell::default(),
            subnets: RefCell::default(),
            warnings: RefCell::default(),
        }
    }

    fn warn(&self, w: Warning) {
        self.warnings.borrow_mut().push(w);
    }

    /// A compiled security group (empty, with a warning, when it is not in the snapshot).
    pub fn group(&self, id: &str) -> Rc<SgCompiled> {
        if let Some(g) = self.groups.borrow().get(id) {
            return g.clone();
        }
        let compiled = match self.idx.snap.security_groups.get(id) {
            Some(sg) => {
                let mut warns = Vec::new();
                let (c, _) = compile(&self.idx, sg, self.rules_of(id), &mut warns);
                self.warnings.borrow_mut().extend(warns);
                c
            }
            None => {
                self.warn(warning(
                    format!("SecurityGroups.{id}"),
                    "security group is used but not in the snapshot; it admits nothing",
                ));
                SgCompiled::default()
            }
        };
        let rc = Rc::new(compiled);
        self.groups.borrow_mut().insert(id.to_string(), rc.clone());
        rc
    }

    /// The rules of a group one by one, with what each admits (none when the group is
    /// not in the snapshot). Compiled on demand and kept: only the groups a finding or
    /// a query names need them, and an account's groups can be many.
    pub fn group_rules(&self, id: &str) -> Rc<Vec<SgRuleInfo>> {
        if let Some(r) = self.group_rules.borrow().get(id) {
            return r.clone();
        }
        // The warnings of the group are those of `group`, reported once, from there.
        self.group(id);
        let rules = match self.idx.snap.security_groups.get(id) {
            Some(sg) => compile_rules(&self.idx, sg, self.rules_of(id), &mut Vec::new()),
            None => Vec::new(),
        };
        let rc = Rc::new(rules);
        self.group_rules
            .borrow_mut()
            .insert(id.to_string(), rc.clone());
        rc
    }

    /// The `SecurityGroupRules` of a group (empty: its `IpPermissions` are used).
    fn rules_of(&self, id: &str) -> &[&'s SecurityGroupRule] {
        self.rules_by_group
            .get(id)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The union of the inbound rules of `groups`.
    pub fn inbound<S: AsRef<str>>(&self, groups: &[S]) -> Rc<FlowSet> {
        if let [one] = groups {
            return self.group(one.as_ref()).inbound.clone();
        }
        let mut set = FlowSet::default();
        for g in groups {
            set = set.union(&self.group(g.as_ref()).inbound);
        }
        Rc::new(set)
    }

    /// A network ACL's sets; `None` (no ACL known) allows everything.
    pub fn nacl(&self, id: Option<&str>) -> Rc<NaclSets> {
        let key = id.unwrap_or("");
        if let Some(n) = self.nacls.borrow().get(key) {
            return n.clone();
        }
        let sets = match id.and_then(|id| self.idx.snap.network_acls.get(id)) {
            Some(acl) => {
                let id = &acl.network_acl_id;
                let mut warns = Vec::new();
                let inbound = nacl_allowed(&acl.entries, false, |i, msg| {
                    warns.push(warning(
                        format!("NetworkAcls.{id}.Entries[{i}]"),
                        format!("{msg}; entry skipped"),
                    ))
                });
                let outbound = nacl_allowed(&acl.entries, true, |i, msg| {
                    warns.push(warning(
                        format!("NetworkAcls.{id}.Entries[{i}]"),
                        format!("{msg}; entry skipped"),
                    ))
                });
                self.warnings.borrow_mut().extend(warns);
                let admit_in = inbound.intersect(&reply_admitted(&outbound));
                NaclSets {
                    allows_all: admit_in == everything(),
                    inbound,
                    outbound,
                    admit_in,
                }
            }
            None => {
                if let Some(id) = id {
                    self.warn(warning(
                        format!("NetworkAcls.{id}"),
                        "network ACL is not in the snapshot; treated as allowing all",
                    ));
                }
                NaclSets {
                    inbound: everything(),
                    outbound: everything(),
                    admit_in: everything(),
                    allows_all: true,
                }
            }
        };
        let rc = Rc::new(sets);
        self.nacls.borrow_mut().insert(key.to_string(), rc.clone());
        rc
    }

    fn gateway_attached(&self, id: &str, vpc: &str) -> bool {
        let snap = self.idx.snap;
        let attached = |atts: &[kensa_model::gateway::GatewayAttachment]| {
            atts.iter().any(|a| {
                a.vpc_id.as_deref() == Some(vpc)
                    && !matches!(a.state.as_deref(), Some("detached" | "detaching"))
            })
        };
        let known = if IdKind::InternetGateway.matches(id) {
            snap.internet_gateways
                .get(id)
                .map(|g| attached(&g.attachments))
        } else if IdKind::VpnGateway.matches(id) {
            snap.vpn_gateways
                .get(id)
                .map(|g| attached(&g.vpc_attachments))
        } else {
            snap.transit_gateways.get(id).map(|_| true)
        };
        known.unwrap_or_else(|| {
            self.warn(warning(
                format!("Routes.{id}"),
                format!("route to `{id}`, which is not in the snapshot; assumed attached to {vpc}"),
            ));
            true
        })
    }

    /// The reach of one subnet (cached).
    pub fn subnet(&self, id: &str) -> Rc<SubnetReach> {
        if let Some(s) = self.subnets.borrow().get(id) {
            return s.clone();
        }
        let rc = Rc::new(self.compute_subnet(id));
        self.subnets.borrow_mut().insert(id.to_string(), rc.clone());
        rc
    }

    fn compute_subnet(&self, id: &str) -> SubnetReach {
        let ctx = self.idx.subnets.get(id);
        let nacl = self.nacl(ctx.and_then(|c| c.nacl.as_deref()));
        if ctx.is_some_and(|c| c.nacl.is_none()) {
            self.warn(warning(
                format!("Subnets.{id}"),
                "no network ACL of the subnet (associated, or its VPC's default) is in the snapshot; treated as allowing all: its exposures are not confirmed by an ACL",
            ));
        }
        let mut gateways: BTreeMap<SourceClass, Vec<(String, AddrSet)>> = BTreeMap::new();
        let mut unevaluated = Vec::new();
        let rt = ctx
            .and_then(|c| c.route_table.as_deref())
            .and_then(|r| self.idx.snap.route_tables.get(r));
        match (ctx, rt) {
            (Some(ctx), Some(rt)) => {
                let (dests, warns) = self.idx.route_dests(&rt.routes, &rt.route_table_id);
                self.warnings.borrow_mut().extend(warns);
                let vpc = ctx.vpc_id.as_str();
                for (target, addrs) in lpm_partition(dests) {
                    let (class, gw, addrs) = match target {
                        Target::Igw(g) if self.gateway_attached(&g, vpc) => {
                            let addrs = addrs.intersect(&self.idx.internet);
                            if let Some(x) = ingress_appliance(&self.idx, &g, ctx.cidrs.sample()) {
                                let mut u = unevaluated_route(self.idx.snap, &x, addrs);
                                u.reason = format!(
                                    "ingress routing: {g} sends traffic for this subnet to {x}; {}",
                                    u.reason
                                );
                                unevaluated.push(u);
                                continue;
                            }
                            (SourceClass::Internet, g, addrs)
                        }
                        Target::Vgw(g) if self.gateway_attached(&g, vpc) => {
                            let carried = crate::onprem::vgw_sources(&self.idx, &g);
                            (SourceClass::VGW, g, addrs.intersect(&carried))
                        }
                        Target::Pcx(g) => match self.idx.peerings.get(&g) {
                            Some(p) if p.active => match p.other_side(vpc) {
                                Some((_, cidrs)) if !cidrs.is_empty() => {
                                    (SourceClass::PeeredVPC, g, addrs.intersect(cidrs))
                                }
                                _ => (SourceClass::PeeredVPC, g, addrs),
                            },
                            Some(_) => continue,
                            None => {
                                self.warn(warning(format!("RouteTables.{}", rt.route_table_id), format!("route to peering `{g}`, which is not in the snapshot; assumed active")));
                                (SourceClass::PeeredVPC, g, addrs)
                            }
                        },
                        Target::Tgw(g) => {
                            let allowed = self.tgw_sources(&g, ctx);
                            (SourceClass::TGW, g, addrs.intersect(&allowed))
                        }
                        Target::Other(g)
                            if !g.is_empty() && !gateway_endpoint(self.idx.snap, rt, &g) =>
                        {
                            unevaluated.push(unevaluated_route(self.idx.snap, &g, addrs));
                            continue;
                        }
                        Target::Igw(g) | Target::Vgw(g) => {
                            self.warn(warning(
                                format!("RouteTables.{}", rt.route_table_id),
                                format!("route to `{g}`, which is not attached to {vpc}; it carries no traffic"),
                            ));
                            continue;
                        }
                        // Inside the VPC, or never carrying inbound traffic: NAT gateways,
                        // egress-only IGWs and gateway endpoints only answer what left the
                        // VPC; a blackhole drops the replies.
                        Target::Local
                        | Target::Nat(_)
                        | Target::EgressOnlyIgw(_)
                        | Target::Blackhole(_)
                        | Target::Other(_) => continue,
                    };
                    if !addrs.is_empty() {
                        gateways.entry(class).or_default().push((gw, addrs));
                    }
                }
            }
            (Some(ctx), None) => {
                // A partial snapshot (no RouteTables at all for the VPC): every VPC has a
                // main route table, so assume the common default of a route to the
                // Internet, and say so, rather than hide exposures.
                self.warn(warning(
                    format!("Subnets.{}", ctx.id),
                    format!("subnet has no route table (explicit or main) in the snapshot; assuming a default route to an internet gateway ({UNKNOWN_IGW})"),
                ));
                let local = self
                    .idx
                    .vpc_cidrs
                    .get(&ctx.vpc_id)
                    .cloned()
                    .unwrap_or_default()
                    .union(&ctx.cidrs);
                gateways.insert(
                    SourceClass::Internet,
                    vec![(
                        UNKNOWN_IGW.to_string(),
                        self.idx.internet.difference(&local),
                    )],
                );
            }
            (None, _) => self.warn(warning(
                format!("Subnets.{id}"),
                "subnet is not in the snapshot; nothing can reach it from outside its VPC",
            )),
        }
        let space = gateways
            .iter()
            .map(|(c, gws)| {
                (
                    *c,
                    gws.iter().fold(AddrSet::empty(), |a, (_, b)| a.union(b)),
                )
            })
            .collect();
        SubnetReach {
            nacl,
            gateways,
            space,
            unevaluated,
        }
    }

    /// The source addresses transit gateway `tgw` can deliver into subnet `ctx`
    /// ([`crate::tgw::TgwModel::sources_into`]); every source, with a warning, when the
    /// snapshot lacks what that needs.
    fn tgw_sources(&self, tgw: &str, ctx: &crate::index::SubnetCtx) -> AddrSet {
        match self.idx.tgw.sources_into(tgw, ctx, &self.idx.vpc_cidrs) {
            Ok(set) => set,
            Err(why) => {
                self.warn(warning(format!("TransitGateways.{tgw}"), why));
                AddrSet::full()
            }
        }
    }

    /// What reaches ENI `i`, per source class; `None` for ENIs that are not analysed.
    pub fn analyze_eni(&self, i: usize) -> Option<EniReach> {
        let e = &self.idx.enis[i];
        if skipped_interface(e) {
            return None;
        }
        let Some(subnet_id) = e.subnet_id else {
            self.warn(warning(
                format!("NetworkInterfaces.{}", e.id),
                "ENI has no subnet; not analysed",
            ));
            return None;
        };
        let ctx = self.idx.subnets.get(subnet_id);
        let mask = u8::from(!e.public_ips.is_empty()) | (u8::from(e.global_ipv6()) << 1);
        let key = (self.idx.eni_group_set[i], subnet_id, mask);
        let cached = self.eni_results.borrow().get(&key).cloned();
        let (exposures, indeterminate) = match cached {
            Some(x) => x,
            None => {
                let x = (
                    Rc::new(self.exposures(key.0, subnet_id, mask)),
                    self.indeterminate(key.0, subnet_id),
                );
                self.eni_results.borrow_mut().insert(key, x.clone());
                x
            }
        };
        Some(EniReach {
            eni_index: i,
            eni: e.id.to_string(),
            instance_id: e.instance_id.map(str::to_string),
            vpc_id: ctx
                .map(|c| c.vpc_id.as_str())
                .or(e.vpc_id)
                .unwrap_or_default()
                .to_string(),
            acl: ctx.and_then(|c| c.nacl.clone()),
            route_table: ctx.and_then(|c| c.route_table.clone()),
            subnet_id: subnet_id.to_string(),
            groups: e.groups.iter().map(|g| g.to_string()).collect(),
            exposures,
            indeterminate,
        })
    }

    /// Exposure through unevaluated components of the subnet's routes, and through
    /// security groups missing from the snapshot (what they admit is unknown: every
    /// source that can reach the subnet from outside, as far as the ACL lets it in).
    fn indeterminate(&self, group_set: u32, subnet_id: &str) -> Rc<Vec<IndeterminateExposure>> {
        let sub = self.subnet(subnet_id);
        let any_missing = self.set_has_missing_group[group_set as usize];
        if sub.unevaluated.is_empty() && !any_missing {
            return self.no_indeterminate.clone();
        }
        let groups = &self.idx.group_sets[group_set as usize];
        let missing: Vec<&str> = groups
            .iter()
            .copied()
            .filter(|g| !self.idx.snap.security_groups.contains_key(*g))
            .collect();
        let sg_in = self.inbound(groups);
        let mut out = Vec::new();
        for u in &sub.unevaluated {
            let flows = restrict_addrs(&sg_in.intersect(&sub.nacl.admit_in), &u.sources);
            if !flows.is_empty() {
                out.push(IndeterminateExposure {
                    unevaluated: u.clone(),
                    flows: Rc::new(flows),
                });
            }
        }
        let outside = sub.space.values().fold(AddrSet::empty(), |a, b| a.union(b));
        for g in missing {
            let flows = restrict_addrs(&sub.nacl.admit_in, &outside);
            if flows.is_empty() {
                continue;
            }
            out.push(IndeterminateExposure {
                unevaluated: Unevaluated {
                    component: g.to_string(),
                    component_type: "AWS::EC2::SecurityGroup",
                    code: BlockCode::ComponentNotInSnapshot,
                    reason: format!("security group `{g}` is attached but not in the snapshot: what it admits is unknown"),
                    sources: outside.clone(),
                },
                flows: Rc::new(flows),
            });
        }
        Rc::new(out)
    }

    fn exposures(&self, group_set: u32, subnet_id: &str, mask: u8) -> Vec<Exposure> {
        // Not cached apart: a combination mostly recurs only in the same subnet, where
        // the whole result is shared.
        let sg_in = self.inbound(&self.idx.group_sets[group_set as usize]);
        if sg_in.is_empty() {
            return Vec::new();
        }
        let sub = self.subnet(subnet_id);
        // Most subnets use an allow-all ACL: nothing to intersect then.
        let base: std::borrow::Cow<FlowSet> = if sub.nacl.allows_all {
            std::borrow::Cow::Borrowed(&*sg_in)
        } else {
            std::borrow::Cow::Owned(sg_in.intersect(&sub.nacl.admit_in))
        };
        let mut out = Vec::new();
        for (class, space) in &sub.space {
            let space = if *class == SourceClass::Internet && mask != 3 {
                std::borrow::Cow::Owned(internet_mask(space, mask))
            } else {
                std::borrow::Cow::Borrowed(space)
            };
            if space.is_empty() {
                continue;
            }
            let flows = restrict_addrs(&base, &space);
            if flows.is_empty() {
                continue;
            }
            let gws = &sub.gateways[class];
            // From the restricted flows: the unrestricted set also holds the private
            // sources of group references, and one sort of all of those cost more.
            let sources = all_sources(&flows);
            // With one gateway every source comes through it.
            let gateways = if gws.len() == 1 {
                vec![(gws[0].0.clone(), sources)]
            } else {
                gws.iter()
                    .filter_map(|(g, a)| {
                        let share = a.intersect(&sources);
                        (!share.is_empty()).then(|| (g.clone(), share))
                    })
                    .collect()
            };
            out.push(Exposure {
                class: *class,
                flows: Rc::new(flows),
                gateways,
            });
        }
        out
    }

    /// Analyses one load balancer (listeners reachable from the Internet, targets behind them).
    pub fn analyze_lb_pub(&self, lb: LbNode) -> LbReach {
        self.analyze_lb(lb)
    }

    fn analyze_lb(&self, lb: LbNode) -> LbReach {
        let mut reach = LbReach {
            igws: Vec::new(),
            listeners: Vec::new(),
            lb,
        };
        let lb = &reach.lb;
        if !lb.internet_facing || lb.kind == LbKind::Gateway {
            return reach;
        }
        let lb_in: Rc<FlowSet> = if lb.security_groups.is_empty() {
            Rc::new(everything())
        } else {
            self.inbound(&lb.security_groups)
        };
        let mask = 1 | (u8::from(lb.dualstack) << 1);
        let mut front = FlowSet::default();
        let mut igws = BTreeSet::new();
        for s in &lb.subnets {
            let sub = self.subnet(s);
            let Some(space) = sub.space.get(&SourceClass::Internet) else {
                continue;
            };
            front = front.union(&restrict_addrs(
                &sub.nacl.admit_in,
                &internet_mask(space, mask),
            ));
            igws.extend(
                sub.gateways[&SourceClass::Internet]
                    .iter()
                    .map(|(g, _)| g.clone()),
            );
        }
        let front = front.intersect(&lb_in);
        let mut listeners = Vec::new();
        for l in &lb.listeners {
            let wanted = l.ip_protocols.iter().fold(FlowSet::default(), |a, p| {
                a.union(&cube(*p, *p, l.port, l.port, AddrSet::full()))
            });
            let flows = front.intersect(&wanted);
            if flows.is_empty() {
                continue;
            }
            let clients = all_sources(&flows);
            let targets = l
                .targets
                .iter()
                .map(|t| {
                    let src = if t.preserves_client_ip {
                        clients.clone()
                    } else {
                        lb.addrs.clone()
                    };
                    let (admitted, blocked) = match t.eni {
                        Some(i) => self.target_admits(i, &l.ip_protocols, t.port, &src),
                        None => (AddrSet::empty(), Some(BlockCode::TargetNotFound)),
                    };
                    TargetReach {
                        target_id: t.id.clone(),
                        target_group: t.target_group.clone(),
                        eni_index: t.eni,
                        port: t.port,
                        protocols: l.ip_protocols.clone(),
                        sources: if admitted.is_empty() {
                            AddrSet::empty()
                        } else if t.preserves_client_ip {
                            admitted
                        } else {
                            clients.clone()
                        },
                        blocked,
                    }
                })
                .collect();
            listeners.push(ListenerReach {
                listener_id: l.id.clone(),
                protocol: l.protocol.clone(),
                port: l.port,
                flows,
                targets,
            });
        }
        reach.igws = igws.into_iter().collect();
        reach.listeners = listeners;
        reach
    }

    /// Which of `src` the target ENI admits on `port`: its groups must allow them, and,
    /// for sources outside the target's subnet, its network ACL too (both directions).
    pub fn target_admits(
        &self,
        i: usize,
        protocols: &[u8],
        port: u16,
        src: &AddrSet,
    ) -> (AddrSet, Option<BlockCode>) {
        let e = &self.idx.enis[i];
        let sg = self.inbound(&e.groups);
        let Some(subnet_id) = e.subnet_id else {
            return (AddrSet::empty(), Some(BlockCode::NoRouteToDestination));
        };
        let sub = self.subnet(subnet_id);
        let inside_subnet = self
            .idx
            .subnets
            .get(subnet_id)
            .map(|c| c.cidrs.clone())
            .unwrap_or_default();
        let mut sg_ok_any = false;
        let mut ok = AddrSet::empty();
        for p in protocols {
            let at = |f: &FlowSet| {
                f.get(*p)
                    .and_then(|pm| pm.get(port))
                    .cloned()
                    .unwrap_or_default()
            };
            let sg_ok = at(&sg).intersect(src);
            sg_ok_any |= !sg_ok.is_empty();
            let inside = sg_ok.intersect(&inside_subnet);
            let outside = sg_ok.difference(&inside);
            ok = ok
                .union(&inside)
                .union(&at(&sub.nacl.admit_in).intersect(&outside));
        }
        let blocked = if !sg_ok_any {
            Some(BlockCode::EniSgRulesMismatch)
        } else if ok.is_empty() {
            Some(BlockCode::SubnetAclRestriction)
        } else {
            None
        };
        (ok, blocked)
    }
}

/// Internet sources an ENI can take: IPv4 only with a public IPv4 (bit 0 of `mask`),
/// IPv6 only with a global IPv6 address (bit 1).
fn internet_mask(space: &AddrSet, mask: u8) -> AddrSet {
    AddrSet {
        v4: if mask & 1 != 0 {
            space.v4.clone()
        } else {
            Default::default()
        },
        v6: if mask & 2 != 0 {
            space.v6.clone()
        } else {
            Default::default()
        },
    }
}
