//! The one definition of "the Internet" as a source: globally routable address space.
//!
//! Packets that arrive through an internet gateway never carry a private (RFC 1918),
//! shared (RFC 6598), loopback, link-local, multicast or reserved source address: the
//! Internet does not route them. So the Internet source class is every address *not* in
//! the special-purpose table below (IANA's IPv4 and IPv6 special-purpose address
//! registries, entries that are not globally reachable), minus what the account itself
//! owns (its VPCs' CIDR blocks, which route locally or over private links).
//!
//! IPv6: only `2000::/3` is allocated for global unicast; everything outside it is not
//! public, and the table lists the well-known entries (inside and outside) so an address
//! can be explained.
//!
//! Documentation ranges (TEST-NET-1/2/3, `2001:db8::/32`, `3fff::/20`) are routable in
//! the sense that nothing in AWS filters them, and examples and tests use them as
//! "somebody on the Internet"; they count as public unless a caller asks otherwise
//! ([`PublicSpace::without_documentation`]).
use std::net::IpAddr;
use std::sync::OnceLock;

use crate::rangeset::{parse_net, AddrSet};

/// One special-purpose block: its CIDR, what it is, and whether it is a documentation
/// range (public by default, see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpecialBlock {
    /// The block in CIDR notation.
    pub cidr: &'static str,
    /// What the block is for (the IANA registry's name: `Private-Use`, `Shared Address Space`, …).
    pub name: &'static str,
    /// A documentation range (TEST-NET, `2001:db8::/32`): public unless excluded.
    pub documentation: bool,
}

const fn block(cidr: &'static str, name: &'static str) -> SpecialBlock {
    SpecialBlock {
        cidr,
        name,
        documentation: false,
    }
}

const fn doc(cidr: &'static str, name: &'static str) -> SpecialBlock {
    SpecialBlock {
        cidr,
        name,
        documentation: true,
    }
}

/// Non-globally-reachable blocks, most specific first where they nest (so
/// [`special_block`] names the narrowest one).
pub const SPECIAL_BLOCKS: &[SpecialBlock] = &[
    block("0.0.0.0/32", "the unspecified address (RFC 1122)"),
    block("0.0.0.0/8", "\"this network\" (RFC 791)"),
    block("10.0.0.0/8", "private-use (RFC 1918)"),
    block("100.64.0.0/10", "shared address space (RFC 6598)"),
    block("127.0.0.0/8", "loopback (RFC 1122)"),
    block("169.254.0.0/16", "link-local (RFC 3927)"),
    block("172.16.0.0/12", "private-use (RFC 1918)"),
    block("192.0.0.0/24", "IETF protocol assignments (RFC 6890)"),
    doc("192.0.2.0/24", "documentation, TEST-NET-1 (RFC 5737)"),
    block("192.168.0.0/16", "private-use (RFC 1918)"),
    block("198.18.0.0/15", "benchmarking (RFC 2544)"),
    doc("198.51.100.0/24", "documentation, TEST-NET-2 (RFC 5737)"),
    doc("203.0.113.0/24", "documentation, TEST-NET-3 (RFC 5737)"),
    block("224.0.0.0/4", "multicast (RFC 5771)"),
    block("255.255.255.255/32", "limited broadcast (RFC 919)"),
    block("240.0.0.0/4", "reserved (RFC 1112)"),
    block("::/128", "the unspecified address (RFC 4291)"),
    block("::1/128", "loopback (RFC 4291)"),
    block("::ffff:0:0/96", "IPv4-mapped (RFC 4291)"),
    block(
        "64:ff9b:1::/48",
        "IPv4/IPv6 local-use translation (RFC 8215)",
    ),
    block("100::/64", "discard-only (RFC 6666)"),
    block("2001:2::/48", "benchmarking (RFC 5180)"),
    block("2001:10::/28", "ORCHID, deprecated (RFC 4843)"),
    doc("2001:db8::/32", "documentation (RFC 3849)"),
    doc("3fff::/20", "documentation (RFC 9637)"),
    block("5f00::/16", "segment routing SIDs (RFC 9602)"),
    block("fc00::/7", "unique local (RFC 4193)"),
    block("fe80::/10", "link-local (RFC 4291)"),
    block("ff00::/8", "multicast (RFC 4291)"),
];

/// The only IPv6 space allocated for global unicast.
const GLOBAL_UNICAST_V6: &str = "2000::/3";

/// Which special-purpose block `ip` is in, if any (the narrowest listed first).
pub fn special_block(ip: IpAddr) -> Option<&'static SpecialBlock> {
    SPECIAL_BLOCKS
        .iter()
        .find(|b| parse_net(b.cidr).is_some_and(|n| n.contains(&ip)))
}

/// Why `ip` can never be an Internet source or destination, in words; `None` when it
/// is globally routable. Documentation ranges count as routable here.
pub fn not_public_reason(ip: IpAddr) -> Option<String> {
    if let Some(b) = special_block(ip).filter(|b| !b.documentation) {
        return Some(format!("{ip} is {}", b.name));
    }
    if ip.is_ipv6() {
        let global = parse_net(GLOBAL_UNICAST_V6).is_some_and(|n| n.contains(&ip));
        if !global {
            return Some(format!(
                "{ip} is outside {GLOBAL_UNICAST_V6}, the only IPv6 space allocated for global unicast"
            ));
        }
    }
    None
}

