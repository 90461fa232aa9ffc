//! The damaged snapshots of issue 10: each is reported with its file and JSON path, and
//! the snapshot's completeness says the input was not whole.
use std::path::Path;

use kensa_model::load::{LoadOptions, ReadError};
use kensa_model::{ResourceType, Snapshot, Warning, WarningLevel};

const REGION: &str = "aws_configs/us-east-1";

fn write(dir: &Path, name: &str, content: impl AsRef<[u8]>) {
    let path = dir.join(REGION).join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

/// A small complete account: one VPC, subnet, route table, ACL, group and instance.
fn account(dir: &Path) {
    write(
        dir,
        "Vpcs.json",
        r#"{"Vpcs":[{"VpcId":"vpc-1","CidrBlock":"10.0.0.0/16"}]}"#,
    );
    write(
        dir,
        "Subnets.json",
        r#"{"Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1","CidrBlock":"10.0.0.0/24"}]}"#,
    );
    write(
        dir,
        "RouteTables.json",
        r#"{"RouteTables":[{"RouteTableId":"rtb-1","VpcId":"vpc-1","Routes":[
            {"DestinationCidrBlock":"10.0.0.0/16","GatewayId":"local"}],
            "Associations":[{"Main":true}]}]}"#,
    );
    write(
        dir,
        "NetworkAcls.json",
        r#"{"NetworkAcls":[{"NetworkAclId":"acl-1","VpcId":"vpc-1","IsDefault":true,"Entries":[
            {"RuleNumber":100,"Protocol":"-1","RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0"}]}]}"#,
    );
    write(
        dir,
        "SecurityGroups.json",
        groups(
            r#""IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]"#,
        ),
    );
    write(
        dir,
        "Reservations.json",
        r#"{"Reservations":[{"Instances":[{"InstanceId":"i-1","SubnetId":"subnet-1","VpcId":"vpc-1",
            "SecurityGroups":[{"GroupId":"sg-1"}]}]}]}"#,
    );
}

/// `SecurityGroups.json` with one group whose one inbound permission is `permission`.
fn groups(permission: &str) -> String {
    format!(
        r#"{{"SecurityGroups":[{{"GroupId":"sg-1","VpcId":"vpc-1","IpPermissions":[{{{permission}}}]}},
            {{"GroupId":"sg-2","VpcId":"vpc-1"}}]}}"#
    )
}

fn load(dir: &Path) -> Snapshot {
    Snapshot::load(dir).unwrap()
}

fn error<'a>(s: &'a Snapshot, file: &str, path: &str) -> &'a Warning {
    s.warnings
        .iter()
        .find(|w| w.file.ends_with(file) && w.path == path && w.level == WarningLevel::Error)
        .unwrap_or_else(|| panic!("no error at {file} {path}: {:#?}", s.warnings))
}

#[test]
fn a_complete_account_is_complete() {
    let tmp = tempfile::tempdir().unwrap();
    account(tmp.path());
    let s = load(tmp.path());
    assert!(s.completeness.complete, "{:#?}", s.completeness);
    assert_eq!(s.completeness.documents, 6);
    assert!(s.completeness.absent.contains(&ResourceType::Volume));
}

#[test]
fn a_truncated_file_is_rejected_and_the_snapshot_incomplete() {
    let tmp = tempfile::tempdir().unwrap();
    account(tmp.path());
    let full = groups(r#""IpProtocol":"tcp","FromPort":22,"ToPort":22"#);
    write(tmp.path(), "SecurityGroups.json", &full[..full.len() / 2]);
    let s = load(tmp.path());
    let w = error(&s, "SecurityGroups.json", "$");
    assert!(
        w.message.contains("invalid JSON") && w.message.ends_with("file skipped"),
        "{w}"
    );
    let c = &s.completeness;
    assert!(!c.complete);
    assert_eq!(c.files_rejected, 1);
    assert_eq!(c.missing.len(), 1);
    assert_eq!(c.missing[0].resource_type, ResourceType::SecurityGroup);
    assert!(c.lacking(ResourceType::SecurityGroup).is_some());
    assert!(c.to_string().starts_with("INCOMPLETE input"), "{c}");
}

#[test]
fn an_empty_directory_is_incomplete_not_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let s = load(tmp.path());
    assert_eq!(s.completeness.documents, 0);
    assert!(!s.completeness.complete);
    assert!(s.completeness.to_string().contains("no input"));
    assert!(s
        .completeness
        .lacking(ResourceType::SecurityGroup)
        .is_some());
}

