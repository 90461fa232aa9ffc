//! The shape of one generated region: how many of everything, and the id, address and
//! role of each item, all computed from indices so files can be written independently.
use super::ids::Ids;

/// What a subnet is for; decides its route table and whether instances get public IPs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Routes 0.0.0.0/0 to the internet gateway.
    Public,
    /// Routes 0.0.0.0/0 to the NAT gateway, plus VPN/TGW/peering routes.
    Private,
    /// No explicit association: uses the VPC's main route table (local routes only).
    Isolated,
}

/// A transit gateway route table, one per network segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Segment {
    Prod = 0,
    Dev = 1,
    Shared = 2,
}

impl Segment {
    pub const ALL: [Segment; 3] = [Segment::Prod, Segment::Dev, Segment::Shared];

    pub fn label(self) -> &'static str {
        match self {
            Segment::Prod => "prod",
            Segment::Dev => "dev",
            Segment::Shared => "shared",
        }
    }

    /// Whether an attachment of segment `self` propagates into the table of `table`:
    /// shared services into every table, prod and dev into their own and shared's.
    pub fn propagates_into(self, table: Segment) -> bool {
        self == table || self == Segment::Shared || table == Segment::Shared
    }
}

const VPCS_PER_TGW: usize = 50;

#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub account: String,
    pub region: String,
    pub ids: Ids,
    pub instances: usize,
    pub vpcs: usize,
    pub subnets_per_vpc: usize,
    /// Application security groups per VPC (load balancer groups come on top).
    pub groups_per_vpc: usize,
    pub load_balancers: usize,
    pub classic_load_balancers: usize,
    pub prefix_lists: usize,
}

impl Plan {
    /// Ratios of a large real estate: per 100,000 instances about 100 VPCs, 2,000 subnets,
    /// 20,000 security groups and 200 load balancers.
    pub fn new(
        account: &str,
        region: &str,
        region_index: usize,
        seed: u64,
        instances: usize,
    ) -> Self {
        let vpcs = (instances / 1000).max(1);
        let subnets = instances.div_ceil(50);
        Plan {
            account: account.to_string(),
            region: region.to_string(),
            ids: Ids::new(seed, region_index),
            instances,
            vpcs,
            subnets_per_vpc: subnets.div_ceil(vpcs).clamp(4, 256),
            groups_per_vpc: (instances / 5 / vpcs).max(4),
            load_balancers: (instances / 500).max(1),
            classic_load_balancers: instances / 5000,
            prefix_lists: 3 + instances / 10_000,
        }
    }

    pub fn subnets(&self) -> usize {
        self.vpcs * self.subnets_per_vpc
    }

    // ---- VPCs and subnets -------------------------------------------------------------

    pub fn vpc_id(&self, v: usize) -> String {
        self.ids.id("vpc", v as u64)
    }

    /// The first two octets of the VPC's /16 (10.0-199, then 100.64-127).
    pub fn vpc_octets(&self, v: usize) -> (u8, u8) {
        if v < 200 {
            (10, v as u8)
        } else {
            (100, 64 + ((v - 200) % 64) as u8)
        }
    }

    pub fn vpc_cidr(&self, v: usize) -> String {
        let (a, b) = self.vpc_octets(v);
        format!("{a}.{b}.0.0/16")
    }

    pub fn has_ipv6(&self, v: usize) -> bool {
        v % 4 == 1
    }

    fn ipv6_prefix(&self, v: usize) -> String {
        let h = self.ids.hex16("ipv6", v as u64);
        format!("2600:1f18:{}:{}", &h[..4], &h[4..6])
    }

    pub fn vpc_ipv6(&self, v: usize) -> String {
        format!("{}00::/56", self.ipv6_prefix(v))
    }

    pub fn subnet_ipv6(&self, v: usize, k: usize) -> String {
        format!("{}{:02x}::/64", self.ipv6_prefix(v), k % 256)
    }

    pub fn instance_ipv6(&self, v: usize, k: usize, j: usize) -> String {
        format!("{}{:02x}::{:x}", self.ipv6_prefix(v), k % 256, 0x100 + j)
    }

