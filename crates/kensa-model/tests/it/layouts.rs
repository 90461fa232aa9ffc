//! Snapshot layouts, scopes, wrappers for side data, and ENIs built from instances.
use std::path::Path;

use kensa_model::{Document, Scope, Snapshot};

fn write(dir: &Path, rel: &str, content: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

fn doc(label: &str, json: &'static str) -> Document<'static> {
    Document::new(label, Scope::default(), json)
}

#[test]
fn multi_account_layout_sets_scopes_and_keeps_the_first_duplicate() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let base = "aws_configs/accounts";
    write(
        d,
        &format!("{base}/111111111111/us-east-1/Vpcs.json"),
        r#"{"Vpcs": [{"VpcId": "vpc-a"}, {"VpcId": "vpc-dup", "CidrBlock": "10.0.0.0/16"}]}"#,
    );
    write(
        d,
        &format!("{base}/222222222222/eu-west-1/vpcs.json"),
        r#"{"Vpcs": [{"VpcId": "vpc-b"}, {"VpcId": "vpc-dup", "CidrBlock": "10.9.0.0/16"}]}"#,
    );
    let s = Snapshot::load(d).unwrap();
    assert_eq!(
        s.vpcs["vpc-a"].scope,
        Scope {
            account: "111111111111".into(),
            region: "us-east-1".into()
        }
    );
    assert_eq!(
        s.vpcs["vpc-b"].scope,
        Scope {
            account: "222222222222".into(),
            region: "eu-west-1".into()
        }
    );
    assert_eq!(s.vpcs["vpc-dup"].cidr_block.as_deref(), Some("10.0.0.0/16"));
    let dup = s
        .warnings
        .iter()
        .find(|w| w.message.contains("duplicate VPC vpc-dup"))
        .unwrap();
    assert_eq!(
        dup.file,
        "aws_configs/accounts/222222222222/eu-west-1/vpcs.json"
    );
    assert_eq!(dup.path, "$.Vpcs[1]");

    // Pointed at the aws_configs folder or at one region folder, the scope is the same.
    let s = Snapshot::load(&d.join("aws_configs")).unwrap();
    assert_eq!(s.vpcs["vpc-b"].scope.account, "222222222222");
    let s = Snapshot::load(&d.join(format!("{base}/222222222222/eu-west-1"))).unwrap();
    assert_eq!(s.vpcs.len(), 2);
    assert_eq!(
        s.vpcs["vpc-b"].scope,
        Scope {
            account: "222222222222".into(),
            region: "eu-west-1".into()
        }
    );
}

#[test]
fn files_directly_in_aws_configs_have_no_region_and_owner_gives_the_account() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "aws_configs/Vpcs.json",
        r#"{"Vpcs": [{"VpcId": "vpc-1", "OwnerId": "444455556666"}]}"#,
    );
    write(
        tmp.path(),
        "aws_configs/NatGateways.json",
        r#"{"NatGateways": [{"NatGatewayId": "nat-1", "VpcId": "vpc-1"}]}"#,
    );
    write(
        tmp.path(),
        "README.txt",
        "not read: aws_configs is the root",
    );
    let s = Snapshot::load(tmp.path()).unwrap();
    assert_eq!(
        s.vpcs["vpc-1"].scope,
        Scope {
            account: "444455556666".into(),
            region: String::new()
        }
    );
    // The NAT gateway has no OwnerId; the snapshot has only one account.
    assert_eq!(s.nat_gateways["nat-1"].scope.account, "444455556666");
    assert!(s.warnings.is_empty(), "{:#?}", s.warnings);
}

#[test]
fn cloudmapper_account_data_layout() {
    let tmp = tempfile::tempdir().unwrap();
    let base = "account-data/prod/us-west-2";
    write(
        tmp.path(),
        &format!("{base}/ec2-describe-vpcs.json"),
        r#"{"Vpcs": [{"VpcId": "vpc-1"}]}"#,
    );
    write(
        tmp.path(),
        &format!("{base}/elbv2-describe-load-balancer-attributes/arn%3Aaws%3Ax"),
        "{}",
    );
    write(
        tmp.path(),
        &format!("{base}/elbv2-describe-load-balancer-attributes/arn%3Aaws%3Ay"),
        "{}",
    );
    let s = Snapshot::load(tmp.path()).unwrap();
    assert_eq!(s.vpcs["vpc-1"].scope.region, "us-west-2");
    let skipped: Vec<_> = s
        .warnings
        .iter()
        .filter(|w| w.message.contains("without a .json"))
        .collect();
    assert_eq!(skipped.len(), 1);
    assert_eq!(
        skipped[0].file,
        "account-data/prod/us-west-2/elbv2-describe-load-balancer-attributes"
    );
}

