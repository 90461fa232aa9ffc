//! CloudTrail records in the shapes AWS documents for each EC2 API (request parameters
//! in lowerCamelCase with `{"items": [...]}` lists; ModifySecurityGroupRules' wrapped
//! PascalCase request).
use kensa_watch::ChangeEvent;
use serde_json::{json, Value};

pub const ACTOR: &str = "arn:aws:iam::111122223333:user/alice";

pub fn record(name: &str, request: Value, response: Value) -> Value {
    json!({
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "IAMUser",
            "principalId": "AIDAEXAMPLE",
            "arn": ACTOR,
            "accountId": "111122223333",
            "userName": "alice"
        },
        "eventTime": "2026-12-07T10:42:07Z",
        "eventSource": "ec2.amazonaws.com",
        "eventName": name,
        "awsRegion": "us-east-1",
        "sourceIPAddress": "198.51.100.7",
        "userAgent": "aws-cli/2.15.0",
        "requestParameters": request,
        "responseElements": response,
        "requestID": "11111111-2222-3333-4444-555555555555",
        "eventID": format!("ev-{name}"),
        "readOnly": false,
        "eventType": "AwsApiCall",
        "managementEvent": true,
        "recipientAccountId": "111122223333"
    })
}

pub fn event(name: &str, request: Value, response: Value) -> ChangeEvent {
    ChangeEvent::from_record(&record(name, request, response)).expect("fixture record")
}

fn ok() -> Value {
    json!({"requestId": "11111111-2222-3333-4444-555555555555", "_return": true})
}

/// `ipPermissions` with one IPv4 range.
pub fn perms(proto: &str, port: i32, cidr: &str) -> Value {
    json!({"items": [{
        "ipProtocol": proto, "fromPort": port, "toPort": port,
        "groups": {}, "ipRanges": {"items": [{"cidrIp": cidr}]},
        "ipv6Ranges": {}, "prefixListIds": {}
    }]})
}

/// AuthorizeSecurityGroupIngress, older shape: no rule ids in the response.
pub fn authorize_plain(group: &str, proto: &str, port: i32, cidr: &str) -> ChangeEvent {
    event(
        "AuthorizeSecurityGroupIngress",
        json!({"groupId": group, "ipPermissions": perms(proto, port, cidr)}),
        ok(),
    )
}

/// AuthorizeSecurityGroupIngress as CloudTrail records it today: the response lists the
/// new rules with their ids.
pub fn authorize(group: &str, rule_id: &str, proto: &str, port: i32, cidr: &str) -> ChangeEvent {
    let mut resp = ok();
    resp["securityGroupRuleSet"] = json!({"items": [{
        "groupOwnerId": "111122223333", "groupId": group, "securityGroupRuleId": rule_id,
        "isEgress": false, "ipProtocol": proto, "fromPort": port, "toPort": port,
        "cidrIpv4": cidr
    }]});
    event(
        "AuthorizeSecurityGroupIngress",
        json!({"groupId": group, "ipPermissions": perms(proto, port, cidr)}),
        resp,
    )
}

pub fn revoke(group: &str, proto: &str, port: i32, cidr: &str) -> ChangeEvent {
    event(
        "RevokeSecurityGroupIngress",
        json!({"groupId": group, "ipPermissions": perms(proto, port, cidr)}),
        ok(),
    )
}

pub fn revoke_ids(group: &str, ids: &[&str]) -> ChangeEvent {
    let items: Vec<Value> = ids
        .iter()
        .map(|i| json!({"securityGroupRuleId": i}))
        .collect();
    event(
        "RevokeSecurityGroupIngress",
        json!({"groupId": group, "securityGroupRuleIds": {"items": items}}),
        ok(),
    )
}

pub fn modify_rule(group: &str, rule_id: &str, proto: &str, port: i32, cidr: &str) -> ChangeEvent {
    event(
        "ModifySecurityGroupRules",
        json!({"ModifySecurityGroupRulesRequest": {
            "GroupId": group,
            "SecurityGroupRule": {
                "SecurityGroupRuleId": rule_id,
                "SecurityGroupRule": {
                    "IpProtocol": proto, "FromPort": port, "ToPort": port, "CidrIpv4": cidr
                },
                "tag": 1
            }
        }}),
        json!({"ModifySecurityGroupRulesResponse": {"_return": true}}),
    )
}

pub fn create_group(id: &str, name: &str) -> ChangeEvent {
    event(
        "CreateSecurityGroup",
        json!({"groupName": name, "groupDescription": "test", "vpcId": "vpc-1"}),
        json!({"requestId": "r", "_return": true, "groupId": id}),
    )
}

pub fn delete_group(id: &str) -> ChangeEvent {
    event("DeleteSecurityGroup", json!({"groupId": id}), ok())
}

pub fn create_route(rtb: &str, cidr: &str, igw: &str) -> ChangeEvent {
    event(
        "CreateRoute",
        json!({"routeTableId": rtb, "destinationCidrBlock": cidr, "gatewayId": igw}),
        ok(),
    )
}

pub fn replace_route_nat(rtb: &str, cidr: &str, nat: &str) -> ChangeEvent {
    event(
        "ReplaceRoute",
        json!({"routeTableId": rtb, "destinationCidrBlock": cidr, "natGatewayId": nat}),
        ok(),
    )
}

