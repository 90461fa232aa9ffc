//! An independent model of kensa's EC2 rules: plain `serde_json::Value` filtering,
//! written from AWS's CloudTrail semantics and NOT from the rule language, so that the
//! engine's alert counts can be checked against it.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// The overridable lists of `kensa_ec2_rules.yaml`, read as plain YAML data.
pub struct Lists {
    pub approved_regions: BTreeSet<String>,
    pub approved_images: BTreeSet<String>,
    pub admin_ports: BTreeSet<i64>,
    pub trusted_discovery_users: BTreeSet<String>,
    pub sensitive_calls: BTreeSet<String>,
    pub denied_errors: BTreeSet<String>,
    pub unusual_families: BTreeSet<String>,
    pub instance_discovery_calls: BTreeSet<String>,
    /// AWS's published ranges, from the bundled ip-ranges.json copy.
    pub aws_ranges: Vec<ipnet::IpNet>,
}

impl Lists {
    pub fn from_rule_file(path: &Path) -> Lists {
        let text = std::fs::read_to_string(path).expect("read rule file");
        let items: Vec<serde_yaml_ng::Value> = serde_yaml_ng::from_str(&text).expect("rule YAML");
        let list = |name: &str| -> Vec<String> {
            let item = items
                .iter()
                .find(|i| i.get("list").and_then(|l| l.as_str()) == Some(name))
                .unwrap_or_else(|| panic!("list {name} missing from {}", path.display()));
            let values = item
                .get("items")
                .and_then(|v| v.as_sequence())
                .expect("items");
            values
                .iter()
                .map(|v| match v {
                    serde_yaml_ng::Value::String(s) => s.clone(),
                    serde_yaml_ng::Value::Number(n) => n.to_string(),
                    other => panic!("unexpected list item {other:?}"),
                })
                .collect()
        };
        Lists {
            approved_regions: list("kensa_ec2_approved_regions").into_iter().collect(),
            approved_images: list("kensa_ec2_approved_images").into_iter().collect(),
            admin_ports: list("kensa_ec2_admin_ports")
                .iter()
                .map(|p| p.parse().expect("numeric port"))
                .collect(),
            trusted_discovery_users: list("kensa_ec2_trusted_discovery_users")
                .into_iter()
                .collect(),
            sensitive_calls: list("kensa_ec2_sensitive_calls").into_iter().collect(),
            denied_errors: list("kensa_ec2_denied_errors").into_iter().collect(),
            unusual_families: list("kensa_ec2_unusual_instance_families")
                .into_iter()
                .collect(),
            instance_discovery_calls: list("kensa_instance_discovery_calls").into_iter().collect(),
            aws_ranges: bundled_aws_ranges(),
        }
    }
}

