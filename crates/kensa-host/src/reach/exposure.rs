//! `UnrecognizedPortWithListener`: a reachable listener on a port that is not one of the
//! recognised services, found from an ENI's `NetworkExposure` finding.
use std::net::IpAddr;

use kensa_model::finding::NetworkPathEvidence;
use kensa_model::ports::PortRange;
use kensa_model::{finding_id, Evidence, Finding, Severity};
use kensa_net::ports::RECOGNIZED;
use kensa_telemetry::{Listener, Proto};

use super::listeners::{
    attributes, class_words, describe, parse_range, reachable_listeners, source_families,
};
use super::{HostListeners, RULE_UNRECOGNIZED};

/// Attributes of the exposure that describe the whole ENI, not one port.
const EXPOSURE_ONLY: [&str; 1] = ["OPEN_PORT_RANGES"];

/// The unrecognised-port findings of one exposure, by protocol and port.
pub(super) fn unrecognized(
    exposure: &Finding,
    host: &HostListeners,
    eni: &[IpAddr],
) -> Vec<Finding> {
    let Some(Evidence::NetworkPath(path)) = &exposure.evidence else {
        return Vec::new();
    };
    let families = source_families(&path.source_cidrs);
    let mut found: Vec<&Listener> = Vec::new();
    for open in path.open_ranges.iter().flatten() {
        for proto in protocols(&open.protocol) {
            for range in port_ranges(&open.ports) {
                found.extend(reachable_listeners(
                    &host.listeners,
                    proto,
                    range,
                    eni,
                    families,
                ));
            }
        }
    }
    found.retain(|l| !is_recognized(l.proto, l.port));
    found.sort_by_key(|l| (l.proto, l.port));
    let mut out = Vec::new();
    for chunk in found.chunk_by(|a, b| (a.proto, a.port) == (b.proto, b.port)) {
        out.push(finding(exposure, path, host, chunk));
    }
    out
}

fn finding(
    exposure: &Finding,
    path: &NetworkPathEvidence,
    host: &HostListeners,
    ls: &[&Listener],
) -> Finding {
    let (proto, port) = (ls[0].proto, ls[0].port);
    let proto_name = match proto {
        Proto::Tcp => "TCP",
        Proto::Udp => "UDP",
    };
    let class = exposure
        .attributes
        .get("REACHABILITY_TYPE")
        .cloned()
        .unwrap_or_default();
    let mut attrs = exposure.attributes.clone();
    for k in EXPOSURE_ONLY {
        attrs.remove(k);
    }
    attrs.insert("RULE_TYPE".into(), RULE_UNRECOGNIZED.into());
    attrs.insert("PROTOCOL".into(), proto_name.into());
    attrs.insert("PORT".into(), port.to_string());
    attrs.insert("PORT_RANGE".into(), port.to_string());
    attrs.insert("TELEMETRY_COLLECTED_AT".into(), host.collected_at.clone());
    attributes(ls, &mut attrs);
    let names: Vec<String> = ls.iter().map(|l| describe(l)).collect();
    let process = ls[0]
        .process_name
        .as_deref()
        .unwrap_or("the listening process");
    let groups = attrs.get("SECURITY_GROUP").cloned().unwrap_or_default();
    let eni = attrs.get("ENI").cloned().unwrap_or_default();
    let class_text = class_words(&class);
    let mut evidence = path.clone();
    evidence.open_port_range = PortRange {
        from: port,
        to: port,
    };
    evidence.protocol = proto_name.into();
    evidence.open_ranges = None;
    Finding {
        id: finding_id(RULE_UNRECOGNIZED, &exposure.id, &[proto_name, &port.to_string()]),
        rule_id: RULE_UNRECOGNIZED.into(),
        title: format!("{proto_name} port {port}, where {process} listens, is reachable from {class_text}"),
        severity: Severity::Low,
        description: format!(
            "On {} (ENI {eni}), {proto_name} port {port} can be reached from {class_text} (the ENI's exposure: {}), and a process listens on it: {} (telemetry collected {} from {}). It is not a recognised service port, so its exposure may be unintended.",
            exposure.resource.id,
            exposure.attributes.get("OPEN_PORT_RANGES").map_or("", String::as_str),
            names.join("; "),
            host.collected_at,
            host.source,
        ),
        recommendation: format!(
            "If {process} is not meant to serve {class_text}, remove the rules admitting {proto_name} {port} from security group(s) {groups}, or bind {process} to a private or loopback address."
        ),
        attributes: attrs,
        evidence: Some(Evidence::NetworkPath(evidence)),
        ..exposure.clone()
    }
}

/// The telemetry protocols an open range's protocol text covers (`TCP`, `UDP`, `ALL`, or
/// a numeric protocol range such as `0-255`).
fn protocols(text: &str) -> Vec<Proto> {
    match text {
        "TCP" => vec![Proto::Tcp],
        "UDP" => vec![Proto::Udp],
        "ALL" => vec![Proto::Tcp, Proto::Udp],
        other => match parse_range(other) {
            Some((lo, hi)) => [(6u16, Proto::Tcp), (17, Proto::Udp)]
                .into_iter()
                .filter(|(n, _)| (lo..=hi).contains(n))
                .map(|(_, p)| p)
                .collect(),
            None => Vec::new(),
        },
    }
}

/// `all` or `22,80-443` as port ranges.
fn port_ranges(text: &str) -> Vec<(u16, u16)> {
    if text == "all" {
        return vec![(0, u16::MAX)];
    }
    text.split(',').filter_map(parse_range).collect()
}

fn is_recognized(proto: Proto, port: u16) -> bool {
    let number = match proto {
        Proto::Tcp => 6,
        Proto::Udp => 17,
    };
    RECOGNIZED
        .iter()
        .any(|r| r.protocol == number && (r.ports.from..=r.ports.to).contains(&port))
}