#[test]
fn side_data_wrappers_attach_to_their_parents_in_any_order() {
    let s = Snapshot::from_documents([
        doc(
            "health.json",
            r#"{"TargetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/1",
            "TargetHealthDescriptions": [{"Target": {"Id": "i-1", "Port": 8080}, "TargetHealth": {"State": "healthy"}}]}"#,
        ),
        doc(
            "entries.json",
            r#"{"PrefixListId": "pl-1", "Entries": [{"Cidr": "192.0.2.0/24"}, {"Cidr": "198.51.100.0/24"}]}"#,
        ),
        doc(
            "grouped.json",
            r#"{"PrefixListEntries": [{"PrefixListId": "pl-1", "Entries": [{"Cidr": "203.0.113.0/24"}, {"Cidr": "192.0.2.0/24"}]}]}"#,
        ),
        doc(
            "routes.json",
            r#"{"TransitGatewayRouteTableId": "tgw-rtb-1", "Routes": [{"DestinationCidrBlock": "10.50.0.0/16", "State": "active", "Type": "static"}], "AdditionalRoutesAvailable": false}"#,
        ),
        doc(
            "assoc.json",
            r#"{"TransitGatewayRouteTableId": "tgw-rtb-1", "Associations": [{"TransitGatewayAttachmentId": "tgw-attach-1", "ResourceId": "vpc-1", "ResourceType": "vpc", "State": "associated"}]}"#,
        ),
        doc(
            "props.json",
            r#"{"TransitGatewayRouteTableId": "tgw-rtb-1", "TransitGatewayRouteTablePropagations": [{"TransitGatewayAttachmentId": "tgw-attach-1", "State": "enabled"}]}"#,
        ),
        doc(
            "tg.json",
            r#"{"TargetGroups": [{"TargetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/1", "Port": 8080, "TargetType": "instance"}]}"#,
        ),
        doc(
            "pl.json",
            r#"{"PrefixLists": [{"PrefixListId": "pl-1", "PrefixListName": "corp"}]}"#,
        ),
        doc(
            "rt.json",
            r#"{"TransitGatewayRouteTables": [{"TransitGatewayRouteTableId": "tgw-rtb-1"}]}"#,
        ),
        doc(
            "bare.json",
            r#"{"TargetHealthDescriptions": [{"Target": {"Id": "i-2"}}]}"#,
        ),
        doc(
            "bare-entries.json",
            r#"{"Entries": [{"Cidr": "192.0.2.0/24"}]}"#,
        ),
    ]);
    let tg = s.target_groups.values().next().unwrap();
    assert_eq!(tg.target_health_descriptions.len(), 1);
    assert_eq!(tg.scope.account, "111122223333");
    let cidrs: Vec<&str> = s.prefix_lists["pl-1"].all_cidrs().collect();
    assert_eq!(cidrs, ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"]);
    let rt = &s.transit_gateway_route_tables["tgw-rtb-1"];
    assert_eq!(
        (
            rt.routes.len(),
            rt.associations.len(),
            rt.propagations.len()
        ),
        (1, 1, 1)
    );
    for file in ["bare.json", "bare-entries.json"] {
        let w = s.warnings.iter().find(|w| w.file == file).unwrap();
        assert!(w.message.contains("wrap the output"), "{}", w.message);
    }
}

#[test]
fn instance_enis_are_built_when_network_interfaces_are_missing() {
    let s = Snapshot::from_documents([doc(
        "Reservations.json",
        r#"{"Reservations": [{"OwnerId": "111122223333", "Instances": [{
            "InstanceId": "i-1", "SubnetId": "subnet-1", "VpcId": "vpc-1",
            "PrivateIpAddress": "10.0.0.5", "PublicIpAddress": "203.0.113.7",
            "SecurityGroups": [{"GroupId": "sg-1", "GroupName": "web"}],
            "NetworkInterfaces": [
                {"NetworkInterfaceId": "eni-2", "PrivateIpAddress": "10.0.1.5", "Attachment": {"DeviceIndex": 1}, "Groups": [{"GroupId": "sg-2"}]},
                {"NetworkInterfaceId": "eni-1", "PrivateIpAddress": "10.0.0.5", "Attachment": {"DeviceIndex": 0},
                 "Ipv6Addresses": [{"Ipv6Address": "2600:1f18::5"}]}
            ]}]}]}"#,
    )]);
    let inst = &s.instances["i-1"];
    assert_eq!(inst.owner_id.as_deref(), Some("111122223333"));
    assert_eq!(inst.scope.account, "111122223333");
    let enis = s.enis_of_instance("i-1");
    let ids: Vec<&str> = enis
        .iter()
        .map(|e| e.network_interface_id.as_str())
        .collect();
    assert_eq!(ids, ["eni-1", "eni-2"]);
    let primary = enis[0];
    assert!(primary.synthesized_from_instance);
    assert_eq!(primary.subnet_id.as_deref(), Some("subnet-1"));
    assert_eq!(primary.groups[0].group_id, "sg-1");
    let public = primary
        .association
        .as_ref()
        .and_then(|a| a.public_ip.as_deref());
    assert_eq!(public, Some("203.0.113.7"));
    assert_eq!(
        primary.attachment.as_ref().unwrap().instance_id.as_deref(),
        Some("i-1")
    );
    assert_eq!(enis[1].groups[0].group_id, "sg-2");
    assert!(enis[1].association.is_none());
}