    pub fn subnet_id(&self, v: usize, k: usize) -> String {
        self.ids.id("subnet", (v * 256 + k) as u64)
    }

    pub fn subnet_cidr(&self, v: usize, k: usize) -> String {
        let (a, b) = self.vpc_octets(v);
        format!("{a}.{b}.{k}.0/24")
    }

    pub fn role(&self, k: usize) -> Role {
        match k % 4 {
            0 => Role::Public,
            3 => Role::Isolated,
            _ => Role::Private,
        }
    }

    pub fn az(&self, k: usize) -> String {
        format!("{}{}", self.region, ["a", "b", "c"][k % 3])
    }

    /// Subnets of VPC `v` with role `role`, by index.
    pub fn subnets_with(&self, v: usize, role: Role) -> Vec<usize> {
        let _ = v;
        (0..self.subnets_per_vpc)
            .filter(|&k| self.role(k) == role)
            .collect()
    }

    // ---- instances --------------------------------------------------------------------

    /// Instance `i` lives in VPC `v`, subnet `k` of it, as the `j`-th instance there.
    pub fn place(&self, i: usize) -> (usize, usize, usize) {
        let n = self.subnets();
        let s = i % n;
        (s % self.vpcs, s / self.vpcs, i / n)
    }

    /// The index of the `j`-th instance of subnet `k` of VPC `v`, if there is one.
    pub fn instance_at(&self, v: usize, k: usize, j: usize) -> Option<usize> {
        let i = j * self.subnets() + k * self.vpcs + v;
        (i < self.instances).then_some(i)
    }

    pub fn private_ip(&self, v: usize, k: usize, j: usize) -> String {
        let (a, b) = self.vpc_octets(v);
        format!("{a}.{b}.{k}.{}", 10 + j % 230)
    }

    pub fn instance_id(&self, i: usize) -> String {
        self.ids.id("i", i as u64)
    }

    pub fn eni_id(&self, i: usize) -> String {
        self.ids.id("eni", i as u64)
    }

    // ---- groups -----------------------------------------------------------------------

    pub fn group_id(&self, v: usize, g: usize) -> String {
        self.ids.id("sg", (v * 1_000_000 + g) as u64)
    }

    pub fn lb_group_id(&self, l: usize) -> String {
        self.ids.id("sg-lb", l as u64).replacen("sg-lb", "sg", 1)
    }

    pub fn prefix_list_id(&self, p: usize) -> String {
        self.ids.id("pl", p as u64)
    }

    // ---- gateways and routing ---------------------------------------------------------

    pub fn igw_id(&self, v: usize) -> String {
        self.ids.id("igw", v as u64)
    }

    pub fn eigw_id(&self, v: usize) -> String {
        self.ids.id("eigw", v as u64)
    }

    pub fn nat_id(&self, v: usize) -> String {
        self.ids.id("nat", v as u64)
    }

    pub fn route_table_id(&self, v: usize, which: usize) -> String {
        self.ids.id("rtb", (v * 4 + which) as u64)
    }

    pub fn acl_id(&self, v: usize, custom: bool) -> String {
        self.ids.id("acl", (v * 2 + custom as usize) as u64)
    }

    /// Subnets that use the VPC's custom ACL (some public and some private subnets).
    pub fn uses_custom_acl(&self, v: usize, k: usize) -> bool {
        (self.role(k) == Role::Public && v.is_multiple_of(3)) || (k % 4 == 1 && v.is_multiple_of(5))
    }

    pub fn has_vgw(&self, v: usize) -> bool {
        v.is_multiple_of(10)
    }

    pub fn onprem_cidr(&self, v: usize) -> String {
        format!("10.{}.0.0/16", 200 + (v / 10) % 50)
    }

    pub fn has_endpoint(&self, v: usize) -> bool {
        v.is_multiple_of(3)
    }

    pub fn has_tgw(&self) -> bool {
        self.vpcs >= 2
    }

    pub fn tgw_attached(&self, v: usize) -> bool {
        self.has_tgw() && v.is_multiple_of(2)
    }