/// Every prefix of the bundled ip-ranges.json, unmerged.
fn bundled_aws_ranges() -> Vec<ipnet::IpNet> {
    use std::io::Read;
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/aws-ip-ranges-2025-10-31.json.gz");
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).expect("bundled ranges"))
        .read_to_string(&mut text)
        .expect("gunzip ranges");
    let doc: Value = serde_json::from_str(&text).expect("ranges JSON");
    let v4 = doc["prefixes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["ip_prefix"]);
    let v6 = doc["ipv6_prefixes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["ipv6_prefix"]);
    v4.chain(v6)
        .map(|c| c.as_str().unwrap().parse().expect("CIDR"))
        .collect()
}

/// The instance of an instance-profile role session: `assumed-role/<role>/i-<hex>`.
fn instance_session(ev: &Value) -> Option<&str> {
    let arn = s(ev, "/userIdentity/arn")?;
    if !arn.contains(":assumed-role/") {
        return None;
    }
    let session = arn.rsplit('/').next()?;
    let hex = session.strip_prefix("i-")?;
    ((8..=17).contains(&hex.len()) && hex.chars().all(|c| c.is_ascii_hexdigit())).then_some(session)
}

/// Whether the source address is outside AWS and not private (no snapshot given).
fn outside_aws(ev: &Value, lists: &Lists) -> bool {
    let Some(ip) = s(ev, "/sourceIPAddress").and_then(|a| a.parse::<std::net::IpAddr>().ok())
    else {
        return false;
    };
    let private = match ip {
        std::net::IpAddr::V4(a) => {
            a.is_private()
                || a.is_loopback()
                || a.is_link_local()
                || (a.octets()[0] == 100 && (64..128).contains(&a.octets()[1]))
        }
        std::net::IpAddr::V6(a) => {
            a.is_loopback()
                || (a.segments()[0] & 0xfe00) == 0xfc00
                || (a.segments()[0] & 0xffc0) == 0xfe80
        }
    };
    !private && !lists.aws_ranges.iter().any(|net| net.contains(&ip))
}

fn family(ev: &Value) -> Option<&str> {
    s(ev, "/requestParameters/instanceType")
        .or_else(|| s(ev, "/responseElements/instancesSet/items/0/instanceType"))
        .map(|t| t.split('.').next().unwrap_or(t))
}

fn s<'a>(ev: &'a Value, pointer: &str) -> Option<&'a str> {
    ev.pointer(pointer).and_then(Value::as_str)
}

fn name(ev: &Value) -> &str {
    s(ev, "/eventName").unwrap_or("")
}

fn source(ev: &Value) -> &str {
    s(ev, "/eventSource").unwrap_or("")
}

fn ok(ev: &Value) -> bool {
    matches!(ev.get("errorCode"), None | Some(Value::Null))
}

fn ec2(ev: &Value, names: &[&str]) -> bool {
    source(ev) == "ec2.amazonaws.com" && names.contains(&name(ev))
}

/// The acting principal as the Falco plugin names it: for an assumed role the role
/// (session issuer) name, otherwise the userName.
fn user(ev: &Value) -> Option<&str> {
    let identity = ev.get("userIdentity")?;
    if identity.get("type").and_then(Value::as_str) == Some("AssumedRole") {
        s(identity, "/sessionContext/sessionIssuer/userName")
    } else {
        s(identity, "/userName")
    }
}

fn port(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64(),
        Value::String(t) => t.parse().ok(),
        _ => None,
    }
}

fn protocol_is_all(v: Option<&Value>) -> bool {
    matches!(v.and_then(Value::as_str), Some("-1") | Some("all"))
}

/// Whether a permission (protocol + port range) reaches an admin port: all traffic does;
/// a TCP or UDP range does when some admin port lies within it; other protocols (ICMP,
/// ...) have no ports.
fn admin_or_all(
    protocol: Option<&Value>,
    from: Option<&Value>,
    to: Option<&Value>,
    lists: &Lists,
) -> bool {
    if protocol_is_all(protocol) {
        return true;
    }
    let tcp_or_udp = protocol
        .and_then(Value::as_str)
        .is_some_and(|p| matches!(p.to_ascii_lowercase().as_str(), "tcp" | "udp" | "6" | "17"));
    let (Some(from), Some(to)) = (port(from), port(to)) else {
        return false;
    };
    tcp_or_udp && lists.admin_ports.iter().any(|p| (from..=to).contains(p))
}

