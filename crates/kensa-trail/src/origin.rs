//! Where an instance's credentials were used from. EC2 names the role session of an
//! instance profile after the instance (`assumed-role/<role>/i-0123...`); a call made
//! with those credentials from an address that is not the instance's is the signature of
//! stolen instance credentials (GuardDuty's InstanceCredentialExfiltration).
//!
//! With a snapshot, an instance's own addresses (private, public, every interface's, and
//! the public addresses of its VPC's NAT gateways) are the expected sources. Without
//! one, or for an instance the snapshot does not hold, any address outside AWS's
//! published ranges is (private addresses count as inside: VPC endpoints).
use std::collections::HashMap;
use std::io::Read;
use std::net::IpAddr;

use kensa_model::instance::{IpAssociation, Ipv6Address, PrivateIpAddress};
use kensa_model::Snapshot;

/// A dated copy of AWS's ip-ranges.json (createDate 2025-10-31-07-08-41), taken from
/// the `aws-ip-ranges` crate 0.1517.0 on crates.io (MIT/Apache-2.0), as its merged
/// intervals: parsing the 10 MB JSON on first use cost more than a 20,000-event trail.
/// A test checks that they are what the JSON (kept beside it) gives.
const BUNDLED_INTERVALS: &str = include_str!("../data/aws-ip-ranges-2025-10-31.intervals.txt");

/// AWS's published address ranges as sorted, merged intervals.
#[derive(Debug, Clone, Default)]
pub struct AwsRanges {
    v4: Vec<(u32, u32)>,
    v6: Vec<(u128, u128)>,
    /// The file's `createDate`.
    pub create_date: String,
}

#[derive(serde::Deserialize)]
struct RangesFile {
    #[serde(rename = "createDate", default)]
    create_date: String,
    #[serde(default)]
    prefixes: Vec<Prefix4>,
    #[serde(default)]
    ipv6_prefixes: Vec<Prefix6>,
}

#[derive(serde::Deserialize)]
struct Prefix4 {
    ip_prefix: String,
}

#[derive(serde::Deserialize)]
struct Prefix6 {
    ipv6_prefix: String,
}

impl AwsRanges {
    /// The copy bundled with kensa.
    pub fn bundled() -> AwsRanges {
        AwsRanges::from_intervals(BUNDLED_INTERVALS).expect("bundled intervals parse")
    }

    /// Reads the intervals [`AwsRanges::intervals_text`] writes.
    fn from_intervals(text: &str) -> Result<AwsRanges, String> {
        let mut ranges = AwsRanges::default();
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            if let Some(date) = line.strip_prefix("createDate ") {
                ranges.create_date = date.to_string();
                continue;
            }
            let bad = || format!("bad interval line {line:?}");
            let (lo, hi) = line.split_once(' ').ok_or_else(bad)?;
            match (
                lo.parse().map_err(|_| bad())?,
                hi.parse().map_err(|_| bad())?,
            ) {
                (IpAddr::V4(lo), IpAddr::V4(hi)) => ranges.v4.push((lo.into(), hi.into())),
                (IpAddr::V6(lo), IpAddr::V6(hi)) => ranges.v6.push((lo.into(), hi.into())),
                _ => return Err(bad()),
            }
        }
        Ok(ranges)
    }

    /// The merged intervals as text, one `first last` address pair a line (the bundled
    /// copy's format).
    pub fn intervals_text(&self) -> String {
        let mut out = format!("createDate {}\n", self.create_date);
        for &(lo, hi) in &self.v4 {
            let (lo, hi) = (std::net::Ipv4Addr::from(lo), std::net::Ipv4Addr::from(hi));
            out.push_str(&format!("{lo} {hi}\n"));
        }
        for &(lo, hi) in &self.v6 {
            let (lo, hi) = (std::net::Ipv6Addr::from(lo), std::net::Ipv6Addr::from(hi));
            out.push_str(&format!("{lo} {hi}\n"));
        }
        out
    }

    /// Reads ip-ranges.json (plain or gzip); the error says what is wrong and where.
    pub fn from_json(bytes: &[u8]) -> Result<AwsRanges, String> {
        let mut plain = Vec::new();
        let bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
            flate2::read::GzDecoder::new(bytes)
                .read_to_end(&mut plain)
                .map_err(|e| format!("gzip: {e}"))?;
            &plain[..]
        } else {
            bytes
        };
        let file: RangesFile =
            serde_json::from_slice(bytes).map_err(|e| format!("not an AWS ip-ranges.json: {e}"))?;
        let mut v4 = Vec::new();
        for p in &file.prefixes {
            let net: ipnet::Ipv4Net = p
                .ip_prefix
                .parse()
                .map_err(|e| format!("ip_prefix {:?}: {e}", p.ip_prefix))?;
            v4.push((u32::from(net.network()), u32::from(net.broadcast())));
        }
        let mut v6 = Vec::new();
        for p in &file.ipv6_prefixes {
            let net: ipnet::Ipv6Net = p
                .ipv6_prefix
                .parse()
                .map_err(|e| format!("ipv6_prefix {:?}: {e}", p.ipv6_prefix))?;
            v6.push((u128::from(net.network()), u128::from(net.broadcast())));
        }
        if v4.is_empty() && v6.is_empty() {
            return Err("not an AWS ip-ranges.json: no prefixes".into());
        }
        Ok(AwsRanges {
            v4: merge(v4),
            v6: merge(v6),
            create_date: file.create_date,
        })
    }

    /// Whether `ip` is in one of the published AWS prefixes (an IPv4-mapped IPv6 address is
    /// looked up as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match ip {
            IpAddr::V4(a) => within(&self.v4, u32::from(a)),
            IpAddr::V6(a) => match a.to_ipv4_mapped() {
                Some(v4) => within(&self.v4, u32::from(v4)),
                None => within(&self.v6, u128::from(a)),
            },
        }
    }
}

