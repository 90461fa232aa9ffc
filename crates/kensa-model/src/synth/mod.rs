//! A synthetic account generator: a realistic mix of VPCs, subnets, route tables, network
//! ACLs, security groups (CIDR, group and prefix-list sources, `-1` rules, port ranges,
//! IPv6), instances, load balancers, peering, VPN and a transit gateway, at any scale.
//!
//! The output is a normal snapshot (`aws_configs/<region>/<File>.json`, one file per
//! describe call) that [`Snapshot::load`](crate::Snapshot::load) reads with no warning.
//! Everything is a function of the seed: the same parameters give the same bytes. Files
//! are written item by item, and every instance is computed from its index, so memory
//! stays small at 100,000 instances.
use std::io::{self, Write};
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

mod compute;
mod elb;
mod groups;
mod ids;
mod network;
mod plan;
mod transit;

use plan::Plan;

/// Regions used, in order, by `regions > 1`.
pub const REGIONS: &[&str] = &[
    "us-east-1",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "sa-east-1",
    "ca-central-1",
];

/// What to generate.
#[derive(Debug, Clone)]
pub struct SynthParams {
    /// Instances in total, split evenly over the regions.
    pub instances: usize,
    /// The random seed: the same parameters and seed give the same files, byte for byte.
    pub seed: u64,
    /// Number of regions (1 to `REGIONS.len()`).
    pub regions: usize,
    /// The account id every resource names.
    pub account: String,
    /// Also write `SecurityGroupRules.json` (one record per rule and source).
    pub security_group_rules: bool,
}

impl Default for SynthParams {
    fn default() -> Self {
        SynthParams {
            instances: 1000,
            seed: 1,
            regions: 1,
            account: "123456789012".to_string(),
            security_group_rules: true,
        }
    }
}

/// How far writing has come, for progress bars.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    /// Files written so far.
    pub files_done: usize,
    /// Files to write in all.
    pub files_total: usize,
    /// Resources written so far.
    pub items_written: u64,
}

/// What was written.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Files written.
    pub files: usize,
    /// Resources written.
    pub items: u64,
    /// Bytes written.
    pub bytes: u64,
}

/// A JSON array being written element by element (`{"Key": [ ... ]}`).
pub(crate) struct Sink<'a> {
    out: &'a mut dyn Write,
    first: bool,
    items: u64,
}

impl Sink<'_> {
    /// Writes one element in the AWS CLI's shape: absent optional fields are left out.
    pub fn item<T: Serialize>(&mut self, item: &T) -> io::Result<()> {
        let mut value = serde_json::to_value(item).map_err(io::Error::other)?;
        strip_nulls(&mut value);
        self.out
            .write_all(if self.first { b"\n  " } else { b",\n  " })?;
        self.first = false;
        self.items += 1;
        serde_json::to_writer(&mut *self.out, &value).map_err(io::Error::other)
    }
}

