//! Network reachability in `cve` severities, as Inspector v2's score weighs it: a
//! vulnerable package whose program listens on a port the Internet can reach is raised
//! one severity band.
//!
//! The Internet-reachable listeners come from the listener-aware network findings of
//! the same instance ([`ListenerJoin::internet_listeners`]): a listener counts when the
//! reachability engine found its port open from the Internet and it is bound where that
//! traffic arrives (the unspecified address or the ENI's own). Its package is the one
//! the agent found owning its executable (the telemetry's `listeners[].package`); a
//! listener whose owner is unknown raises nothing.
use kensa_model::{Evidence, Finding, Package, Severity};
use kensa_telemetry::{Listener, Proto};

use super::listeners::{describe, parse_range, proto_of, reachable_listeners, source_families};
use super::{ListenerJoin, RULE_UNRECOGNIZED, RULE_WITH_LISTENER};

/// A listener the Internet can reach, with the network finding that says so.
#[derive(Debug, Clone, PartialEq)]
pub struct InternetListener {
    /// The instance it runs on.
    pub instance: String,
    /// The listening socket and its process (and package, when known).
    pub listener: Listener,
    /// The network finding's id.
    pub finding_id: String,
    /// The path from the Internet, hop by hop (`igw-… > acl-… > sg-… > eni-…`).
    pub path: String,
}

impl ListenerJoin {
    /// The listeners a listener-aware network finding (the output of [`ListenerJoin::apply`])
    /// shows reachable from the Internet; empty for any other finding.
    pub fn internet_listeners(&self, f: &Finding) -> Vec<InternetListener> {
        let listener_rule = f.rule_id == RULE_WITH_LISTENER || f.rule_id == RULE_UNRECOGNIZED;
        let internet =
            f.attributes.get("REACHABILITY_TYPE").map(String::as_str) == Some("Internet");
        if f.package != Package::NetworkReachability || !listener_rule || !internet {
            return Vec::new();
        }
        let Some(host) = self.hosts.get(&f.resource.id) else {
            return Vec::new();
        };
        let proto = f.attributes.get("PROTOCOL").and_then(|p| proto_of(p));
        let range = f.attributes.get("PORT_RANGE").and_then(|r| parse_range(r));
        let (Some(proto), Some(range)) = (proto, range) else {
            return Vec::new();
        };
        let eni = f.attributes.get("ENI").map(String::as_str).unwrap_or("");
        let addrs = self.eni_addresses.get(eni).map_or(&[][..], Vec::as_slice);
        let (sources, path) = match &f.evidence {
            Some(Evidence::NetworkPath(n)) => {
                let hops: Vec<&str> = n
                    .network_path
                    .steps
                    .iter()
                    .map(|s| s.component_id.as_str())
                    .collect();
                (source_families(&n.source_cidrs), hops.join(" > "))
            }
            _ => ((true, true), String::new()),
        };
        reachable_listeners(&host.listeners, proto, range, addrs, sources)
            .into_iter()
            .map(|l| InternetListener {
                instance: f.resource.id.clone(),
                listener: l.clone(),
                finding_id: f.id.clone(),
                path: path.clone(),
            })
            .collect()
    }
}

/// Raises the `cve` findings of `instance` whose package owns an Internet-reachable
/// listener by one severity band (Critical stays Critical), keeping the advisory's in
/// `ORIGINAL_SEVERITY`, and names the ports, processes and paths in attributes.
/// Informational findings (a kernel that is not running, a negligible issue) are only
/// annotated. Returns how many findings were raised.
pub fn raise_reachable(
    findings: &mut [Finding],
    instance: &str,
    exposed: &[InternetListener],
) -> usize {
    let mut raised = 0;
    for f in findings
        .iter_mut()
        .filter(|f| f.package == Package::Cve && f.resource.id == instance)
    {
        let mut hits: Vec<&InternetListener> = exposed
            .iter()
            .filter(|e| e.instance == instance && owns(f, &e.listener))
            .collect();
        if hits.is_empty() {
            continue;
        }
        hits.sort_by(|a, b| {
            (
                a.listener.proto,
                a.listener.port,
                &a.listener.address,
                &a.finding_id,
            )
                .cmp(&(
                    b.listener.proto,
                    b.listener.port,
                    &b.listener.address,
                    &b.finding_id,
                ))
        });
        hits.dedup_by(|a, b| a.listener == b.listener && a.finding_id == b.finding_id);
        if annotate(f, &hits) {
            raised += 1;
        }
    }
    raised
}

fn owns(f: &Finding, l: &Listener) -> bool {
    let Some(p) = &l.package else { return false };
    let attr = |k: &str| f.attributes.get(k).map(String::as_str);
    attr("PACKAGE_KIND") == Some(p.kind.as_str())
        && attr("PACKAGE_NAME") == Some(p.name.as_str())
        && attr("INSTALLED_VERSION") == Some(p.version.as_str())
        && (p.arch.is_empty() || attr("ARCH").is_none_or(|a| a == p.arch))
}

/// Adds the reachability attributes; answers whether the severity was raised.
fn annotate(f: &mut Finding, hits: &[&InternetListener]) -> bool {
    let join = |each: &dyn Fn(&InternetListener) -> String| {
        let mut v: Vec<String> = hits.iter().map(|h| each(h)).collect();
        v.dedup();
        v.join(", ")
    };
    let ports = join(&|h| format!("{} {}", proto_name(h.listener.proto), h.listener.port));
    let processes = join(&|h| describe(&h.listener));
    let paths = join(&|h| h.path.clone());
    let at = &mut f.attributes;
    at.insert("NETWORK_REACHABLE".into(), "Internet".into());
    at.insert("NETWORK_REACHABLE_PORTS".into(), ports.clone());
    at.insert("NETWORK_REACHABLE_PROCESS".into(), processes.clone());
    at.insert("NETWORK_PATH".into(), paths);
    at.insert("NETWORK_FINDING".into(), join(&|h| h.finding_id.clone()));
    let raised = match f.severity {
        Severity::Low => Some(Severity::Medium),
        Severity::Medium => Some(Severity::High),
        Severity::High => Some(Severity::Critical),
        Severity::Critical | Severity::Informational => None,
    };
    let reach =
        format!("Its program listens where the Internet can reach it: {processes} (port {ports}).");
    match raised {
        Some(to) => {
            at.entry("ORIGINAL_SEVERITY".into())
                .or_insert_with(|| f.severity.as_str().into());
            f.description = format!(
                "{} {reach} Severity raised from {} to {} for network reachability.",
                f.description,
                f.severity.as_str(),
                to.as_str()
            );
            f.severity = to;
            true
        }
        None => {
            f.description = format!("{} {reach}", f.description);
            false
        }
    }
}

fn proto_name(p: Proto) -> &'static str {
    match p {
        Proto::Tcp => "TCP",
        Proto::Udp => "UDP",
    }
}
