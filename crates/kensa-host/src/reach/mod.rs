//! Listener-aware network reachability: Inspector Classic's agent-backed rule types.
//!
//! The reachability engine (kensa-net) says which ports of an instance can be reached
//! and from where; it cannot see the host. When an instance has telemetry with its
//! listening sockets, [`ListenerJoin::apply`] rewrites the engine's findings after the
//! fact, so the engine stays host-agnostic:
//!
//! * `RecognizedPortNoAgent` becomes `RecognizedPortWithListener` when a process listens
//!   on a reachable address of one of the finding's ports, naming it (name, pid, exe,
//!   user, address), else `RecognizedPortNoListener` (a process bound to loopback only is
//!   named as not reachable). Severity is unchanged: Inspector rates all three alike.
//! * `NetworkExposure` stays, and each reachable listener on a port it lists that is not
//!   a recognised port gives an `UnrecognizedPortWithListener` finding (Low).
//!
//! A listener is reachable when it is bound to the unspecified address (`0.0.0.0` for
//! IPv4 sources; `::` for IPv6 and, Linux's default with `net.ipv6.bindv6only = 0`, IPv4
//! sources too) or to one of the ENI's own private addresses. Telemetry without
//! listeners (collected from a mounted root) leaves the findings as they are: "not
//! collected" is never "nothing listens".
use std::collections::BTreeMap;
use std::net::IpAddr;

use kensa_model::{Finding, Package, Snapshot};
use kensa_telemetry::{Listener, Telemetry};

mod exposure;
mod listeners;
mod load;
mod raise;
mod recognized;

pub use listeners::reachable_listeners;
pub use load::load_telemetry;
pub use raise::{raise_reachable, InternetListener};

/// Inspector's rule type for a recognised port with a process listening on it.
pub const RULE_WITH_LISTENER: &str = "RecognizedPortWithListener";
/// Inspector's rule type for a recognised port where nothing listens.
pub const RULE_NO_LISTENER: &str = "RecognizedPortNoListener";
/// Inspector's rule type for any other reachable port with a listener (Low).
pub const RULE_UNRECOGNIZED: &str = "UnrecognizedPortWithListener";
/// The engine's rule type without host telemetry.
pub const RULE_NO_AGENT: &str = "RecognizedPortNoAgent";
const RULE_EXPOSURE: &str = "NetworkExposure";

/// One instance's listeners as telemetry reported them.
#[derive(Debug, Clone)]
pub struct HostListeners {
    /// The telemetry's collection time (RFC 3339), shown on the findings.
    pub collected_at: String,
    /// Where the telemetry came from (a file name or `agent <id>`).
    pub source: String,
    /// Every listening socket, loopback ones included.
    pub listeners: Vec<Listener>,
}

/// Telemetry by instance, with the snapshot's ENI addresses, ready to rewrite network
/// findings.
#[derive(Debug, Default)]
pub struct ListenerJoin {
    hosts: BTreeMap<String, HostListeners>,
    eni_addresses: BTreeMap<String, Vec<IpAddr>>,
}

impl ListenerJoin {
    /// Indexes telemetry documents (with where each came from) by their instance id.
    /// A document without an instance id, or without listeners (collected from a mounted
    /// root), cannot be joined: it is skipped and a warning says why. Of two documents
    /// for one instance the later collection wins.
    pub fn new<'a>(
        docs: impl IntoIterator<Item = (String, &'a Telemetry)>,
        snap: &Snapshot,
    ) -> (ListenerJoin, Vec<(String, String)>) {
        let mut join = ListenerJoin::default();
        let mut warnings = Vec::new();
        for (source, doc) in docs {
            let Some(instance) = doc.host.instance_id.clone() else {
                warnings.push((source, "telemetry names no instance id (collected without IMDS?); its listeners cannot be tied to network findings".into()));
                continue;
            };
            let Some(listeners) = doc.listeners.clone() else {
                warnings.push((source, format!("telemetry of {instance} has no listeners (collected from a mounted root); its network findings stay RecognizedPortNoAgent")));
                continue;
            };
            let newer = join
                .hosts
                .get(&instance)
                .is_none_or(|h| h.collected_at <= doc.collected_at);
            if newer {
                let host = HostListeners {
                    collected_at: doc.collected_at.clone(),
                    source,
                    listeners,
                };
                join.hosts.insert(instance, host);
            }
        }
        for (id, ni) in &snap.network_interfaces {
            let v4 = ni
                .private_ip_addresses
                .iter()
                .filter_map(|p| p.private_ip_address.as_deref())
                .chain(ni.private_ip_address.as_deref());
            let v6 = ni
                .ipv6_addresses
                .iter()
                .filter_map(|a| a.ipv6_address.as_deref());
            let mut addrs: Vec<IpAddr> = v4.chain(v6).filter_map(|a| a.parse().ok()).collect();
            addrs.sort();
            addrs.dedup();
            join.eni_addresses.insert(id.clone(), addrs);
        }
        (join, warnings)
    }

    /// Instances with listener telemetry.
    pub fn instances(&self) -> impl Iterator<Item = &str> {
        self.hosts.keys().map(String::as_str)
    }

    /// The listeners of an instance, when its telemetry has them.
    pub fn host(&self, instance_id: &str) -> Option<&HostListeners> {
        self.hosts.get(instance_id)
    }

    /// Every listener the Internet reaches on the instances this join has telemetry for,
    /// from the reachability engine's findings over `snap` (see [`raise_reachable`]).
    pub fn internet_listeners_in(&self, snap: &Snapshot) -> Vec<InternetListener> {
        if self.hosts.is_empty() {
            return Vec::new();
        }
        let analysis = kensa_net::analyze(snap);
        kensa_net::findings::stream(&analysis)
            .filter(|f| self.hosts.contains_key(&f.resource.id))
            .flat_map(|f| self.apply(f))
            .flat_map(|f| self.internet_listeners(&f))
            .collect()
    }

    /// The finding as telemetry refines it: a network finding on an instance with
    /// listener telemetry is rewritten (and an exposure gains its unrecognised-port
    /// findings after it); any other finding is returned unchanged.
    pub fn apply(&self, f: Finding) -> Vec<Finding> {
        if f.package != Package::NetworkReachability {
            return vec![f];
        }
        let Some(host) = self.hosts.get(&f.resource.id) else {
            return vec![f];
        };
        let eni = f.attributes.get("ENI").map(String::as_str).unwrap_or("");
        let addrs = self.eni_addresses.get(eni).map_or(&[][..], Vec::as_slice);
        match f.rule_id.as_str() {
            RULE_NO_AGENT => vec![recognized::rewrite(f, host, addrs)],
            RULE_EXPOSURE => {
                let extra = exposure::unrecognized(&f, host, addrs);
                std::iter::once(f).chain(extra).collect()
            }
            _ => vec![f],
        }
    }
}