/// Globally routable address space, as a set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PublicSpace {
    /// Documentation ranges are not public either.
    pub exclude_documentation: bool,
}

impl PublicSpace {
    /// Public space without the documentation ranges too (for demos and tests that must use
    /// addresses no real client has).
    pub fn without_documentation() -> Self {
        PublicSpace {
            exclude_documentation: true,
        }
    }

    /// Every globally routable IPv4 and IPv6 address.
    pub fn addrs(self) -> &'static AddrSet {
        static WITH_DOC: OnceLock<AddrSet> = OnceLock::new();
        static WITHOUT_DOC: OnceLock<AddrSet> = OnceLock::new();
        let cell = if self.exclude_documentation {
            &WITHOUT_DOC
        } else {
            &WITH_DOC
        };
        cell.get_or_init(|| self.compute())
    }

    fn compute(self) -> AddrSet {
        let mut space =
            AddrSet::all_v4().union(&AddrSet::parse(GLOBAL_UNICAST_V6).unwrap_or_default());
        for b in SPECIAL_BLOCKS {
            if b.documentation && !self.exclude_documentation {
                continue;
            }
            if let Some(set) = AddrSet::parse(b.cidr) {
                space = space.difference(&set);
            }
        }
        space
    }

    /// The Internet as a source for an account that owns `owned`.
    pub fn internet(self, owned: &AddrSet) -> AddrSet {
        self.addrs().difference(owned)
    }
}

/// Whether `ip` is globally routable (documentation ranges included).
pub fn is_public(ip: IpAddr) -> bool {
    // A lookup in the computed space: [`not_public_reason`] parses the table and words a
    // reason, too slow for a check made per interface address.
    PublicSpace::default().addrs().contains(ip)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast set lookup and the worded reason agree, block by block and around them.
    #[test]
    fn is_public_agrees_with_the_reason() {
        let mut probes: Vec<IpAddr> = Vec::new();
        for b in SPECIAL_BLOCKS {
            let net = parse_net(b.cidr).unwrap();
            probes.push(net.network());
            probes.push(net.broadcast());
        }
        for p in probes.clone() {
            probes.extend(match p {
                IpAddr::V4(a) => [u32::from(a).wrapping_sub(1), u32::from(a).wrapping_add(1)]
                    .map(|x| IpAddr::from(std::net::Ipv4Addr::from(x))),
                IpAddr::V6(a) => [u128::from(a).wrapping_sub(1), u128::from(a).wrapping_add(1)]
                    .map(|x| IpAddr::from(std::net::Ipv6Addr::from(x))),
            });
        }
        for ip in probes {
            assert_eq!(is_public(ip), not_public_reason(ip).is_none(), "{ip}");
        }
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn set_and_per_address_check_agree() {
        let space = PublicSpace::default().addrs();
        for s in [
            "8.8.8.8",
            "10.1.2.3",
            "100.64.0.1",
            "100.128.0.1",
            "127.0.0.1",
            "169.254.1.1",
            "172.15.255.255",
            "172.16.0.1",
            "172.32.0.0",
            "192.0.0.8",
            "192.0.2.1",
            "192.168.1.1",
            "198.18.0.1",
            "203.0.113.9",
            "224.0.0.1",
            "239.255.255.255",
            "240.0.0.1",
            "255.255.255.255",
            "0.0.0.0",
            "0.1.2.3",
            "1.0.0.0",
            "2001:db8::1",
            "2600:1f00::1",
            "fe80::1",
            "fd00::1",
            "ff02::1",
            "::1",
            "::",
            "::ffff:8.8.8.8",
            "3fff::1",
            "4000::1",
            "2001:2::1",
        ] {
            assert_eq!(space.contains(ip(s)), is_public(ip(s)), "{s}");
        }
    }

    #[test]
    fn private_and_reserved_sources_are_not_the_internet() {
        for s in [
            "10.0.0.0",
            "172.31.255.255",
            "192.168.0.1",
            "100.127.255.255",
            "224.0.0.1",
        ] {
            assert!(not_public_reason(ip(s)).is_some(), "{s}");
        }
        assert!(is_public(ip("1.1.1.1")));
        assert!(is_public(ip("2600::1")));
        assert!(not_public_reason(ip("255.255.255.255"))
            .unwrap()
            .contains("broadcast"));
    }

    #[test]
    fn documentation_ranges_only_when_asked() {
        let strict = PublicSpace::without_documentation().addrs();
        assert!(!strict.contains(ip("203.0.113.5")));
        assert!(PublicSpace::default().addrs().contains(ip("203.0.113.5")));
    }

    #[test]
    fn what_the_account_owns_is_not_the_internet() {
        let owned = AddrSet::parse("54.0.0.0/8").unwrap();
        let net = PublicSpace::default().internet(&owned);
        assert!(!net.contains(ip("54.1.1.1")));
        assert!(net.contains(ip("55.1.1.1")));
    }
}
