//! The words and numbers that findings show: protocol names, port ranges, sources.
use crate::engine::SourceClass;
use crate::flow::{FlowSet, ICMP, ICMPV6, TCP, UDP};
use crate::rangeset::{AddrSet, RangeSet};

/// Inspector's protocol names.
pub fn protocol_name(p: u8) -> String {
    match p {
        TCP => "TCP".into(),
        UDP => "UDP".into(),
        ICMP => "ICMP".into(),
        ICMPV6 => "ICMPV6".into(),
        n => n.to_string(),
    }
}

pub(super) fn range_text(lo: u16, hi: u16) -> String {
    if lo == hi {
        lo.to_string()
    } else {
        format!("{lo}-{hi}")
    }
}

/// The source addresses for display, exact and short: either the CIDR list itself, or,
/// when shorter, the address families' ranges with the exceptions (sources =
/// `sourceCidrs` minus `exceptCidrs`). When every source is public (the Internet), the
/// ranges are those of public address space ([`crate::public`]), so `sourceCidrs` never
/// names a private range; otherwise whole families (`0.0.0.0/0`, `::/0`).
pub fn compact_sources(sources: &AddrSet) -> (Vec<String>, Vec<String>) {
    let mut families = AddrSet::empty();
    if !sources.v4.is_empty() {
        families = families.union(&AddrSet::all_v4());
    }
    if !sources.v6.is_empty() {
        families = families.union(&AddrSet::all_v6());
    }
    let public = crate::public::PublicSpace::default().addrs();
    if sources.difference(public).is_empty() {
        families = families.intersect(public);
    }
    let except = families.difference(sources);
    // Count first, format only the form that is shown.
    if families.cidr_count() + except.cidr_count() < sources.cidr_count() {
        (families.to_cidrs(), except.to_cidrs())
    } else {
        (sources.to_cidrs(), Vec::new())
    }
}

pub(super) fn class_words(c: SourceClass) -> &'static str {
    match c {
        SourceClass::Internet => "the Internet",
        SourceClass::PeeredVPC => "a peered VPC",
        SourceClass::VGW => "a VPN/Direct Connect gateway",
        SourceClass::TGW => "a transit gateway",
    }
}

/// The sources in words: "any public IPv4 address" (IPv6, or both) when they are a whole
/// family's public space, else the abbreviated CIDR list with its exceptions.
pub(super) fn source_words(cidrs: &[String], except: &[String]) -> String {
    use std::sync::OnceLock;
    static LISTS: OnceLock<[(Vec<String>, &str); 3]> = OnceLock::new();
    let lists = LISTS.get_or_init(|| {
        let public = crate::public::PublicSpace::default().addrs();
        let v4 = public.intersect(&AddrSet::all_v4()).to_cidrs();
        let v6 = public.intersect(&AddrSet::all_v6()).to_cidrs();
        let both = public.to_cidrs();
        [
            (v4, "any public IPv4 address"),
            (v6, "any public IPv6 address"),
            (both, "any public address"),
        ]
    });
    let words = lists
        .iter()
        .find(|(l, _)| l.as_slice() == cidrs)
        .map(|x| x.1);
    let base = words.map_or_else(|| abbreviate(cidrs), str::to_string);
    if except.is_empty() {
        base
    } else {
        format!("{base} except {}", abbreviate(except))
    }
}

fn abbreviate(cidrs: &[String]) -> String {
    if cidrs.len() <= 5 {
        cidrs.join(", ")
    } else {
        format!("{}, ... ({} more)", cidrs[..5].join(", "), cidrs.len() - 5)
    }
}

/// Describes a flow set as `TCP 22, 80-443; UDP 53; ALL` lines.
pub fn describe_flows(flows: &FlowSet) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (plo, phi, pm) in flows.segments() {
        let proto = if plo == phi {
            protocol_name(*plo)
        } else if (*plo, *phi) == (0, 255) {
            "ALL".into()
        } else {
            format!("{plo}-{phi}")
        };
        let ports: RangeSet<u16> = RangeSet::from_ranges(pm.segments().iter().map(|s| (s.0, s.1)));
        let text = if ports.is_full() || (plo == phi && !crate::flow::has_ports(*plo)) {
            "all".to_string()
        } else {
            ports
                .ranges()
                .iter()
                .map(|(a, b)| range_text(*a, *b))
                .collect::<Vec<_>>()
                .join(",")
        };
        out.push((proto, text));
    }
    out
}