pub fn delete_route(rtb: &str, cidr: &str) -> ChangeEvent {
    event(
        "DeleteRoute",
        json!({"routeTableId": rtb, "destinationCidrBlock": cidr}),
        ok(),
    )
}

pub fn associate_route_table(rtb: &str, subnet: &str, assoc: &str) -> ChangeEvent {
    event(
        "AssociateRouteTable",
        json!({"routeTableId": rtb, "subnetId": subnet}),
        json!({"requestId": "r", "associationId": assoc,
               "associationState": {"state": "associated"}}),
    )
}

pub fn disassociate_route_table(assoc: &str) -> ChangeEvent {
    event(
        "DisassociateRouteTable",
        json!({"associationId": assoc}),
        ok(),
    )
}

pub fn replace_route_table_association(assoc: &str, rtb: &str, new: &str) -> ChangeEvent {
    event(
        "ReplaceRouteTableAssociation",
        json!({"associationId": assoc, "routeTableId": rtb}),
        json!({"requestId": "r", "newAssociationId": new}),
    )
}

pub fn nacl_entry(name: &str, acl: &str, number: i32, action: &str, port: i32) -> ChangeEvent {
    event(
        name,
        json!({"networkAclId": acl, "ruleNumber": number, "egress": false,
               "ruleAction": action, "protocol": "6", "cidrBlock": "0.0.0.0/0",
               "portRange": {"from": port, "to": port}}),
        ok(),
    )
}

pub fn delete_nacl_entry(acl: &str, number: i32) -> ChangeEvent {
    event(
        "DeleteNetworkAclEntry",
        json!({"networkAclId": acl, "ruleNumber": number, "egress": false}),
        ok(),
    )
}

pub fn replace_nacl_association(assoc: &str, acl: &str, new: &str) -> ChangeEvent {
    event(
        "ReplaceNetworkAclAssociation",
        json!({"associationId": assoc, "networkAclId": acl}),
        json!({"requestId": "r", "newAssociationId": new}),
    )
}

pub fn igw(name: &str, igw: &str, vpc: &str) -> ChangeEvent {
    event(name, json!({"internetGatewayId": igw, "vpcId": vpc}), ok())
}

pub fn allocate_address(alloc: &str, ip: &str) -> ChangeEvent {
    event(
        "AllocateAddress",
        json!({"domain": "vpc"}),
        json!({"requestId": "r", "publicIp": ip, "domain": "vpc", "allocationId": alloc,
               "networkBorderGroup": "us-east-1"}),
    )
}

pub fn associate_address(alloc: &str, instance: &str, assoc: &str) -> ChangeEvent {
    event(
        "AssociateAddress",
        json!({"allocationId": alloc, "instanceId": instance, "allowReassociation": false}),
        json!({"requestId": "r", "_return": true, "associationId": assoc}),
    )
}

pub fn disassociate_address(assoc: &str) -> ChangeEvent {
    event("DisassociateAddress", json!({"associationId": assoc}), ok())
}

pub fn run_instance(
    id: &str,
    eni: &str,
    subnet: &str,
    ip: &str,
    group: &str,
    public: bool,
) -> ChangeEvent {
    event(
        "RunInstances",
        json!({
            "instancesSet": {"items": [{"imageId": "ami-0abcdef1234567890", "minCount": 1, "maxCount": 1}]},
            "instanceType": "t3.micro",
            "networkInterfaceSet": {"items": [{
                "deviceIndex": 0, "subnetId": subnet, "associatePublicIpAddress": public,
                "groupSet": {"items": [{"groupId": group}]}
            }]}
        }),
        json!({
            "requestId": "r", "reservationId": "r-0123", "ownerId": "111122223333",
            "groupSet": {},
            "instancesSet": {"items": [{
                "instanceId": id, "imageId": "ami-0abcdef1234567890",
                "instanceState": {"code": 0, "name": "pending"},
                "privateIpAddress": ip, "subnetId": subnet, "vpcId": "vpc-1",
                "instanceType": "t3.micro",
                "groupSet": {"items": [{"groupId": group, "groupName": group}]},
                "networkInterfaceSet": {"items": [{
                    "networkInterfaceId": eni, "subnetId": subnet, "vpcId": "vpc-1",
                    "ownerId": "111122223333", "status": "in-use",
                    "privateIpAddress": ip, "sourceDestCheck": true,
                    "interfaceType": "interface",
                    "groupSet": {"items": [{"groupId": group, "groupName": group}]},
                    "attachment": {"attachmentId": "eni-attach-1", "deviceIndex": 0,
                                   "status": "attaching", "deleteOnTermination": true}
                }]}
            }]}
        }),
    )
}

pub fn modify_eni_groups(eni: &str, groups: &[&str]) -> ChangeEvent {
    let items: Vec<Value> = groups.iter().map(|g| json!({"groupId": g})).collect();
    event(
        "ModifyNetworkInterfaceAttribute",
        json!({"networkInterfaceId": eni, "groupSet": {"items": items}}),
        ok(),
    )
}

pub fn modify_instance_groups(instance: &str, groups: &[&str]) -> ChangeEvent {
    let items: Vec<Value> = groups.iter().map(|g| json!({"groupId": g})).collect();
    event(
        "ModifyInstanceAttribute",
        json!({"instanceId": instance, "groupSet": {"items": items}}),
        ok(),
    )
}
