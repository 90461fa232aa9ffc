//! Which listeners a network finding's sources can reach, and how findings name them.
use std::collections::BTreeMap;
use std::net::IpAddr;

use kensa_telemetry::{Family, Listener, Proto};

/// The address families of a finding's sources (`sourceCidrs`): (IPv4, IPv6).
pub(super) fn source_families(cidrs: &[String]) -> (bool, bool) {
    let v6 = cidrs.iter().any(|c| c.contains(':'));
    let v4 = cidrs.iter().any(|c| !c.contains(':'));
    // No sources listed: assume both rather than calling a listener unreachable.
    if !v4 && !v6 {
        (true, true)
    } else {
        (v4, v6)
    }
}

/// Listeners of `proto` on a port within `lo..=hi` that sources of the given families
/// can reach on an ENI with addresses `eni`: bound to the unspecified address of a family
/// the sources use (`::` also takes IPv4, as Linux does by default), or to one of the
/// ENI's own addresses. Sorted by port, address and pid, without duplicates.
pub fn reachable_listeners<'a>(
    listeners: &'a [Listener],
    proto: Proto,
    (lo, hi): (u16, u16),
    eni: &[IpAddr],
    (v4, v6): (bool, bool),
) -> Vec<&'a Listener> {
    let mut out: Vec<&Listener> = listeners
        .iter()
        .filter(|l| l.proto == proto && (lo..=hi).contains(&l.port))
        .filter(|l| address_reachable(l, eni, v4, v6))
        .collect();
    out.sort_by(|a, b| (a.port, &a.address, a.pid).cmp(&(b.port, &b.address, b.pid)));
    out.dedup_by(|a, b| (a.port, &a.address, a.pid) == (b.port, &b.address, b.pid));
    out
}

fn address_reachable(l: &Listener, eni: &[IpAddr], v4: bool, v6: bool) -> bool {
    let Ok(addr) = l.address.parse::<IpAddr>() else {
        return false;
    };
    if addr.is_unspecified() {
        return match l.family {
            Family::V4 => v4,
            Family::V6 => v4 || v6,
        };
    }
    let addr = match addr {
        IpAddr::V6(a) => a.to_ipv4_mapped().map_or(IpAddr::V6(a), IpAddr::V4),
        a => a,
    };
    eni.contains(&addr)
}

/// Listeners of `proto` on `lo..=hi` bound where no other host can reach them (loopback).
pub(super) fn loopback_listeners(
    listeners: &[Listener],
    proto: Proto,
    lo: u16,
    hi: u16,
) -> Vec<&Listener> {
    listeners
        .iter()
        .filter(|l| l.proto == proto && (lo..=hi).contains(&l.port) && l.is_loopback())
        .collect()
}

/// `sshd (pid 812, /usr/sbin/sshd, user root) on 0.0.0.0:22`; the unknown parts are said
/// to be unknown.
pub(super) fn describe(l: &Listener) -> String {
    let name = l
        .process_name
        .as_deref()
        .unwrap_or("an unidentified process");
    let mut parts = Vec::new();
    parts.push(l.pid.map_or("pid unknown".into(), |p| format!("pid {p}")));
    parts.push(l.exe.clone().unwrap_or_else(|| "executable unknown".into()));
    if let Some(u) = &l.user {
        parts.push(format!("user {u}"));
    }
    format!("{name} ({}) on {}", parts.join(", "), socket(l))
}

fn socket(l: &Listener) -> String {
    match l.family {
        Family::V6 => format!("[{}]:{}", l.address, l.port),
        Family::V4 => format!("{}:{}", l.address, l.port),
    }
}

/// The listener attributes a finding carries: one value per listener, comma-separated,
/// in the same order for every key (`-` where a value is unknown).
pub(super) fn attributes(ls: &[&Listener], at: &mut BTreeMap<String, String>) {
    let join = |f: &dyn Fn(&Listener) -> Option<String>| {
        ls.iter()
            .map(|l| f(l).unwrap_or_else(|| "-".into()))
            .collect::<Vec<_>>()
            .join(",")
    };
    at.insert("LISTENER_PROCESS".into(), join(&|l| l.process_name.clone()));
    at.insert(
        "LISTENER_PID".into(),
        join(&|l| l.pid.map(|p| p.to_string())),
    );
    at.insert("LISTENER_EXE".into(), join(&|l| l.exe.clone()));
    at.insert("LISTENER_USER".into(), join(&|l| l.user.clone()));
    at.insert("LISTENER_ADDRESS".into(), join(&|l| Some(socket(l))));
}

/// The telemetry's protocol for a finding's `PROTOCOL` attribute.
pub(super) fn proto_of(name: &str) -> Option<Proto> {
    match name {
        "TCP" => Some(Proto::Tcp),
        "UDP" => Some(Proto::Udp),
        _ => None,
    }
}

/// `lo-hi` or `port` as findings write a port range.
pub(super) fn parse_range(text: &str) -> Option<(u16, u16)> {
    match text.split_once('-') {
        Some((a, b)) => Some((a.trim().parse().ok()?, b.trim().parse().ok()?)),
        None => {
            let p = text.trim().parse().ok()?;
            Some((p, p))
        }
    }
}

/// The words for a finding's `REACHABILITY_TYPE`.
pub(super) fn class_words(class: &str) -> &'static str {
    match class {
        "Internet" => "the Internet",
        "PeeredVPC" => "a peered VPC",
        "VGW" => "a VPN/Direct Connect gateway",
        "TGW" => "a transit gateway",
        _ => "outside the VPC",
    }
}
