//! Values checked once, as records are loaded: CIDRs (with a prefix, in the field of their
//! family), ports and port ranges, protocols, id prefixes. (A network ACL rule's
//! `PortRange` is checked earlier, as it is read: see [`crate::ports::acl`].) A record with an invalid value
//! is rejected whole, with the JSON path of the value, so that `scan`, `path`,
//! `compliance` and `remediate` all see the same model: a rule `tcp 0-70000 from
//! 0.0.0.0/0` is not "skipped" by one analyser and "open" to another.
use std::str::FromStr;

use ipnet::{Ipv4Net, Ipv6Net};

use super::resource::Resource;
use crate::ec2::{
    IpPermission, NetworkAcl, RouteTable, SecurityGroup, SecurityGroupRule, Subnet, Vpc,
};
use crate::elb::{ClassicLoadBalancer, Listener, TargetGroup};
use crate::gateway::PrefixList;
use crate::ids::IdKind;

/// An invalid value: where in the record (`IpPermissions[0].FromPort`) and what is wrong.
#[derive(Debug)]
pub(crate) struct Invalid {
    pub path: String,
    pub message: String,
}

fn invalid(path: impl Into<String>, message: impl Into<String>) -> Invalid {
    Invalid {
        path: path.into(),
        message: message.into(),
    }
}

/// Checks beyond the shape serde already checked; the default accepts.
pub(crate) trait Validate {
    fn validate(&self) -> Result<(), Invalid> {
        Ok(())
    }
}

/// The record's own id has the prefix of its kind, then the kind's own checks.
pub(crate) fn check<T: Resource>(record: &T) -> Result<(), Invalid> {
    if let Some(kind) = IdKind::of(T::TYPE) {
        let id = record.id();
        if IdKind::detect(id) != Some(kind) {
            let msg = format!(
                "{} id {id:?} does not start with {:?}",
                T::TYPE.human_name(),
                kind.prefix()
            );
            return Err(invalid("", msg));
        }
    }
    record.validate()
}

/// An IPv4 CIDR with its prefix length (`10.0.0.0/16`; `0.0.0.0` alone is refused: it
/// would be read as one host by some tools and as everything by others).
pub fn check_cidr_v4(value: &str) -> Result<Ipv4Net, String> {
    if !value.contains('/') {
        return Err(format!(
            "{value:?} is not an IPv4 CIDR: the /prefix is missing"
        ));
    }
    // The family's own parse first: a value that parses as IPv4 is not IPv6, and the
    // other family is only tried to word the error.
    Ipv4Net::from_str(value).map_err(|_| match Ipv6Net::from_str(value) {
        Ok(_) => format!("{value:?} is an IPv6 CIDR in an IPv4 field"),
        Err(_) => format!("{value:?} is not an IPv4 CIDR"),
    })
}

/// An IPv6 CIDR with its prefix length.
pub fn check_cidr_v6(value: &str) -> Result<Ipv6Net, String> {
    if !value.contains('/') {
        return Err(format!(
            "{value:?} is not an IPv6 CIDR: the /prefix is missing"
        ));
    }
    Ipv6Net::from_str(value).map_err(|_| match Ipv4Net::from_str(value) {
        Ok(_) => format!("{value:?} is an IPv4 CIDR in an IPv6 field"),
        Err(_) => format!("{value:?} is not an IPv6 CIDR"),
    })
}

/// What a protocol value means for its port fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtocolPorts {
    /// TCP or UDP: ports 0-65535 (-1: unbounded).
    Ports,
    /// ICMP or ICMPv6: type and code, -1 (any) to 255.
    IcmpTypeCode,
    /// All traffic or another protocol: the port fields are not used.
    Unused,
}