fn merge<T: Ord + Copy + num_step::Step>(mut v: Vec<(T, T)>) -> Vec<(T, T)> {
    v.sort_unstable();
    let mut out: Vec<(T, T)> = Vec::with_capacity(v.len());
    for (lo, hi) in v {
        match out.last_mut() {
            Some(last) if lo <= last.1.next() => last.1 = last.1.max(hi),
            _ => out.push((lo, hi)),
        }
    }
    out
}

fn within<T: Ord + Copy>(intervals: &[(T, T)], x: T) -> bool {
    let i = intervals.partition_point(|&(lo, _)| lo <= x);
    i > 0 && x <= intervals[i - 1].1
}

mod num_step {
    /// The next integer, saturating (for merging adjacent intervals).
    pub trait Step {
        fn next(self) -> Self;
    }
    impl Step for u32 {
        fn next(self) -> Self {
            self.saturating_add(1)
        }
    }
    impl Step for u128 {
        fn next(self) -> Self {
            self.saturating_add(1)
        }
    }
}

/// The addresses each instance of a snapshot may legitimately call AWS from.
#[derive(Debug, Clone, Default)]
pub struct InstanceAddresses {
    by_instance: HashMap<String, Vec<IpAddr>>,
}

impl InstanceAddresses {
    /// The addresses each instance of `snap` can send from: its interfaces' private, public
    /// and IPv6 addresses, and the public addresses of the NAT gateways of its VPC.
    pub fn from_snapshot(snap: &Snapshot) -> InstanceAddresses {
        let mut nat_by_vpc: HashMap<&str, Vec<IpAddr>> = HashMap::new();
        for nat in snap.nat_gateways.values() {
            let ips = nat
                .nat_gateway_addresses
                .iter()
                .flat_map(|a| [&a.public_ip, &a.private_ip]);
            let entry = nat_by_vpc
                .entry(nat.vpc_id.as_deref().unwrap_or(""))
                .or_default();
            entry.extend(ips.filter_map(|s| parse_ip(s.as_deref()?)));
        }
        let mut by_instance: HashMap<String, Vec<IpAddr>> = HashMap::new();
        for inst in snap.instances.values() {
            let ips = by_instance.entry(inst.instance_id.clone()).or_default();
            let own = [&inst.private_ip_address, &inst.public_ip_address];
            ips.extend(own.iter().filter_map(|s| parse_ip(s.as_deref()?)));
            for ni in &inst.network_interfaces {
                ips.extend(interface_ips(
                    &ni.private_ip_address,
                    &ni.private_ip_addresses,
                    &ni.ipv6_addresses,
                    &ni.association,
                ));
            }
            if let Some(nat) = inst.vpc_id.as_deref().and_then(|v| nat_by_vpc.get(v)) {
                ips.extend(nat.iter().copied());
            }
        }
        for ni in snap.network_interfaces.values() {
            let Some(id) = ni
                .attachment
                .as_ref()
                .and_then(|a| a.instance_id.as_deref())
            else {
                continue;
            };
            let ips = by_instance.entry(id.to_string()).or_default();
            ips.extend(interface_ips(
                &ni.private_ip_address,
                &ni.private_ip_addresses,
                &ni.ipv6_addresses,
                &ni.association,
            ));
        }
        InstanceAddresses { by_instance }
    }

    /// The instance's addresses, or None when the snapshot does not know it.
    pub fn of(&self, instance: &str) -> Option<&[IpAddr]> {
        self.by_instance.get(instance).map(Vec::as_slice)
    }

    /// Number of instances with at least one address.
    pub fn len(&self) -> usize {
        self.by_instance.len()
    }

    /// No instance address is known.
    pub fn is_empty(&self) -> bool {
        self.by_instance.is_empty()
    }
}

