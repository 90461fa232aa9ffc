//! The public exposure API: offending rules with their rule ids, sources and hits.
use kensa_rules::fixture;
use kensa_rules::restricted_ports;
use kensa_rules::{world_open_rules, Source};

const SNAP: &str = r#"[{
  "PrefixLists": [
    {"PrefixListId": "pl-world", "PrefixListName": "everyone", "Entries": [{"Cidr": "10.0.0.0/8"}, {"Cidr": "0.0.0.0/0"}]},
    {"PrefixListId": "pl-office", "PrefixListName": "office", "Entries": [{"Cidr": "198.51.100.0/24"}]}
  ],
  "SecurityGroups": [{"GroupId": "sg-1", "GroupName": "g", "VpcId": "vpc-1", "IpPermissions": [
    {"IpProtocol": "tcp", "FromPort": 0, "ToPort": 65535, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
    {"IpProtocol": "udp", "FromPort": 3306, "ToPort": 3306, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
    {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "PrefixListIds": [{"PrefixListId": "pl-world"}, {"PrefixListId": "pl-office"}]},
    {"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
  ]}],
  "SecurityGroupRules": [
    {"SecurityGroupRuleId": "sgr-alltcp", "GroupId": "sg-1", "IsEgress": false, "IpProtocol": "tcp", "FromPort": 0, "ToPort": 65535, "CidrIpv4": "0.0.0.0/0"},
    {"SecurityGroupRuleId": "sgr-pl", "GroupId": "sg-1", "IsEgress": false, "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "PrefixListId": "pl-world"}
  ]
}]"#;

#[test]
fn offending_rules_carry_ids_sources_and_hits() {
    let snap = fixture::snapshot("exposure", SNAP).unwrap();
    let ports = restricted_ports("EC2.19").unwrap();
    let rules = world_open_rules(&snap, &ports);
    let summary: Vec<(Option<&str>, &str, String, String)> = rules
        .iter()
        .map(|r| {
            (
                r.rule_id.as_deref(),
                r.protocol.as_str(),
                r.source.describe(),
                r.describe_hits(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (Some("sgr-alltcp"), "tcp", "0.0.0.0/0".to_string(), "tcp 20-23, 25, 110, 135, 143, 445, 1433-1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300".to_string()),
            (None, "udp", "::/0".to_string(), "udp 3306".to_string()),
            (Some("sgr-pl"), "tcp", "pl-world (contains 0.0.0.0/0)".to_string(), "tcp 22".to_string()),
        ]
    );
    assert!(matches!(rules[2].source, Source::PrefixList { .. }));
}

#[test]
fn restricted_ports_by_control() {
    let ssh = restricted_ports("restricted-ssh").unwrap();
    assert_eq!(ssh.ipv4.tcp.to_string(), "22");
    assert_eq!(ssh.ipv4, ssh.ipv6);
    assert!(ssh.ipv4.udp.is_empty());
    let ec2_18 = restricted_ports("fsbp:EC2.18").unwrap().ipv4;
    assert!(!ec2_18.tcp.contains(443) && ec2_18.tcp.contains(8443));
    let ec2_53 = restricted_ports("EC2.53").unwrap();
    assert!(ec2_53.ipv6.is_empty() && ec2_53.ipv4.udp.contains(3389));
    assert_eq!(restricted_ports("EC2.19").unwrap().ipv4.tcp.count(), 24);
    assert!(restricted_ports("EC2.8").is_none());
    assert!(restricted_ports("no-such-control").is_none());
}

#[test]
fn ipv4_and_ipv6_only_controls() {
    let snap =
        fixture::snapshot("v6", include_str!("../../fixtures/sg/world-ssh-v6.json")).unwrap();
    assert!(world_open_rules(&snap, &restricted_ports("EC2.53").unwrap()).is_empty());
    assert_eq!(
        world_open_rules(&snap, &restricted_ports("EC2.54").unwrap()).len(),
        1
    );
    assert_eq!(
        world_open_rules(&snap, &restricted_ports("cis-aws-3.0:5.3").unwrap()).len(),
        1
    );
}
