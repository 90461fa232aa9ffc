"""Sets up moto for the `kensa watch` end-to-end test and makes its changes.

`setup`: a VPC with an internet gateway, a public subnet routed to it, a running
instance with a public address in group `web`, an unattached group `spare`, and an SQS
queue; prints their ids as JSON. `open GROUP` / `close GROUP`: authorises / revokes
tcp/22 from 0.0.0.0/0 on the group in moto and sends the CloudTrail record of that call,
in the EventBridge envelope, to the queue, and writes that message to FILE; prints the
record's eventID. `send FILE`: sends a message again (SQS delivers at least once).
`peer VPC`: a second VPC (10.30.0.0/16), a peering connection to it awaiting
acceptance and a route to it from VPC's subnet; prints the peering's id. `accept PCX
FILE`: accepts it and sends the record, as `open` does. `backend SUBNET VPC`: an instance without a public address in SUBNET whose group
admits tcp/22 from anywhere, an internet-facing network load balancer in SUBNET and a
TCP/22 target group with the instance registered; prints their ids as JSON. `listen LB
TG FILE`: a TCP/22 listener forwarding to TG, with its CloudTrail record sent as `open`
does; `unlisten LISTENER FILE`: deletes it, likewise. `open-silent GROUP`: authorises it without sending the record (a change the watcher
never hears of). `rules GROUP`: the group's inbound rules as sorted `proto from-to cidr` lines (JSON).
Credentials and endpoint come from the environment the test sets (moto only).
"""
import json
import sys
import uuid
from datetime import datetime, timezone

import boto3

REGION = "us-east-1"
ACCOUNT = "123456789012"
ACTOR = f"arn:aws:iam::{ACCOUNT}:user/alice"


def client(name):
    return boto3.client(name, region_name=REGION)


def setup():
    ec2 = client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.1.0/24")["Subnet"]["SubnetId"]
    rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=rtb, SubnetId=subnet)
    web = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    spare = ec2.create_security_group(GroupName="spare", Description="spare", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=web,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                        "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    inst = ec2.run_instances(
        ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.micro",
        NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": subnet, "Groups": [web],
                            "AssociatePublicIpAddress": True}],
    )["Instances"][0]["InstanceId"]
    queue = client("sqs").create_queue(QueueName="ec2-calls")["QueueUrl"]
    print(json.dumps({"vpc": vpc, "subnet": subnet, "web": web, "spare": spare,
                      "instance": inst, "queue": queue}))


def send(body):
    queue = client("sqs").get_queue_url(QueueName="ec2-calls")["QueueUrl"]
    client("sqs").send_message(QueueUrl=queue, MessageBody=body)


def ssh(group, name, keep):
    ec2 = client("ec2")
    perm = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
            "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
    request = {"groupId": group, "ipPermissions": {"items": [{
        "ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "groups": {},
        "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]},
        "ipv6Ranges": {}, "prefixListIds": {}}]}}
    if name == "AuthorizeSecurityGroupIngress":
        out = ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[perm])
        rules = [{"groupOwnerId": ACCOUNT, "groupId": group,
                  "securityGroupRuleId": r["SecurityGroupRuleId"], "isEgress": False,
                  "ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "cidrIpv4": "0.0.0.0/0"}
                 for r in out.get("SecurityGroupRules", [])]
        response = {"requestId": str(uuid.uuid4()), "_return": True,
                    "securityGroupRuleSet": {"items": rules}}
    else:
        ec2.revoke_security_group_ingress(GroupId=group, IpPermissions=[perm])
        response = {"requestId": str(uuid.uuid4()), "_return": True}
    send_record(name, request, response, keep)


def peer(vpc):
    ec2 = client("ec2")
    other = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    pcx = ec2.create_vpc_peering_connection(VpcId=vpc, PeerVpcId=other)
    pcx = pcx["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])
    for t in tables["RouteTables"]:
        if any(a.get("SubnetId") for a in t.get("Associations", [])):
            ec2.create_route(RouteTableId=t["RouteTableId"], DestinationCidrBlock="10.30.0.0/16",
                             VpcPeeringConnectionId=pcx)
    print(pcx)


def accept(pcx, keep):
    out = client("ec2").accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    response = {"requestId": str(uuid.uuid4()), "vpcPeeringConnection": {
        "vpcPeeringConnectionId": out["VpcPeeringConnection"]["VpcPeeringConnectionId"],
        "status": {"code": "active", "message": "Active"}}}
    send_record("AcceptVpcPeeringConnection", {"vpcPeeringConnectionId": pcx}, response, keep)


def backend(subnet, vpc):
    ec2 = client("ec2")
    back = ec2.create_security_group(GroupName="back", Description="back", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=back,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                        "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    inst = ec2.run_instances(
        ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.micro",
        NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": subnet, "Groups": [back],
                            "AssociatePublicIpAddress": False}],
    )["Instances"][0]["InstanceId"]
    elbv2 = client("elbv2")
    lb = elbv2.create_load_balancer(Name="front", Subnets=[subnet], Type="network",
                                    Scheme="internet-facing")["LoadBalancers"][0]
    tg = elbv2.create_target_group(Name="ssh", Protocol="TCP", Port=22, VpcId=vpc,
                                   TargetType="instance")["TargetGroups"][0]["TargetGroupArn"]
    elbv2.register_targets(TargetGroupArn=tg, Targets=[{"Id": inst, "Port": 22}])
    print(json.dumps({"backend": inst, "back": back, "lb": lb["LoadBalancerArn"], "tg": tg}))


