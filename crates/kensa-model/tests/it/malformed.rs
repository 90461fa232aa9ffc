//! Bad input becomes warnings naming the file and JSON path; the rest still loads.
use std::path::Path;

use kensa_model::{Snapshot, Warning, WarningLevel};

fn write(dir: &Path, rel: &str, content: impl AsRef<[u8]>) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

fn find<'a>(s: &'a Snapshot, file: &str, needle: &str) -> &'a Warning {
    s.warnings
        .iter()
        .find(|w| w.file == file && w.message.contains(needle))
        .unwrap_or_else(|| {
            panic!(
                "no warning for {file} containing {needle:?}: {:#?}",
                s.warnings
            )
        })
}

const REGION: &str = "aws_configs/us-east-1";

#[test]
fn bad_items_are_skipped_with_their_path_and_the_rest_loads() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        &format!("{REGION}/SecurityGroups.json"),
        r#"{"SecurityGroups": [
            {"GroupId": "sg-1", "GroupName": "ok", "VpcId": "vpc-1"},
            {"GroupId": "sg-2", "IpPermissions": "not a list"},
            {"GroupId": "sg-3", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": "twenty-two"}]},
            {"GroupName": "no id"},
            {"GroupId": "", "GroupName": "empty id"},
            {"GroupId": "sg-4", "VpcId": "vpc-1"}
        ]}"#,
    );
    write(
        d,
        &format!("{REGION}/Vpcs.json"),
        r#"{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]}"#,
    );
    let s = Snapshot::load(d).unwrap();
    let ids: Vec<&str> = s.security_groups.keys().map(String::as_str).collect();
    assert_eq!(ids, ["sg-1", "sg-4"]);
    let file = "aws_configs/us-east-1/SecurityGroups.json";
    let w = find(&s, file, "invalid type: string \"not a list\"");
    assert_eq!(
        (w.path.as_str(), w.level),
        ("$.SecurityGroups[1].IpPermissions", WarningLevel::Error)
    );
    let w = find(&s, file, "twenty-two");
    assert_eq!(w.path, "$.SecurityGroups[2].IpPermissions[0].FromPort");
    let w = find(&s, file, "missing field `GroupId`");
    assert_eq!(w.path, "$.SecurityGroups[3]");
    let w = find(&s, file, "without an id");
    assert_eq!(w.path, "$.SecurityGroups[4]");
    assert!(s.has_load_errors());
}

#[test]
fn broken_files_are_reported_and_other_files_load() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        &format!("{REGION}/Vpcs.json"),
        r#"{"Vpcs": [{"VpcId": "vpc-1"}]}"#,
    );
    write(
        d,
        &format!("{REGION}/Truncated.json"),
        "{\"Subnets\": [{\"SubnetId\": \"subnet-1\",\n \"VpcId\": ",
    );
    write(
        d,
        &format!("{REGION}/Binary.json"),
        [0x7b_u8, 0xff, 0xfe, 0x00, 0x01],
    );
    write(d, &format!("{REGION}/blob.bin"), [0_u8, 1, 2, 3]);
    write(d, &format!("{REGION}/Empty.json"), "  \n");
    write(
        d,
        &format!("{REGION}/Array.json"),
        r#"[{"VpcId": "vpc-2"}]"#,
    );
    write(
        d,
        &format!("{REGION}/NotAList.json"),
        r#"{"Subnets": {"SubnetId": "subnet-9"}}"#,
    );
    write(d, &format!("{REGION}/Unknown.json"), r#"{"Widgets": []}"#);
    write(
        d,
        &format!("{REGION}/Zones.json"),
        r#"{"AvailabilityZones": []}"#,
    );
    let s = Snapshot::load(d).unwrap();
    assert_eq!(s.vpcs.len(), 1);
    assert!(s.subnets.is_empty());

    let w = find(&s, "aws_configs/us-east-1/Truncated.json", "invalid JSON");
    assert_eq!(w.level, WarningLevel::Error);
    assert!(w.message.contains("line 2"), "{}", w.message);
    let w = find(&s, "aws_configs/us-east-1/Binary.json", "not UTF-8");
    assert_eq!(w.level, WarningLevel::Error);
    let w = find(&s, "aws_configs/us-east-1", "blob.bin");
    assert_eq!(w.level, WarningLevel::Info);
    assert_eq!(
        find(&s, "aws_configs/us-east-1/Empty.json", "empty").level,
        WarningLevel::Warning
    );
    let w = find(
        &s,
        "aws_configs/us-east-1/Array.json",
        "expected a JSON object",
    );
    assert_eq!(w.level, WarningLevel::Error);
    let w = find(
        &s,
        "aws_configs/us-east-1/NotAList.json",
        "expected an array",
    );
    assert_eq!(w.path, "$.Subnets");
    let w = find(&s, "aws_configs/us-east-1/Unknown.json", "no recognised");
    assert!(w.message.contains("Widgets"));
    assert_eq!(w.level, WarningLevel::Info);
    let w = find(&s, "aws_configs/us-east-1/Zones.json", "not needed");
    assert_eq!(w.level, WarningLevel::Info);
    // Sorted and without duplicates.
    let mut sorted = s.warnings.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, s.warnings);
}