fn items(v: Option<&Value>) -> &[Value] {
    v.and_then(|v| v.get("items"))
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// A CIDR of prefix length 0: every address (`0.0.0.0/0`, `::/0`, or an anonymised
/// `a.b.c.d/0`).
fn whole(cidr: Option<&str>) -> bool {
    cidr.and_then(|c| c.parse::<ipnet::IpNet>().ok())
        .is_some_and(|n| n.prefix_len() == 0)
}

fn perm_world(perm: &Value) -> bool {
    items(perm.get("ipRanges"))
        .iter()
        .any(|r| whole(s(r, "/cidrIp")))
        || items(perm.get("ipv6Ranges"))
            .iter()
            .any(|r| whole(s(r, "/cidrIpv6")))
}

fn authorize_ingress_world_admin(req: &Value, lists: &Lists) -> bool {
    let flat = whole(s(req, "/cidrIp"))
        && admin_or_all(
            req.get("ipProtocol"),
            req.get("fromPort"),
            req.get("toPort"),
            lists,
        );
    let perms = items(req.get("ipPermissions"));
    let nested = perms.iter().any(|p| {
        perm_world(p)
            && admin_or_all(
                p.get("ipProtocol"),
                p.get("fromPort"),
                p.get("toPort"),
                lists,
            )
    });
    flat || nested
}

fn modify_rules_world_admin(req: &Value, lists: &Lists) -> bool {
    let Some(rule) =
        req.pointer("/ModifySecurityGroupRulesRequest/SecurityGroupRule/SecurityGroupRule")
    else {
        return false;
    };
    let world = whole(s(rule, "/CidrIpv4")) || whole(s(rule, "/CidrIpv6"));
    world
        && admin_or_all(
            rule.get("IpProtocol"),
            rule.get("FromPort"),
            rule.get("ToPort"),
            lists,
        )
}

fn adds_group_all(v: Option<&Value>) -> bool {
    items(v).iter().any(|i| s(i, "/group") == Some("all"))
}

/// Whether rule `rule` of kensa_ec2_rules.yaml must alert on event `ev`.
pub fn expected(rule: &str, ev: &Value, lists: &Lists) -> bool {
    let null = Value::Null;
    let req = ev.get("requestParameters").unwrap_or(&null);
    let image = s(ev, "/responseElements/instancesSet/items/0/imageId");
    match rule {
        "EC2 Elastic IP Allocated" => ec2(ev, &["AllocateAddress"]) && ok(ev),
        "EC2 Elastic IP Associated" => ec2(ev, &["AssociateAddress"]) && ok(ev),
        "EC2 Instance Launched" => ec2(ev, &["RunInstances"]) && ok(ev),
        "EC2 Instance Launched In Non-Approved Region" => {
            ec2(ev, &["RunInstances"])
                && ok(ev)
                && !s(ev, "/awsRegion").is_some_and(|r| lists.approved_regions.contains(r))
        }
        "EC2 Instance Launched From Non-Approved Image" => {
            ec2(ev, &["RunInstances"])
                && ok(ev)
                && !image.is_some_and(|i| lists.approved_images.contains(i))
        }
        "EC2 Security Group Rules Changed" => {
            ec2(
                ev,
                &[
                    "AuthorizeSecurityGroupIngress",
                    "AuthorizeSecurityGroupEgress",
                    "RevokeSecurityGroupIngress",
                    "RevokeSecurityGroupEgress",
                    "ModifySecurityGroupRules",
                ],
            ) && ok(ev)
        }
        "EC2 Security Group Opened To The Internet On Admin Ports" => {
            ok(ev)
                && ((ec2(ev, &["AuthorizeSecurityGroupIngress"])
                    && authorize_ingress_world_admin(req, lists))
                    || (ec2(ev, &["ModifySecurityGroupRules"])
                        && modify_rules_world_admin(req, lists)))
        }
        "EC2 Route Created Or Replaced" => ec2(ev, &["CreateRoute", "ReplaceRoute"]) && ok(ev),
        "EC2 Network ACL Entry Created Or Replaced" => {
            ec2(ev, &["CreateNetworkAclEntry", "ReplaceNetworkAclEntry"]) && ok(ev)
        }
        "EC2 Snapshot Attribute Modified" => ec2(ev, &["ModifySnapshotAttribute"]) && ok(ev),
        "EC2 Snapshot Made Public" => {
            ec2(ev, &["ModifySnapshotAttribute"])
                && ok(ev)
                && adds_group_all(req.pointer("/createVolumePermission/add"))
        }
        "EC2 Image Attribute Modified" => ec2(ev, &["ModifyImageAttribute"]) && ok(ev),
        "EC2 Image Made Public" => {
            ec2(ev, &["ModifyImageAttribute"])
                && ok(ev)
                && adds_group_all(req.pointer("/launchPermission/add"))
        }
        "EC2 Windows Password Data Requested" => ec2(ev, &["GetPasswordData"]),
        "EC2 Serial Console Access Enabled" => ec2(ev, &["EnableSerialConsoleAccess"]) && ok(ev),
        "EC2 EBS Encryption By Default Disabled" => {
            ec2(ev, &["DisableEbsEncryptionByDefault"]) && ok(ev)
        }
        "EC2 Instances Enumerated" => {
            ec2(ev, &["DescribeInstances"])
                && ok(ev)
                && !user(ev).is_some_and(|u| lists.trusted_discovery_users.contains(u))
        }
        "EC2 Subnet Deleted" => ec2(ev, &["DeleteSubnet"]) && ok(ev),
        "EKS Cluster Deleted" => {
            source(ev) == "eks.amazonaws.com" && name(ev) == "DeleteCluster" && ok(ev)
        }
        "ECS Cluster Deleted" => {
            source(ev) == "ecs.amazonaws.com" && name(ev) == "DeleteCluster" && ok(ev)
        }
        "Redshift Cluster Deleted" => {
            source(ev) == "redshift.amazonaws.com" && name(ev) == "DeleteCluster" && ok(ev)
        }
        "EC2 Snapshot Created" => ec2(ev, &["CreateSnapshot", "CreateSnapshots"]) && ok(ev),
        "EC2 Instance User Data Modified" => {
            ec2(ev, &["ModifyInstanceAttribute"])
                && ok(ev)
                && (req.get("userData").is_some() || s(req, "/attribute") == Some("userData"))
        }
        "EC2 Sensitive Call Denied" => {
            source(ev) == "ec2.amazonaws.com"
                && lists.sensitive_calls.contains(name(ev))
                && s(ev, "/errorCode").is_some_and(|e| lists.denied_errors.contains(e))
        }
        "EC2 Unusual Instance Type Requested" => {
            ec2(ev, &["RunInstances"])
                && family(ev).is_some_and(|f| lists.unusual_families.contains(f))
        }
        "EC2 Instance Credentials Used Outside The Instance" => {
            instance_session(ev).is_some() && outside_aws(ev, lists)
        }
        "EC2 Instance Credentials Used For Account Discovery" => {
            instance_session(ev).is_some() && lists.instance_discovery_calls.contains(name(ev))
        }
        "EC2 Instance User Data Read" => {
            ec2(ev, &["DescribeInstanceAttribute"]) && s(req, "/attribute") == Some("userData")
        }
        "VPC Flow Logs Deleted" => ec2(ev, &["DeleteFlowLogs"]) && ok(ev),
        "EC2 Image Deregistered" => ec2(ev, &["DeregisterImage"]) && ok(ev),
        "SSM Command Sent To EC2 Instances" => {
            source(ev) == "ssm.amazonaws.com" && name(ev) == "SendCommand" && ok(ev)
        }
        "SSM Session Started On EC2 Instance" => {
            source(ev) == "ssm.amazonaws.com" && name(ev) == "StartSession" && ok(ev)
        }
        "EC2 Instance Connect SSH Key Sent" => {
            source(ev) == "ec2-instance-connect.amazonaws.com"
                && name(ev) == "SendSSHPublicKey"
                && ok(ev)
        }
        "EC2 Serial Console SSH Key Sent" => {
            source(ev) == "ec2-instance-connect.amazonaws.com"
                && name(ev) == "SendSerialConsoleSSHPublicKey"
                && ok(ev)
        }
        other => panic!("the independent model has no entry for rule {other:?}"),
    }
}