/// A protocol as security groups and network ACLs give it: a name (`tcp`, `udp`, `icmp`,
/// `icmpv6`), `-1` (all) or an IP protocol number 0-255.
pub fn check_protocol(value: &str) -> Result<ProtocolPorts, String> {
    match value.to_ascii_lowercase().as_str() {
        "tcp" | "udp" | "6" | "17" => Ok(ProtocolPorts::Ports),
        "icmp" | "icmpv6" | "1" | "58" => Ok(ProtocolPorts::IcmpTypeCode),
        "-1" | "all" => Ok(ProtocolPorts::Unused),
        other => match other.parse::<u16>() {
            Ok(n) if n <= 255 => Ok(ProtocolPorts::Unused),
            _ => Err(format!(
                "{value:?} is not a protocol (a name, -1, or 0-255)"
            )),
        },
    }
}

/// The `FromPort`/`ToPort` pair of a rule with protocol `protocol`.
pub fn check_ports(
    protocol: &str,
    from: Option<i32>,
    to: Option<i32>,
) -> Result<(), (&'static str, String)> {
    let kind = check_protocol(protocol).map_err(|e| ("IpProtocol", e))?;
    let (low, high, what) = match kind {
        ProtocolPorts::Unused => return Ok(()),
        // -1 is "unbounded" in describe output (and how Batfish's fixtures read it).
        ProtocolPorts::Ports => (-1, 65_535, "port"),
        ProtocolPorts::IcmpTypeCode => (-1, 255, "ICMP type/code"),
    };
    for (field, value) in [("FromPort", from), ("ToPort", to)] {
        if let Some(v) = value.filter(|v| !(low..=high).contains(v)) {
            return Err((field, format!("{what} {v} is outside {low} to {high}")));
        }
    }
    if let (ProtocolPorts::Ports, Some(f), Some(t)) = (kind, from, to) {
        if f > t && t >= 0 {
            return Err((
                "ToPort",
                format!("port range {f}-{t} ends before it starts"),
            ));
        }
    }
    Ok(())
}

fn at<T>(path: String, result: Result<T, String>) -> Result<(), Invalid> {
    result
        .map(|_| ())
        .map_err(|message| Invalid { path, message })
}

fn opt_v4(path: impl FnOnce() -> String, value: Option<&String>) -> Result<(), Invalid> {
    value.map_or(Ok(()), |v| lazy_at(path, check_cidr_v4(v)))
}

fn opt_v6(path: impl FnOnce() -> String, value: Option<&String>) -> Result<(), Invalid> {
    value.map_or(Ok(()), |v| lazy_at(path, check_cidr_v6(v)))
}

/// Like [`at`], with the path worded only for an error: every rule of every group is
/// checked, and building the paths of the valid ones cost more than the checks.
fn lazy_at<T>(path: impl FnOnce() -> String, result: Result<T, String>) -> Result<(), Invalid> {
    result.map(|_| ()).map_err(|message| Invalid {
        path: path(),
        message,
    })
}

/// One permission, at `list[index]` (`IpPermissions[0]`).
fn permission(list: &str, index: usize, p: &IpPermission) -> Result<(), Invalid> {
    let base = || format!("{list}[{index}]");
    check_ports(&p.ip_protocol, p.from_port, p.to_port)
        .map_err(|(field, message)| invalid(format!("{}.{field}", base()), message))?;
    for (i, r) in p.ip_ranges.iter().enumerate() {
        lazy_at(
            || format!("{}.IpRanges[{i}].CidrIp", base()),
            check_cidr_v4(&r.cidr_ip),
        )?;
    }
    for (i, r) in p.ipv6_ranges.iter().enumerate() {
        lazy_at(
            || format!("{}.Ipv6Ranges[{i}].CidrIpv6", base()),
            check_cidr_v6(&r.cidr_ipv6),
        )?;
    }
    Ok(())
}

impl Validate for SecurityGroup {
    fn validate(&self) -> Result<(), Invalid> {
        let lists = [
            ("IpPermissions", &self.ip_permissions),
            ("IpPermissionsEgress", &self.ip_permissions_egress),
        ];
        for (name, perms) in lists {
            for (i, p) in perms.iter().enumerate() {
                permission(name, i, p)?;
            }
        }
        Ok(())
    }
}