#[test]
fn dangling_references_are_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        &format!("{REGION}/Vpcs.json"),
        r#"{"Vpcs": [{"VpcId": "vpc-1"}]}"#,
    );
    write(
        d,
        &format!("{REGION}/Subnets.json"),
        r#"{"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1"}, {"SubnetId": "subnet-2", "VpcId": "vpc-gone"}]}"#,
    );
    write(
        d,
        &format!("{REGION}/NetworkInterfaces.json"),
        r#"{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "SubnetId": "subnet-gone", "Groups": [{"GroupId": "sg-1"}]}]}"#,
    );
    write(
        d,
        &format!("{REGION}/SecurityGroups.json"),
        r#"{"SecurityGroups": [{"GroupId": "sg-1", "OwnerId": "111122223333", "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "UserIdGroupPairs": [{"GroupId": "sg-gone"}]}]}]}"#,
    );
    write(
        d,
        &format!("{REGION}/RouteTables.json"),
        r#"{"RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1",
            "Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local"},
                       {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-gone"}],
            "Associations": [{"Main": false, "SubnetId": "subnet-gone", "RouteTableId": "rtb-1"}]}]}"#,
    );
    let s = Snapshot::load(d).unwrap();
    assert!(!s.has_load_errors(), "{:#?}", s.warnings);
    assert_eq!(s.subnets.len(), 2);
    let cases = [
        ("Subnets.json", "$.Subnets[1].VpcId", "VPC vpc-gone"),
        (
            "NetworkInterfaces.json",
            "$.NetworkInterfaces[0].SubnetId",
            "subnet subnet-gone",
        ),
        (
            "SecurityGroups.json",
            "$.SecurityGroups[0].IpPermissions[0].UserIdGroupPairs[0].GroupId",
            "security group sg-gone",
        ),
        (
            "RouteTables.json",
            "$.RouteTables[0].Routes[1].GatewayId",
            "internet gateway igw-gone",
        ),
        (
            "RouteTables.json",
            "$.RouteTables[0].Associations[0].SubnetId",
            "subnet subnet-gone",
        ),
    ];
    for (file, path, needle) in cases {
        let w = find(&s, &format!("{REGION}/{file}"), needle);
        assert_eq!(w.path, path);
        assert_eq!(w.level, WarningLevel::Warning);
    }
    assert!(!s.warnings.iter().any(|w| w.message.contains("local")));
}

#[test]
fn unreadable_snapshot_directory_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nope");
    let err = Snapshot::load(&missing).unwrap_err();
    assert!(err.to_string().contains("nope"), "{err}");
    let file = tmp.path().join("file.json");
    std::fs::write(&file, "{}").unwrap();
    let err = Snapshot::load(&file).unwrap_err();
    assert!(err.to_string().contains("not a directory"), "{err}");
}