#[test]
fn invalid_values_reject_their_item_with_the_json_path() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "SecurityGroups.json",
            r#""IpProtocol":"tcp","FromPort":65536,"ToPort":65536,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]"#,
            "$.SecurityGroups[0].IpPermissions[0].FromPort",
        ),
        (
            "SecurityGroups.json",
            r#""IpProtocol":"tcp","FromPort":-5,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]"#,
            "$.SecurityGroups[0].IpPermissions[0].FromPort",
        ),
        (
            "SecurityGroups.json",
            r#""IpProtocol":"tcp","FromPort":0,"ToPort":70000,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]"#,
            "$.SecurityGroups[0].IpPermissions[0].ToPort",
        ),
        (
            "SecurityGroups.json",
            r#""IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0"}]"#,
            "$.SecurityGroups[0].IpPermissions[0].IpRanges[0].CidrIp",
        ),
        (
            "SecurityGroups.json",
            r#""IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"::/0"}]"#,
            "$.SecurityGroups[0].IpPermissions[0].IpRanges[0].CidrIp",
        ),
        (
            "SecurityGroups.json",
            r#""IpProtocol":"tcpx","FromPort":22,"ToPort":22"#,
            "$.SecurityGroups[0].IpPermissions[0].IpProtocol",
        ),
    ];
    for (file, permission, path) in cases {
        let tmp = tempfile::tempdir().unwrap();
        account(tmp.path());
        write(tmp.path(), file, groups(permission));
        let s = load(tmp.path());
        let w = error(&s, file, path);
        assert!(w.message.ends_with("item skipped"), "{w}");
        assert!(!s.security_groups.contains_key("sg-1"), "{permission}");
        assert!(s.security_groups.contains_key("sg-2"), "the rest loads");
        assert_eq!(s.completeness.items_skipped, 1, "{permission}");
        assert!(!s.completeness.complete);
        let lacking = s.completeness.lacking(ResourceType::SecurityGroup);
        assert!(lacking.is_some_and(|r| r.contains("could not be read")));
    }
}

#[test]
fn invalid_cidrs_of_every_network_kind_are_rejected() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "Subnets.json",
            r#"{"Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1","CidrBlock":"10.0.0.0/33"}]}"#,
            "$.Subnets[0].CidrBlock",
        ),
        (
            "RouteTables.json",
            r#"{"RouteTables":[{"RouteTableId":"rtb-1","VpcId":"vpc-1","Routes":[{"DestinationCidrBlock":"0.0.0.0","GatewayId":"igw-1"}]}]}"#,
            "$.RouteTables[0].Routes[0].DestinationCidrBlock",
        ),
        (
            "NetworkAcls.json",
            r#"{"NetworkAcls":[{"NetworkAclId":"acl-1","VpcId":"vpc-1","Entries":[{"RuleNumber":100,"Protocol":"6","RuleAction":"allow","Egress":false,"CidrBlock":"::/0","PortRange":{"From":22,"To":22}}]}]}"#,
            "$.NetworkAcls[0].Entries[0].CidrBlock",
        ),
        (
            "NetworkAcls.json",
            r#"{"NetworkAcls":[{"NetworkAclId":"acl-1","VpcId":"vpc-1","Entries":[{"RuleNumber":100,"Protocol":"6","RuleAction":"allow","Egress":false,"CidrBlock":"0.0.0.0/0","PortRange":{"From":22,"To":70000}}]}]}"#,
            "$.NetworkAcls[0].Entries[0].PortRange.To",
        ),
        (
            "PrefixLists.json",
            r#"{"PrefixLists":[{"PrefixListId":"pl-1","Cidrs":["52.0.0.0/8","not-a-cidr"]}]}"#,
            "$.PrefixLists[0].Cidrs[1]",
        ),
        (
            "TransitGatewayRoutes.json",
            r#"{"TransitGatewayRouteTableId":"tgw-rtb-1","Routes":[{"DestinationCidrBlock":"10.0.0.0/99","Type":"static","State":"active"}]}"#,
            "$.Routes[0].DestinationCidrBlock",
        ),
        (
            "Listeners.json",
            r#"{"Listeners":[{"ListenerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/a/1/2","LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/a/1","Port":70000,"Protocol":"HTTP"}]}"#,
            "$.Listeners[0].Port",
        ),
        (
            "SecurityGroups.json",
            r#"{"SecurityGroups":[{"GroupId":"vpc-1"}]}"#,
            "$.SecurityGroups[0]",
        ),
    ];
    for (file, json, path) in cases {
        let tmp = tempfile::tempdir().unwrap();
        account(tmp.path());
        write(tmp.path(), file, json);
        let s = load(tmp.path());
        let w = error(&s, file, path);
        assert!(w.message.ends_with("item skipped"), "{w}");
        assert!(!s.completeness.complete, "{file}: {json}");
    }
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let tmp = tempfile::tempdir().unwrap();
    account(tmp.path());
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(groups(r#""IpProtocol":"-1""#).as_bytes());
    write(tmp.path(), "SecurityGroups.json", bom);
    let s = load(tmp.path());
    assert_eq!(s.security_groups.len(), 2);
    assert!(s.completeness.complete, "{:#?}", s.warnings);
}

#[test]
fn a_repeated_top_level_key_loads_both_lists_and_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    account(tmp.path());
    write(
        tmp.path(),
        "SecurityGroups.json",
        r#"{"SecurityGroups":[{"GroupId":"sg-1"},{"GroupId":"sg-2"}],"SecurityGroups":[]}"#,
    );
    let s = load(tmp.path());
    assert_eq!(s.security_groups.len(), 2, "the first list is not replaced");
    let w = s
        .warnings
        .iter()
        .find(|w| w.message.contains("more than once"))
        .expect("reported");
    assert_eq!(
        (w.path.as_str(), w.level),
        ("$.SecurityGroups", WarningLevel::Warning)
    );
}

