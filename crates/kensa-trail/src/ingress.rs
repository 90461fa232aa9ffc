//! `ec2.ingress.world_ports` (a kensa extension field): the port ranges that a security
//! group request opens to the whole Internet (`0.0.0.0/0` or `::/0`).
//!
//! Read from every permission of the request, in the shapes CloudTrail records:
//! AuthorizeSecurityGroupIngress/Egress and Revoke* with `ipPermissions.items[]`
//! (`ipRanges.items[].cidrIp`, `ipv6Ranges.items[].cidrIpv6`) or the flat
//! `cidrIp`/`ipProtocol`/`fromPort`/`toPort` form, and ModifySecurityGroupRules'
//! `SecurityGroupRule` (`CidrIpv4`/`CidrIpv6`). Protocol `-1`/`all` opens 0-65535;
//! `tcp`/`udp` (6/17) open `fromPort..=toPort`; other protocols (ICMP, ...) have no ports.
//! Conditions compare the ranges numerically: `intersects (22, 3389)` is true for a
//! range 20-25; `in (...)` is true when every port of every range is listed.

use std::borrow::Cow;

use crate::event::{text, Event, Raw};

const WORLD: [&str; 2] = ["0.0.0.0/0", "::/0"];

/// The inclusive port range a permission opens, by protocol.
fn range(
    protocol: Option<Raw<'_>>,
    from: Option<Raw<'_>>,
    to: Option<Raw<'_>>,
) -> Option<(u32, u32)> {
    let protocol = text(protocol?)?.to_ascii_lowercase();
    match protocol.as_str() {
        "-1" | "all" => Some((0, 65535)),
        "tcp" | "udp" | "6" | "17" => {
            let port = |r: Option<Raw<'_>>| -> Option<u32> {
                text(r?)?.parse::<u32>().ok().filter(|p| *p <= 65535)
            };
            let (from, to) = (port(from)?, port(to)?);
            (from <= to).then_some((from, to))
        }
        _ => None,
    }
}

fn is_world(v: Option<Cow<'_, str>>) -> bool {
    v.is_some_and(|v| covers_everything(&v))
}

/// `0.0.0.0/0`, `::/0`, or any address with prefix length 0 (which EC2 reads as the
/// whole address space, and which log anonymisers produce from `0.0.0.0/0`).
fn covers_everything(cidr: &str) -> bool {
    WORLD.contains(&cidr)
        || cidr
            .rsplit_once('/')
            .is_some_and(|(addr, len)| len == "0" && addr.parse::<std::net::IpAddr>().is_ok())
}

/// Whether any `items[].<key>` of a `{"items":[...]}` value covers every address.
fn any_world<'a>(ev: &Event<'a>, list: Option<Raw<'a>>, key: &str) -> bool {
    let Some(items) = list.and_then(|l| ev.member(l, "items")) else {
        return false;
    };
    crate::event::array(items)
        .unwrap_or_default()
        .into_iter()
        .any(|item| is_world(ev.member(item, key).and_then(text)))
}

/// The world-open port ranges of the event's request, sorted, without duplicates.
pub fn world_ports<'a>(ev: &Event<'a>) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    let Some(req) = ev.top("requestParameters") else {
        return out;
    };
    let get = |obj: Raw<'a>, key: &str| ev.member(obj, key);
    if is_world(get(req, "cidrIp").and_then(text)) {
        out.extend(range(
            get(req, "ipProtocol"),
            get(req, "fromPort"),
            get(req, "toPort"),
        ));
    }
    let perms = get(req, "ipPermissions").and_then(|p| get(p, "items"));
    for perm in perms.and_then(crate::event::array).unwrap_or_default() {
        if any_world(ev, get(perm, "ipRanges"), "cidrIp")
            || any_world(ev, get(perm, "ipv6Ranges"), "cidrIpv6")
        {
            out.extend(range(
                get(perm, "ipProtocol"),
                get(perm, "fromPort"),
                get(perm, "toPort"),
            ));
        }
    }
    let modified = ev.path(&[
        "requestParameters",
        "ModifySecurityGroupRulesRequest",
        "SecurityGroupRule",
        "SecurityGroupRule",
    ]);
    if let Some(rule) = modified {
        if is_world(get(rule, "CidrIpv4").and_then(text))
            || is_world(get(rule, "CidrIpv6").and_then(text))
        {
            out.extend(range(
                get(rule, "IpProtocol"),
                get(rule, "FromPort"),
                get(rule, "ToPort"),
            ));
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// `22` or `20-25`.
pub fn range_text(&(from, to): &(u32, u32)) -> String {
    if from == to {
        from.to_string()
    } else {
        format!("{from}-{to}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ports(req: &str) -> Vec<(u32, u32)> {
        let rec = format!(r#"{{"eventName":"X","requestParameters":{req}}}"#);
        world_ports(&Event::parse(&rec).unwrap())
    }

    #[test]
    fn both_shapes_every_item_numeric_ranges() {
        assert_eq!(
            ports(r#"{"cidrIp":"0.0.0.0/0","ipProtocol":"tcp","fromPort":20,"toPort":25}"#),
            [(20, 25)]
        );
        let items: Vec<String> = (0..7)
            .map(|i| {
                let cidr = if i == 6 { "0.0.0.0/0" } else { "10.0.0.0/8" };
                format!(r#"{{"ipProtocol":"tcp","fromPort":{i},"toPort":{i},"ipRanges":{{"items":[{{"cidrIp":"{cidr}"}}]}}}}"#)
            })
            .collect();
        let req = format!(r#"{{"ipPermissions":{{"items":[{}]}}}}"#, items.join(","));
        assert_eq!(ports(&req), [(6, 6)]);
        assert_eq!(
            ports(
                r#"{"ipPermissions":{"items":[{"ipProtocol":"-1","ipv6Ranges":{"items":[{"cidrIpv6":"::/0"}]}},{"ipProtocol":"icmp","fromPort":22,"toPort":22,"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}]}}"#
            ),
            [(0, 65535)]
        );
        assert_eq!(
            ports(
                r#"{"ModifySecurityGroupRulesRequest":{"SecurityGroupRule":{"SecurityGroupRule":{"IpProtocol":"udp","FromPort":3380,"ToPort":3390,"CidrIpv4":"0.0.0.0/0"}}}}"#
            ),
            [(3380, 3390)]
        );
        assert!(ports(r#"{"cidrIp":"10.0.0.0/8","ipProtocol":"-1"}"#).is_empty());
        // A prefix length of 0 is every address, whatever the address part says.
        assert_eq!(
            ports(r#"{"cidrIp":"208.236.235.254/0","ipProtocol":"tcp","fromPort":22,"toPort":22}"#),
            [(22, 22)]
        );
        assert!(ports(r#"{"cidrIp":"nonsense/0","ipProtocol":"-1"}"#).is_empty());
        assert_eq!(range_text(&(22, 22)), "22");
    }
}