impl Validate for SecurityGroupRule {
    fn validate(&self) -> Result<(), Invalid> {
        check_ports(&self.ip_protocol, self.from_port, self.to_port)
            .map_err(|(field, message)| invalid(field, message))?;
        opt_v4(|| "CidrIpv4".into(), self.cidr_ipv4.as_ref())?;
        opt_v6(|| "CidrIpv6".into(), self.cidr_ipv6.as_ref())
    }
}

impl Validate for NetworkAcl {
    fn validate(&self) -> Result<(), Invalid> {
        for (i, e) in self.entries.iter().enumerate() {
            let base = format!("Entries[{i}]");
            check_protocol(&e.protocol).map_err(|m| invalid(format!("{base}.Protocol"), m))?;
            opt_v4(|| format!("{base}.CidrBlock"), e.cidr_block.as_ref())?;
            opt_v6(
                || format!("{base}.Ipv6CidrBlock"),
                e.ipv6_cidr_block.as_ref(),
            )?;
        }
        Ok(())
    }
}

impl Validate for Vpc {
    fn validate(&self) -> Result<(), Invalid> {
        opt_v4(|| "CidrBlock".into(), self.cidr_block.as_ref())?;
        for (i, a) in self.cidr_block_association_set.iter().enumerate() {
            opt_v4(
                || format!("CidrBlockAssociationSet[{i}].CidrBlock"),
                a.cidr_block.as_ref(),
            )?;
        }
        for (i, a) in self.ipv6_cidr_block_association_set.iter().enumerate() {
            opt_v6(
                || format!("Ipv6CidrBlockAssociationSet[{i}].Ipv6CidrBlock"),
                a.ipv6_cidr_block.as_ref(),
            )?;
        }
        Ok(())
    }
}

impl Validate for Subnet {
    fn validate(&self) -> Result<(), Invalid> {
        opt_v4(|| "CidrBlock".into(), self.cidr_block.as_ref())?;
        for (i, a) in self.ipv6_cidr_block_association_set.iter().enumerate() {
            opt_v6(
                || format!("Ipv6CidrBlockAssociationSet[{i}].Ipv6CidrBlock"),
                a.ipv6_cidr_block.as_ref(),
            )?;
        }
        Ok(())
    }
}

impl Validate for RouteTable {
    fn validate(&self) -> Result<(), Invalid> {
        for (i, r) in self.routes.iter().enumerate() {
            opt_v4(
                || format!("Routes[{i}].DestinationCidrBlock"),
                r.destination_cidr_block.as_ref(),
            )?;
            opt_v6(
                || format!("Routes[{i}].DestinationIpv6CidrBlock"),
                r.destination_ipv6_cidr_block.as_ref(),
            )?;
        }
        Ok(())
    }
}

impl Validate for PrefixList {
    fn validate(&self) -> Result<(), Invalid> {
        let family = self.address_family.as_deref().map(str::to_ascii_lowercase);
        let check = |path: String, cidr: &str| match family.as_deref() {
            Some("ipv4") => at(path, check_cidr_v4(cidr)),
            Some("ipv6") => at(path, check_cidr_v6(cidr)),
            _ => any_family(path, cidr),
        };
        for (i, c) in self.cidrs.iter().enumerate() {
            check(format!("Cidrs[{i}]"), c)?;
        }
        for (i, e) in self.entries.iter().enumerate() {
            check(format!("Entries[{i}].Cidr"), &e.cidr)?;
        }
        Ok(())
    }
}

fn port(path: &str, value: Option<i32>) -> Result<(), Invalid> {
    match value {
        Some(p) if !(1..=65_535).contains(&p) => {
            Err(invalid(path, format!("port {p} is outside 1 to 65535")))
        }
        _ => Ok(()),
    }
}

impl Validate for Listener {
    fn validate(&self) -> Result<(), Invalid> {
        port("Port", self.port)
    }
}

impl Validate for TargetGroup {
    fn validate(&self) -> Result<(), Invalid> {
        port("Port", self.port)
    }
}

