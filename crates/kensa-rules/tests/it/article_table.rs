//! The table of the AWS Config article on `restricted-ssh` / `restricted-common-ports`:
//! which ingress rules from the world are compliant, for IPv4 and IPv6 alike.
use serde_json::{json, Value};

use crate::run;

fn sg(protocol: &str, ports: Option<(i32, i32)>, cidr: &str) -> String {
    let mut perm = json!({"IpProtocol": protocol});
    if let Some((a, b)) = ports {
        perm["FromPort"] = json!(a);
        perm["ToPort"] = json!(b);
    }
    if cidr.contains(':') {
        perm["Ipv6Ranges"] = json!([{"CidrIpv6": cidr}]);
    } else {
        perm["IpRanges"] = json!([{"CidrIp": cidr}]);
    }
    let doc: Value = json!({"SecurityGroups": [{"GroupId": "sg-1", "GroupName": "g", "VpcId": "vpc-1", "IpPermissions": [perm]}]});
    doc.to_string()
}

/// (description, protocol, ports, restricted-ssh compliant, restricted-common-ports compliant)
type Row = (&'static str, &'static str, Option<(i32, i32)>, bool, bool);

const ROWS: &[Row] = &[
    ("RDP 3389/tcp", "tcp", Some((3389, 3389)), true, false),
    ("SSH 22/tcp", "tcp", Some((22, 22)), false, true),
    ("all TCP", "tcp", Some((0, 65535)), false, false),
    ("all traffic", "-1", None, false, false),
    ("HTTPS 443/tcp", "tcp", Some((443, 443)), true, true),
    ("a range covering 22", "tcp", Some((10, 30)), false, false),
    ("SSH 22/udp", "udp", Some((22, 22)), true, true),
];

fn compliant(rule: &str, text: &str) -> bool {
    run(rule, text).findings.is_empty()
}

#[test]
fn world_sources_follow_the_table() {
    for world in ["0.0.0.0/0", "::/0"] {
        for (what, proto, ports, ssh_ok, common_ok) in ROWS {
            let text = sg(proto, *ports, world);
            assert_eq!(
                compliant("restricted-ssh", &text),
                *ssh_ok,
                "restricted-ssh: {what} from {world}"
            );
            assert_eq!(
                compliant("restricted-common-ports", &text),
                *common_ok,
                "restricted-common-ports: {what} from {world}"
            );
        }
    }
}

#[test]
fn narrower_sources_are_compliant() {
    for source in ["1.0.0.0/8", "2001:db8::/32", "0.0.0.0/1"] {
        for (what, proto, ports, ..) in ROWS {
            let text = sg(proto, *ports, source);
            assert!(compliant("restricted-ssh", &text), "{what} from {source}");
            assert!(
                compliant("restricted-common-ports", &text),
                "{what} from {source}"
            );
        }
    }
}
