//! Generated malformed snapshot files, per resource family: the loader never panics,
//! every error-level problem makes the snapshot incomplete, and what loads is valid.
//!
//! Each case starts from a well-formed document of the family and damages it one way:
//! a value anywhere replaced by an arbitrary JSON value (wrong type, huge or negative
//! number, hostile string, deep nesting), the text truncated, or bytes overwritten.
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Value};

use kensa_model::{Document, Scope, Snapshot, WarningLevel};

/// Cases per family; the suite reports the total.
const CASES: u32 = 300;

/// One well-formed document per family (top-level key of the loader's table).
fn families() -> Vec<(&'static str, Value)> {
    let arn = "arn:aws:elasticloadbalancing:us-east-1:111122223333";
    vec![
        (
            "Vpcs",
            json!({"Vpcs":[{"VpcId":"vpc-1","CidrBlock":"10.0.0.0/16","CidrBlockAssociationSet":[{"CidrBlock":"10.0.0.0/16"}],"Ipv6CidrBlockAssociationSet":[{"Ipv6CidrBlock":"2600::/56"}]}]}),
        ),
        (
            "Subnets",
            json!({"Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1","CidrBlock":"10.0.0.0/24","MapPublicIpOnLaunch":true}]}),
        ),
        (
            "RouteTables",
            json!({"RouteTables":[{"RouteTableId":"rtb-1","VpcId":"vpc-1","Routes":[{"DestinationCidrBlock":"0.0.0.0/0","GatewayId":"igw-1","State":"active"},{"DestinationIpv6CidrBlock":"::/0","EgressOnlyInternetGatewayId":"eigw-1"}],"Associations":[{"Main":true,"SubnetId":"subnet-1"}]}]}),
        ),
        (
            "NetworkAcls",
            json!({"NetworkAcls":[{"NetworkAclId":"acl-1","VpcId":"vpc-1","Entries":[{"RuleNumber":100,"Protocol":"6","RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0","PortRange":{"From":22,"To":22}},{"RuleNumber":32767,"Protocol":"-1","RuleAction":"deny","Egress":false,"Ipv6CidrBlock":"::/0"}],"Associations":[{"SubnetId":"subnet-1"}]}]}),
        ),
        (
            "SecurityGroups",
            json!({"SecurityGroups":[{"GroupId":"sg-1","GroupName":"web","VpcId":"vpc-1","IpPermissions":[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0"}],"Ipv6Ranges":[{"CidrIpv6":"::/0"}],"UserIdGroupPairs":[{"GroupId":"sg-1"}],"PrefixListIds":[{"PrefixListId":"pl-1"}]}],"IpPermissionsEgress":[{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]}]}),
        ),
        (
            "SecurityGroupRules",
            json!({"SecurityGroupRules":[{"SecurityGroupRuleId":"sgr-1","GroupId":"sg-1","IsEgress":false,"IpProtocol":"tcp","FromPort":443,"ToPort":443,"CidrIpv4":"0.0.0.0/0"}]}),
        ),
        (
            "NetworkInterfaces",
            json!({"NetworkInterfaces":[{"NetworkInterfaceId":"eni-1","SubnetId":"subnet-1","VpcId":"vpc-1","PrivateIpAddress":"10.0.0.5","Groups":[{"GroupId":"sg-1"}],"Association":{"PublicIp":"1.2.3.4"},"Attachment":{"InstanceId":"i-1","DeviceIndex":0}}]}),
        ),
        (
            "Reservations",
            json!({"Reservations":[{"OwnerId":"111122223333","Instances":[{"InstanceId":"i-1","SubnetId":"subnet-1","VpcId":"vpc-1","PrivateIpAddress":"10.0.0.5","PublicIpAddress":"1.2.3.4","State":{"Name":"running"},"SecurityGroups":[{"GroupId":"sg-1"}],"MetadataOptions":{"HttpTokens":"optional"}}]}]}),
        ),
        (
            "Addresses",
            json!({"Addresses":[{"AllocationId":"eipalloc-1","PublicIp":"1.2.3.4","InstanceId":"i-1"}]}),
        ),
        (
            "InternetGateways",
            json!({"InternetGateways":[{"InternetGatewayId":"igw-1","Attachments":[{"State":"available","VpcId":"vpc-1"}]}]}),
        ),
        (
            "EgressOnlyInternetGateways",
            json!({"EgressOnlyInternetGateways":[{"EgressOnlyInternetGatewayId":"eigw-1","Attachments":[{"VpcId":"vpc-1"}]}]}),
        ),
        (
            "NatGateways",
            json!({"NatGateways":[{"NatGatewayId":"nat-1","SubnetId":"subnet-1","VpcId":"vpc-1","State":"available"}]}),
        ),
        (
            "PrefixLists",
            json!({"PrefixLists":[{"PrefixListId":"pl-1","PrefixListName":"s3","Cidrs":["52.216.0.0/15"]}]}),
        ),
        (
            "PrefixListEntries",
            json!({"PrefixListId":"pl-1","Entries":[{"Cidr":"10.0.0.0/8"}]}),
        ),
        (
            "VpcPeeringConnections",
            json!({"VpcPeeringConnections":[{"VpcPeeringConnectionId":"pcx-1","RequesterVpcInfo":{"VpcId":"vpc-1","CidrBlock":"10.0.0.0/16"},"AccepterVpcInfo":{"VpcId":"vpc-2","CidrBlock":"10.1.0.0/16"},"Status":{"Code":"active"}}]}),
        ),
        (
            "VpnGateways",
            json!({"VpnGateways":[{"VpnGatewayId":"vgw-1","VpcAttachments":[{"VpcId":"vpc-1","State":"attached"}]}]}),
        ),
        (
            "VpnConnections",
            json!({"VpnConnections":[{"VpnConnectionId":"vpn-1","VpnGatewayId":"vgw-1","CustomerGatewayId":"cgw-1","Routes":[{"DestinationCidrBlock":"192.168.0.0/16"}]}]}),
        ),
        (
            "CustomerGateways",
            json!({"CustomerGateways":[{"CustomerGatewayId":"cgw-1","IpAddress":"5.6.7.8"}]}),
        ),
        (
            "TransitGateways",
            json!({"TransitGateways":[{"TransitGatewayId":"tgw-1","OwnerId":"111122223333","Options":{"AutoAcceptSharedAttachments":"disable"}}]}),
        ),
        (
            "TransitGatewayAttachments",
            json!({"TransitGatewayAttachments":[{"TransitGatewayAttachmentId":"tgw-attach-1","TransitGatewayId":"tgw-1","ResourceType":"vpc","ResourceId":"vpc-1"}]}),
        ),
        (
            "TransitGatewayRouteTables",
            json!({"TransitGatewayRouteTables":[{"TransitGatewayRouteTableId":"tgw-rtb-1","TransitGatewayId":"tgw-1"}]}),
        ),
        (
            "TransitGatewayRoutes",
            json!({"TransitGatewayRouteTableId":"tgw-rtb-1","Routes":[{"DestinationCidrBlock":"10.0.0.0/16","Type":"static","State":"active","TransitGatewayAttachments":[{"TransitGatewayAttachmentId":"tgw-attach-1","ResourceType":"vpc"}]}]}),
        ),
        (
            "VpcEndpoints",
            json!({"VpcEndpoints":[{"VpcEndpointId":"vpce-1","VpcId":"vpc-1","VpcEndpointType":"Gateway","RouteTableIds":["rtb-1"]}]}),
        ),
        (
            "LoadBalancers",
            json!({"LoadBalancers":[{"LoadBalancerArn":format!("{arn}:loadbalancer/app/a/1"),"Scheme":"internet-facing","Type":"application","VpcId":"vpc-1","SecurityGroups":["sg-1"],"AvailabilityZones":[{"SubnetId":"subnet-1"}]}]}),
        ),
        (
            "Listeners",
            json!({"Listeners":[{"ListenerArn":format!("{arn}:listener/app/a/1/2"),"LoadBalancerArn":format!("{arn}:loadbalancer/app/a/1"),"Port":443,"Protocol":"HTTPS","DefaultActions":[{"Type":"forward","TargetGroupArn":format!("{arn}:targetgroup/t/3")}]}]}),
        ),
        (
            "TargetGroups",
            json!({"TargetGroups":[{"TargetGroupArn":format!("{arn}:targetgroup/t/3"),"Protocol":"HTTP","Port":80,"TargetType":"instance","LoadBalancerArns":[format!("{arn}:loadbalancer/app/a/1")]}]}),
        ),
        (
            "TargetHealth",
            json!({"TargetGroupArn":format!("{arn}:targetgroup/t/3"),"TargetHealthDescriptions":[{"Target":{"Id":"i-1","Port":80},"TargetHealth":{"State":"healthy"}}]}),
        ),
        (
            "LoadBalancerDescriptions",
            json!({"LoadBalancerDescriptions":[{"LoadBalancerName":"classic","Scheme":"internet-facing","VPCId":"vpc-1","Subnets":["subnet-1"],"SecurityGroups":["sg-1"],"Instances":[{"InstanceId":"i-1"}],"ListenerDescriptions":[{"Listener":{"Protocol":"TCP","LoadBalancerPort":22,"InstanceProtocol":"TCP","InstancePort":22}}]}]}),
        ),
        (
            "Volumes",
            json!({"Volumes":[{"VolumeId":"vol-1","Encrypted":false,"State":"in-use","Attachments":[{"InstanceId":"i-1"}]}]}),
        ),
        (
            "Snapshots",
            json!({"Snapshots":[{"SnapshotId":"snap-1","VolumeId":"vol-1","Encrypted":false,"OwnerId":"111122223333"}]}),
        ),
        (
            "Images",
            json!({"Images":[{"ImageId":"ami-1","OwnerId":"111122223333","Public":true}]}),
        ),
        (
            "LaunchTemplates",
            json!({"LaunchTemplates":[{"LaunchTemplateId":"lt-1","LaunchTemplateName":"web","DefaultVersionNumber":1,"LatestVersionNumber":1}]}),
        ),
        (
            "LaunchTemplateVersions",
            json!({"LaunchTemplateVersions":[{"LaunchTemplateId":"lt-1","VersionNumber":1,"DefaultVersion":true,"LaunchTemplateData":{"MetadataOptions":{"HttpTokens":"optional"}}}]}),
        ),
        (
            "FlowLogs",
            json!({"FlowLogs":[{"FlowLogId":"fl-1","ResourceId":"vpc-1","TrafficType":"ALL"}]}),
        ),
        ("AccountSettings", json!({"EbsEncryptionByDefault":false})),
    ]
}

/// Any JSON value, nested a few levels, with the hostile scalars loaders trip on.
fn any_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        prop_oneof![
            Just(65_536i64),
            Just(-5),
            Just(70_000),
            Just(-1),
            Just(i64::MAX)
        ]
        .prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop_oneof![
            Just("0.0.0.0".to_string()),
            Just("::/0".to_string()),
            Just("0.0.0.0/0".to_string()),
            Just("10.0.0.0/33".to_string()),
            Just("\u{1b}[31mred".to_string()),
            Just(String::new()),
            "[a-z0-9:/.-]{0,24}",
            ".{0,12}",
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[A-Za-z]{1,12}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Every location in `value`, as a list of steps (object key or array index).
fn locations(value: &Value, here: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    out.push(here.clone());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                here.push(Step::Key(k.clone()));
                locations(v, here, out);
                here.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                here.push(Step::Index(i));
                locations(v, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

fn replace_at(value: &mut Value, path: &[Step], new: Value) {
    match path.split_first() {
        None => *value = new,
        Some((Step::Key(k), rest)) => {
            if let Some(v) = value.get_mut(k.as_str()) {
                replace_at(v, rest, new);
            }
        }
        Some((Step::Index(i), rest)) => {
            if let Some(v) = value.get_mut(*i) {
                replace_at(v, rest, new);
            }
        }
    }
}

#[derive(Debug, Clone)]
enum Damage {
    Replace(usize, Value),
    Truncate(usize),
    Overwrite(usize, Vec<u8>),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        6 => (any::<usize>(), any_value()).prop_map(|(at, v)| Damage::Replace(at, v)),
        1 => any::<usize>().prop_map(Damage::Truncate),
        1 => (any::<usize>(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(at, b)| Damage::Overwrite(at, b)),
    ]
}

fn apply(base: &Value, damage: &Damage) -> Vec<u8> {
    match damage {
        Damage::Replace(at, new) => {
            let mut all = Vec::new();
            locations(base, &mut Vec::new(), &mut all);
            let mut value = base.clone();
            replace_at(&mut value, &all[at % all.len()], new.clone());
            serde_json::to_vec(&value).unwrap()
        }
        Damage::Truncate(at) => {
            let text = serde_json::to_vec(base).unwrap();
            text[..at % text.len()].to_vec()
        }
        Damage::Overwrite(at, bytes) => {
            let mut text = serde_json::to_vec(base).unwrap();
            let start = at % text.len();
            for (i, b) in bytes.iter().enumerate() {
                if let Some(slot) = text.get_mut(start + i) {
                    *slot = *b;
                }
            }
            text
        }
    }
}

/// Loads the damaged document beside a complete minimal account and checks the result.
fn load_checked(family: &str, bytes: Vec<u8>) -> Result<(), TestCaseError> {
    let scope = Scope {
        account: "111122223333".into(),
        region: "us-east-1".into(),
    };
    let doc = Document::owned(format!("{family}.json"), scope, bytes);
    let s = Snapshot::from_documents([doc]);
    let errors = s
        .warnings
        .iter()
        .filter(|w| w.level == WarningLevel::Error)
        .count();
    prop_assert!(
        errors == 0 || !s.completeness.complete,
        "{family}: errors but complete"
    );
    prop_assert!(s.completeness.errors >= errors);
    for w in &s.warnings {
        prop_assert!(!w.file.is_empty() || w.level != WarningLevel::Error, "{w}");
    }
    // What did load is valid: a security group's ports and CIDRs are in range.
    for sg in s.security_groups.values() {
        for p in sg.ip_permissions.iter().chain(&sg.ip_permissions_egress) {
            let ok = kensa_model::load::check_ports(&p.ip_protocol, p.from_port, p.to_port);
            prop_assert!(ok.is_ok(), "{p:?}");
            for r in &p.ip_ranges {
                prop_assert!(
                    kensa_model::load::check_cidr_v4(&r.cidr_ip).is_ok(),
                    "{r:?}"
                );
            }
        }
    }
    Ok(())
}

/// `KENSA_FUZZ_FAMILY=SecurityGroups` runs one family only (`scripts/fuzz-report` measures
/// each on its own; `KENSA_FUZZ_FAMILY=list` prints their names); every family otherwise.
#[test]
fn malformed_documents_never_panic_and_are_never_complete_with_errors() {
    let mut total = 0u32;
    let only = std::env::var("KENSA_FUZZ_FAMILY").ok();
    if only.as_deref() == Some("list") {
        for (family, _) in families() {
            println!("family: {family}");
        }
        return;
    }
    let families: Vec<_> = families()
        .into_iter()
        .filter(|(f, _)| only.as_deref().is_none_or(|o| o == *f))
        .collect();
    assert!(!families.is_empty(), "no family {only:?}");
    for (family, base) in &families {
        // The undamaged document loads cleanly: the damage is what the test measures.
        let clean = Snapshot::from_documents([Document::owned(
            format!("{family}.json"),
            Scope::default(),
            serde_json::to_vec(base).unwrap(),
        )]);
        assert!(
            clean
                .warnings
                .iter()
                .all(|w| w.level != WarningLevel::Error),
            "{family}: {:#?}",
            clean.warnings
        );
        let config = Config {
            cases: CASES,
            failure_persistence: None,
            ..Config::default()
        };
        let mut runner = TestRunner::new(config);
        let largest = std::cell::Cell::new(0);
        runner
            .run(&damage(), |d| {
                let bytes = apply(base, &d);
                largest.set(largest.get().max(bytes.len()));
                load_checked(family, bytes)
            })
            .unwrap_or_else(|e| panic!("{family}: {e}"));
        eprintln!(
            "fuzz: {family}: {CASES} cases, largest input {} bytes",
            largest.get()
        );
        total += CASES;
    }
    eprintln!(
        "fuzz: {total} malformed documents over {} families ({CASES} each), 0 panics",
        families.len()
    );
    assert_eq!(total, CASES * families.len() as u32);
}