def listen(lb, tg, keep):
    actions = [{"Type": "forward", "TargetGroupArn": tg}]
    out = client("elbv2").create_listener(LoadBalancerArn=lb, Protocol="TCP", Port=22,
                                          DefaultActions=actions)["Listeners"][0]
    request = {"loadBalancerArn": lb, "protocol": "TCP", "port": 22,
               "defaultActions": [{"type": "forward", "targetGroupArn": tg}]}
    response = {"requestId": str(uuid.uuid4()), "listeners": [{
        "listenerArn": out["ListenerArn"], "loadBalancerArn": lb, "port": 22,
        "protocol": "TCP", "defaultActions": request["defaultActions"]}]}
    send_record("CreateListener", request, response, keep, ELB)
    return out["ListenerArn"]


def unlisten(listener, keep):
    client("elbv2").delete_listener(ListenerArn=listener)
    response = {"requestId": str(uuid.uuid4())}
    send_record("DeleteListener", {"listenerArn": listener}, response, keep, ELB)


EC2 = ("ec2.amazonaws.com", "aws.ec2")
ELB = ("elasticloadbalancing.amazonaws.com", "aws.elasticloadbalancing")


def send_record(name, request, response, keep, source=EC2):
    event_id = str(uuid.uuid4())
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    record = {
        "eventVersion": "1.09",
        "userIdentity": {"type": "IAMUser", "principalId": "AIDAEXAMPLE", "arn": ACTOR,
                         "accountId": ACCOUNT, "accessKeyId": "AKIAEXAMPLE", "userName": "alice"},
        "eventTime": now, "eventSource": source[0], "eventName": name,
        "awsRegion": REGION, "sourceIPAddress": "198.51.100.7",
        "userAgent": "aws-cli/2.15.0", "requestParameters": request,
        "responseElements": response, "requestID": response["requestId"],
        "eventID": event_id, "readOnly": False, "eventType": "AwsApiCall",
        "managementEvent": True, "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
    }
    envelope = {"version": "0", "id": str(uuid.uuid4()),
                "detail-type": "AWS API Call via CloudTrail", "source": source[1],
                "account": ACCOUNT, "time": now, "region": REGION, "resources": [],
                "detail": record}
    body = json.dumps(envelope)
    with open(keep, "w") as f:
        f.write(body)
    send(body)
    print(event_id)


if __name__ == "__main__":
    if sys.argv[1] == "setup":
        setup()
    elif sys.argv[1] == "open":
        ssh(sys.argv[2], "AuthorizeSecurityGroupIngress", sys.argv[3])
    elif sys.argv[1] == "close":
        ssh(sys.argv[2], "RevokeSecurityGroupIngress", sys.argv[3])
    elif sys.argv[1] == "peer":
        peer(sys.argv[2])
    elif sys.argv[1] == "accept":
        accept(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "backend":
        backend(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "listen":
        arn = listen(sys.argv[2], sys.argv[3], sys.argv[4])
        print(arn)
    elif sys.argv[1] == "unlisten":
        unlisten(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "open-silent":
        client("ec2").authorize_security_group_ingress(
            GroupId=sys.argv[2],
            IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                            "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    elif sys.argv[1] == "rules":
        out = client("ec2").describe_security_group_rules(
            Filters=[{"Name": "group-id", "Values": [sys.argv[2]]}])["SecurityGroupRules"]
        print(json.dumps(sorted(
            f"{r['IpProtocol']} {r.get('FromPort')}-{r.get('ToPort')} "
            f"{r.get('CidrIpv4') or r.get('CidrIpv6') or r.get('ReferencedGroupInfo', {}).get('GroupId')}"
            for r in out if not r["IsEgress"])))
    elif sys.argv[1] == "send":
        with open(sys.argv[2]) as f:
            send(f.read())
    else:
        raise SystemExit(f"unknown command {sys.argv[1]}")