fn interface_ips<'a>(
    primary: &'a Option<String>,
    privates: &'a [PrivateIpAddress],
    v6: &'a [Ipv6Address],
    assoc: &'a Option<IpAssociation>,
) -> impl Iterator<Item = IpAddr> + 'a {
    let strings = std::iter::once(primary.as_deref())
        .chain(privates.iter().flat_map(|p| {
            [
                p.private_ip_address.as_deref(),
                p.association.as_ref().and_then(|a| a.public_ip.as_deref()),
            ]
        }))
        .chain(v6.iter().map(|a| a.ipv6_address.as_deref()))
        .chain(std::iter::once(
            assoc.as_ref().and_then(|a| a.public_ip.as_deref()),
        ));
    strings.flatten().filter_map(parse_ip)
}

fn parse_ip(s: &str) -> Option<IpAddr> {
    s.trim().parse().ok()
}

/// What the engine knows to judge where instance credentials were used from.
#[derive(Debug, Clone)]
pub struct CredentialOrigin {
    /// AWS's published prefixes: a call from outside them is not from an AWS network.
    pub ranges: AwsRanges,
    /// The snapshot's instance addresses, when a snapshot was given: a call with an instance's
    /// credentials from another address is from outside the instance.
    pub instances: Option<InstanceAddresses>,
}

impl Default for CredentialOrigin {
    fn default() -> Self {
        CredentialOrigin {
            ranges: AwsRanges::bundled(),
            instances: None,
        }
    }
}

/// The instance a session of an instance profile belongs to: the role session name of
/// an assumed-role ARN when it is an instance id.
pub fn session_instance(arn: &str) -> Option<&str> {
    let rest = arn.split_once(":assumed-role/")?.1;
    let session = rest.rsplit('/').next()?;
    let hex = session.strip_prefix("i-")?;
    let ok = (8..=17).contains(&hex.len()) && hex.bytes().all(|b| b.is_ascii_hexdigit());
    ok.then_some(session)
}

/// The origin used when the caller gave none: the bundled ranges, no snapshot.
pub fn default_origin() -> &'static CredentialOrigin {
    static DEFAULT: std::sync::OnceLock<CredentialOrigin> = std::sync::OnceLock::new();
    DEFAULT.get_or_init(CredentialOrigin::default)
}

impl CredentialOrigin {
    /// Whether a call by `instance`'s credentials from `source` (sourceIPAddress) came
    /// from outside it: None when the source is not an address (an AWS service name).
    pub fn outside(&self, instance: &str, source: &str) -> Option<bool> {
        let ip = parse_ip(source)?;
        if let Some(known) = self.instances.as_ref().and_then(|m| m.of(instance)) {
            return Some(!known.contains(&ip));
        }
        Some(!(is_private(ip) || self.ranges.contains(ip)))
    }
}

fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => {
            a.is_private()
                || a.is_loopback()
                || a.is_link_local()
                || (a.octets()[0] == 100 && (a.octets()[1] & 0xc0) == 64)
        }
        IpAddr::V6(a) => {
            a.is_loopback()
                || (a.segments()[0] & 0xfe00) == 0xfc00
                || (a.segments()[0] & 0xffc0) == 0xfe80
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bundled intervals are the merged prefixes of the bundled ip-ranges.json.
    #[test]
    fn bundled_intervals_are_the_bundled_json() {
        let json = include_bytes!("../data/aws-ip-ranges-2025-10-31.json.gz");
        let from_json = AwsRanges::from_json(json).unwrap();
        let bundled = AwsRanges::bundled();
        assert_eq!(bundled.intervals_text(), from_json.intervals_text());
        assert_eq!((bundled.v4.len(), bundled.v6.len()), (855, 1546));
    }

    #[test]
    fn bundled_ranges_know_aws_addresses() {
        let r = AwsRanges::bundled();
        assert_eq!(r.create_date, "2025-10-31-07-08-41");
        assert!(r.contains("3.5.140.1".parse().unwrap()));
        assert!(!r.contains("200.249.253.51".parse().unwrap()));
        assert!(!r.contains("192.0.2.1".parse().unwrap()));
    }

    #[test]
    fn instance_sessions() {
        assert_eq!(
            session_instance("arn:aws:sts::1:assumed-role/web/i-0123456789abcdef0"),
            Some("i-0123456789abcdef0")
        );
        assert_eq!(
            session_instance("arn:aws:sts::1:assumed-role/web/alice"),
            None
        );
        assert_eq!(
            session_instance("arn:aws:iam::1:user/i-0123456789abcdef0"),
            None
        );
    }

    #[test]
    fn outside_without_a_snapshot_uses_ranges() {
        let o = CredentialOrigin::default();
        assert_eq!(o.outside("i-1234567890", "200.249.253.51"), Some(true));
        assert_eq!(o.outside("i-1234567890", "3.5.140.1"), Some(false));
        assert_eq!(o.outside("i-1234567890", "10.0.1.5"), Some(false));
        assert_eq!(o.outside("i-1234567890", "ec2.amazonaws.com"), None);
    }
}