#[test]
fn gzipped_describe_output_is_read() {
    use std::io::Write;
    let tmp = tempfile::tempdir().unwrap();
    account(tmp.path());
    std::fs::remove_file(tmp.path().join(REGION).join("SecurityGroups.json")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(groups(r#""IpProtocol":"-1""#).as_bytes())
        .unwrap();
    write(tmp.path(), "SecurityGroups.json.gz", gz.finish().unwrap());
    let s = load(tmp.path());
    assert_eq!(s.security_groups.len(), 2);
    assert!(s.completeness.complete, "{:#?}", s.warnings);
}

#[test]
fn files_over_the_size_limit_are_rejected_with_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    account(tmp.path());
    let options = LoadOptions { max_file_size: 150 };
    let s = Snapshot::load_with(tmp.path(), &options).unwrap();
    let w = error(&s, "SecurityGroups.json", "");
    assert!(
        w.message.contains("150-byte limit") && w.message.contains("--max-file-size"),
        "{w}"
    );
    assert!(!s.completeness.complete);
}

#[test]
fn special_files_are_refused() {
    let err = kensa_model::load::read_limited(Path::new("/dev/zero"), 1 << 20).unwrap_err();
    assert!(matches!(err, ReadError::NotAFile), "{err}");
    assert!(Snapshot::load(Path::new("/dev/zero")).is_err());
    let tmp = tempfile::tempdir().unwrap();
    account(tmp.path());
    let fifo = tmp.path().join(REGION).join("Fifo.json");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        let s = load(tmp.path());
        let w = error(&s, "Fifo.json", "");
        assert!(w.message.contains("not a regular file"), "{w}");
    }
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_snapshot_are_reported_and_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    account(tmp.path());
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("Vpcs.json"),
        r#"{"Vpcs":[{"VpcId":"vpc-9"}]}"#,
    )
    .unwrap();
    std::os::unix::fs::symlink("/", tmp.path().join(REGION).join("root")).unwrap();
    std::os::unix::fs::symlink(outside.path(), tmp.path().join(REGION).join("other")).unwrap();
    // A link that stays inside is followed.
    std::os::unix::fs::symlink(
        tmp.path().join(REGION).join("Vpcs.json"),
        tmp.path().join(REGION).join("Same.json"),
    )
    .unwrap();
    let s = load(tmp.path());
    assert!(!s.vpcs.contains_key("vpc-9"));
    for name in ["root", "other"] {
        let w = error(&s, name, "");
        assert!(w.message.contains("outside the snapshot directory"), "{w}");
    }
    assert!(s
        .warnings
        .iter()
        .all(|w| !w.file.ends_with("Same.json") || w.level != WarningLevel::Error));
}

#[test]
fn two_hundred_thousand_prefix_list_entries_load() {
    let tmp = tempfile::tempdir().unwrap();
    account(tmp.path());
    let entries: Vec<String> = (0..200_000u32)
        .map(|i| {
            format!(r#"{{"Cidr":"10.{}.{}.0/24"}}"#, i >> 16, (i >> 8) & 255)
                .replace(".0/24", &format!(".{}/32", i & 255))
        })
        .collect();
    write(
        tmp.path(),
        "ManagedPrefixListEntries.json",
        format!(
            r#"{{"PrefixListId":"pl-1","Entries":[{}]}}"#,
            entries.join(",")
        ),
    );
    write(
        tmp.path(),
        "ManagedPrefixLists.json",
        r#"{"PrefixLists":[{"PrefixListId":"pl-1","AddressFamily":"IPv4"}]}"#,
    );
    let s = load(tmp.path());
    assert_eq!(s.prefix_lists["pl-1"].entries.len(), 200_000);
}