fn strip_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(strip_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

type Producer = fn(&Plan, &mut Sink<'_>) -> io::Result<()>;

/// Every file of a region: name, top-level key, producer.
const FILES: &[(&str, &str, Producer)] = &[
    ("Vpcs.json", "Vpcs", network::vpcs),
    ("Subnets.json", "Subnets", network::subnets),
    ("RouteTables.json", "RouteTables", network::route_tables),
    ("NetworkAcls.json", "NetworkAcls", network::network_acls),
    (
        "InternetGateways.json",
        "InternetGateways",
        network::internet_gateways,
    ),
    (
        "EgressOnlyInternetGateways.json",
        "EgressOnlyInternetGateways",
        network::egress_only_internet_gateways,
    ),
    ("NatGateways.json", "NatGateways", network::nat_gateways),
    (
        "SecurityGroups.json",
        "SecurityGroups",
        groups::security_groups,
    ),
    (
        "SecurityGroupRules.json",
        "SecurityGroupRules",
        groups::security_group_rules,
    ),
    (
        "ManagedPrefixLists.json",
        "PrefixLists",
        groups::managed_prefix_lists,
    ),
    (
        "PrefixLists.json",
        "PrefixLists",
        groups::service_prefix_lists,
    ),
    (
        "PrefixListEntries.json",
        "PrefixListEntries",
        groups::prefix_list_entries,
    ),
    ("Reservations.json", "Reservations", compute::reservations),
    (
        "NetworkInterfaces.json",
        "NetworkInterfaces",
        compute::network_interfaces,
    ),
    ("Addresses.json", "Addresses", compute::addresses),
    (
        "VpcPeeringConnections.json",
        "VpcPeeringConnections",
        transit::vpc_peering_connections,
    ),
    ("VpnGateways.json", "VpnGateways", transit::vpn_gateways),
    (
        "VpnConnections.json",
        "VpnConnections",
        transit::vpn_connections,
    ),
    (
        "CustomerGateways.json",
        "CustomerGateways",
        transit::customer_gateways,
    ),
    ("VpcEndpoints.json", "VpcEndpoints", transit::vpc_endpoints),
    (
        "TransitGateways.json",
        "TransitGateways",
        transit::transit_gateways,
    ),
    (
        "TransitGatewayAttachments.json",
        "TransitGatewayAttachments",
        transit::transit_gateway_attachments,
    ),
    (
        "TransitGatewayVpcAttachments.json",
        "TransitGatewayVpcAttachments",
        transit::transit_gateway_vpc_attachments,
    ),
    (
        "TransitGatewayRouteTables.json",
        "TransitGatewayRouteTables",
        transit::transit_gateway_route_tables,
    ),
    (
        "TransitGatewayStaticRoutes.json",
        "TransitGatewayStaticRoutes",
        transit::transit_gateway_routes,
    ),
    (
        "TransitGatewayPropagations.json",
        "TransitGatewayPropagations",
        transit::transit_gateway_propagations,
    ),
    ("LoadBalancers.json", "LoadBalancers", elb::load_balancers),
    ("Listeners.json", "Listeners", elb::listeners),
    ("TargetGroups.json", "TargetGroups", elb::target_groups),
    (
        "LoadBalancerTargetHealth.json",
        "LoadBalancerTargetHealth",
        elb::target_health,
    ),
    (
        "ClassicLoadBalancers.json",
        "LoadBalancerDescriptions",
        elb::classic_load_balancers,
    ),
];

/// The plan of every region, instances split as evenly as possible.
fn plans(params: &SynthParams) -> Vec<Plan> {
    let regions = params.regions.clamp(1, REGIONS.len());
    (0..regions)
        .map(|r| {
            let share = params.instances / regions + usize::from(r < params.instances % regions);
            Plan::new(&params.account, REGIONS[r], r, params.seed, share)
        })
        .collect()
}

fn files(
    params: &SynthParams,
) -> impl Iterator<Item = &'static (&'static str, &'static str, Producer)> + '_ {
    FILES
        .iter()
        .filter(|(name, ..)| params.security_group_rules || *name != "SecurityGroupRules.json")
}

/// Writes one file's JSON to `out`; returns the number of items.
fn write_file(plan: &Plan, key: &str, produce: Producer, out: &mut dyn Write) -> io::Result<u64> {
    write!(out, "{{\"{key}\": [")?;
    let mut sink = Sink {
        out,
        first: true,
        items: 0,
    };
    produce(plan, &mut sink)?;
    let items = sink.items;
    out.write_all(if items == 0 { b"]}\n" } else { b"\n]}\n" })?;
    Ok(items)
}

/// The whole account in memory: `(path relative to the snapshot root, JSON text)`.
/// Prefer [`write_account`] for large accounts.
pub fn account(params: &SynthParams) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for plan in plans(params) {
        for (name, key, produce) in files(params) {
            let mut buf = Vec::new();
            write_file(&plan, key, *produce, &mut buf).expect("writing to memory cannot fail");
            let text = String::from_utf8(buf).expect("serde_json writes UTF-8");
            out.push((format!("aws_configs/{}/{name}", plan.region), text));
        }
    }
    out
}

/// Writes the account under `dir` (`dir/aws_configs/<region>/*.json`), streaming each
/// file, and reports progress after every file.
pub fn write_account(
    params: &SynthParams,
    dir: &Path,
    mut progress: impl FnMut(Progress),
) -> io::Result<Summary> {
    let plans = plans(params);
    let per_region = files(params).count();
    let mut state = Progress {
        files_total: per_region * plans.len(),
        ..Progress::default()
    };
    let mut summary = Summary::default();
    for plan in &plans {
        let region_dir = dir.join("aws_configs").join(&plan.region);
        std::fs::create_dir_all(&region_dir)?;
        for (name, key, produce) in files(params) {
            let path = region_dir.join(name);
            let file = std::fs::File::create(&path)?;
            let mut out = CountingWriter {
                inner: io::BufWriter::with_capacity(1 << 20, file),
                bytes: 0,
            };
            let items = write_file(plan, key, *produce, &mut out)?;
            out.inner.flush()?;
            summary.files += 1;
            summary.items += items;
            summary.bytes += out.bytes;
            state.files_done += 1;
            state.items_written = summary.items;
            progress(state);
        }
    }
    Ok(summary)
}

struct CountingWriter<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for CountingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