impl Validate for ClassicLoadBalancer {
    fn validate(&self) -> Result<(), Invalid> {
        for (i, d) in self.listener_descriptions.iter().enumerate() {
            let base = format!("ListenerDescriptions[{i}].Listener");
            port(
                &format!("{base}.LoadBalancerPort"),
                Some(d.listener.load_balancer_port),
            )?;
            port(
                &format!("{base}.InstancePort"),
                Some(d.listener.instance_port),
            )?;
        }
        Ok(())
    }
}

/// A CIDR of either family (prefix list entries, transit gateway routes).
fn any_family(path: String, cidr: &str) -> Result<(), Invalid> {
    if check_cidr_v4(cidr).is_ok() || check_cidr_v6(cidr).is_ok() {
        return Ok(());
    }
    let reason = check_cidr_v4(cidr).err().unwrap_or_default();
    let msg = if cidr.contains(':') {
        check_cidr_v6(cidr).err().unwrap_or(reason)
    } else {
        reason
    };
    Err(invalid(path, msg))
}

impl Validate for crate::gateway::PrefixListEntry {
    fn validate(&self) -> Result<(), Invalid> {
        any_family("Cidr".into(), &self.cidr)
    }
}

impl Validate for crate::transit::TransitGatewayRoute {
    fn validate(&self) -> Result<(), Invalid> {
        match &self.destination_cidr_block {
            Some(cidr) => any_family("DestinationCidrBlock".into(), cidr),
            None => Ok(()),
        }
    }
}

macro_rules! accepted_as_read {
    ($($ty:ty),* $(,)?) => { $(impl Validate for $ty {})* };
}

accepted_as_read!(
    crate::instance::NetworkInterface,
    crate::instance::Instance,
    crate::instance::Address,
    crate::gateway::InternetGateway,
    crate::gateway::EgressOnlyInternetGateway,
    crate::gateway::NatGateway,
    crate::transit::VpcPeeringConnection,
    crate::transit::VpnGateway,
    crate::transit::VpnConnection,
    crate::transit::CustomerGateway,
    crate::transit::TransitGateway,
    crate::transit::TransitGatewayAttachment,
    crate::transit::TransitGatewayRouteTable,
    crate::transit::VpcEndpoint,
    crate::direct_connect::DirectConnectGateway,
    crate::direct_connect::DirectConnectGatewayAssociation,
    crate::direct_connect::VirtualInterface,
    crate::elb::LoadBalancer,
    crate::compute::Volume,
    crate::compute::EbsSnapshot,
    crate::compute::Image,
    crate::compute::LaunchTemplate,
    crate::compute::FlowLog,
    crate::elb::TargetHealthDescription,
    crate::transit::TgwRouteTablePropagation,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrs_need_a_prefix_and_their_family() {
        assert!(check_cidr_v4("0.0.0.0/0").is_ok());
        assert!(check_cidr_v4("10.0.0.1/24").is_ok());
        for bad in ["0.0.0.0", "::/0", "10.0.0.0/33", "300.0.0.0/8", "", "x"] {
            assert!(check_cidr_v4(bad).is_err(), "{bad}");
        }
        assert!(check_cidr_v6("::/0").is_ok());
        for bad in ["::", "0.0.0.0/0", "2001:db8::/129"] {
            assert!(check_cidr_v6(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ports_follow_the_protocol() {
        assert!(check_ports("tcp", Some(0), Some(65_535)).is_ok());
        assert!(check_ports("-1", None, None).is_ok());
        assert!(check_ports("-1", Some(-1), Some(-1)).is_ok());
        assert!(check_ports("icmp", Some(-1), Some(-1)).is_ok());
        assert_eq!(
            check_ports("tcp", Some(0), Some(70_000)).unwrap_err().0,
            "ToPort"
        );
        assert_eq!(
            check_ports("udp", Some(-5), Some(10)).unwrap_err().0,
            "FromPort"
        );
        assert_eq!(
            check_ports("tcp", Some(90), Some(80)).unwrap_err().0,
            "ToPort"
        );
        assert_eq!(check_ports("tcpp", None, None).unwrap_err().0, "IpProtocol");
        assert!(check_ports("50", Some(0), Some(0)).is_ok());
        assert!(check_ports("256", None, None).is_err());
    }
}