    /// One transit gateway per 50 VPCs (a hub per business unit).
    pub fn tgws(&self) -> usize {
        if self.has_tgw() {
            self.vpcs.div_ceil(VPCS_PER_TGW)
        } else {
            0
        }
    }

    /// The transit gateway VPC `v` attaches to.
    pub fn tgw_of(&self, v: usize) -> usize {
        v / VPCS_PER_TGW
    }

    pub fn tgw_id(&self, t: usize) -> String {
        self.ids.id("tgw", t as u64)
    }

    pub fn tgw_attachment_id(&self, v: usize) -> String {
        self.ids.id("tgw-attach", v as u64)
    }

    pub fn tgw_table_id(&self, t: usize, segment: Segment) -> String {
        self.ids.id("tgw-rtb", (t * 3 + segment as usize) as u64)
    }

    /// The segment (and so the TGW route table) an attached VPC is associated with.
    pub fn segment(&self, v: usize) -> Segment {
        if v.is_multiple_of(10) {
            Segment::Shared
        } else if v.is_multiple_of(4) {
            Segment::Prod
        } else {
            Segment::Dev
        }
    }

    /// The shared-services VPC of TGW `t` that takes the segments' default route (the
    /// first VPC of its block: `50 * t` is attached and in the shared segment).
    pub fn egress_hub(&self, t: usize) -> usize {
        t * VPCS_PER_TGW
    }

    /// The attached VPCs of TGW `t`.
    pub fn tgw_vpcs(&self, t: usize) -> impl Iterator<Item = usize> + '_ {
        let lo = t * VPCS_PER_TGW;
        (lo..(lo + VPCS_PER_TGW).min(self.vpcs)).filter(|&v| self.tgw_attached(v))
    }

    /// VPCs with interface endpoints (SSM and friends) in two private subnets.
    pub fn has_interface_endpoints(&self, v: usize) -> bool {
        v % 3 == 1
    }

    /// VPCs whose internet gateway sends inbound traffic through a Gateway Load Balancer
    /// endpoint first (ingress routing, an edge route table).
    pub fn has_gwlb_ingress(&self, v: usize) -> bool {
        v % 25 == 3
    }

    /// VPCs whose private subnets reach the Internet through a Network Firewall endpoint
    /// instead of the NAT gateway.
    pub fn has_firewall_egress(&self, v: usize) -> bool {
        v % 25 == 5
    }

    /// VPC `v` peers with `v + 1` when `v % 4 == 1`; the status varies like in real life.
    pub fn peering(&self, v: usize) -> Option<(usize, &'static str)> {
        let peer = v + 1;
        if v % 4 != 1 || peer >= self.vpcs {
            return None;
        }
        let status = match (v / 4) % 10 {
            7 => "pending-acceptance",
            8 => "deleted",
            _ => "active",
        };
        Some((peer, status))
    }

    pub fn peering_id(&self, v: usize) -> String {
        self.ids.id("pcx", v as u64)
    }

    /// The peering (requester VPC index) that joins `v` to another VPC, if any.
    pub fn peerings_of(&self, v: usize) -> Vec<(usize, usize, &'static str)> {
        let mut out = Vec::new();
        if let Some((peer, status)) = self.peering(v) {
            out.push((v, peer, status));
        }
        if v > 0 {
            if let Some((peer, status)) = self.peering(v - 1) {
                debug_assert_eq!(peer, v);
                out.push((v - 1, v - 1, status));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_at_scale() {
        let p = Plan::new("123456789012", "us-east-1", 0, 1, 100_000);
        assert_eq!(p.vpcs, 100);
        assert_eq!(p.subnets(), 2000);
        assert_eq!(p.vpcs * p.groups_per_vpc, 20_000);
        assert_eq!(p.load_balancers, 200);
    }

    #[test]
    fn placement_round_trips() {
        let p = Plan::new("123456789012", "us-east-1", 0, 1, 1234);
        for i in 0..p.instances {
            let (v, k, j) = p.place(i);
            assert_eq!(p.instance_at(v, k, j), Some(i));
        }
    }
}
