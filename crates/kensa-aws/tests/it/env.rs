//! A small environment built in moto through the SDK: one VPC with an Internet
//! gateway, groups with world-open rules next to rules that must survive, an instance,
//! a public snapshot and a public AMI.
use aws_sdk_ec2::types::{
    FlowLogsResourceType, InstanceType, IpPermission, IpRange, Ipv6Range, LaunchPermission,
    LaunchPermissionModifications, LaunchTemplateHttpTokensState,
    LaunchTemplateInstanceMetadataOptionsRequest,
    LaunchTemplateInstanceNetworkInterfaceSpecificationRequest, OperationType, PermissionGroup,
    RequestLaunchTemplateData, SnapshotAttributeName, TrafficType, UserIdGroupPair,
};
use aws_sdk_ec2::Client;
use kensa_aws::testing::{MotoServer, TEST_REGION};

pub struct Env {
    pub ec2: Client,
    pub vpc: String,
    /// tcp 0-65535 from 0.0.0.0/0 and from 10.1.0.0/16, tcp 443 from 0.0.0.0/0,
    /// all traffic from ::/0.
    pub web: String,
    /// tcp 22 from 0.0.0.0/0, 192.0.2.0/24 and ::/0; tcp 3389 from 0.0.0.0/0.
    pub admin: String,
    /// tcp 8080 from the web group (a group reference that must survive).
    pub app: String,
    pub instance: String,
    pub snapshot: String,
    pub image: String,
}

fn cidr(c: &str, desc: Option<&str>) -> IpRange {
    IpRange::builder()
        .cidr_ip(c)
        .set_description(desc.map(str::to_owned))
        .build()
}

fn cidr6(c: &str, desc: Option<&str>) -> Ipv6Range {
    Ipv6Range::builder()
        .cidr_ipv6(c)
        .set_description(desc.map(str::to_owned))
        .build()
}

fn perm(
    proto: &str,
    ports: Option<(i32, i32)>,
) -> aws_sdk_ec2::types::builders::IpPermissionBuilder {
    let b = IpPermission::builder().ip_protocol(proto);
    match ports {
        Some((f, t)) => b.from_port(f).to_port(t),
        None => b,
    }
}

async fn group(ec2: &Client, vpc: &str, name: &str, perms: Vec<IpPermission>) -> String {
    let id = ec2
        .create_security_group()
        .group_name(name)
        .description(format!("kensa test {name}"))
        .vpc_id(vpc)
        .send()
        .await
        .expect("create group")
        .group_id()
        .expect("group id")
        .to_owned();
    if !perms.is_empty() {
        ec2.authorize_security_group_ingress()
            .group_id(&id)
            .set_ip_permissions(Some(perms))
            .send()
            .await
            .expect("authorize");
    }
    id
}

pub async fn build(moto: &MotoServer) -> Env {
    let ec2 = Client::new(&moto.sdk_config(TEST_REGION).await);
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.0.0.0/16")
        .send()
        .await
        .expect("vpc");
    let vpc = vpc
        .vpc()
        .and_then(|v| v.vpc_id())
        .expect("vpc id")
        .to_owned();
    let subnet = ec2
        .create_subnet()
        .vpc_id(&vpc)
        .cidr_block("10.0.1.0/24")
        .availability_zone("us-east-1a")
        .send()
        .await
        .expect("subnet");
    let subnet = subnet
        .subnet()
        .and_then(|s| s.subnet_id())
        .expect("subnet id")
        .to_owned();
    let igw = ec2.create_internet_gateway().send().await.expect("igw");
    let igw = igw
        .internet_gateway()
        .and_then(|g| g.internet_gateway_id())
        .expect("igw id")
        .to_owned();
    ec2.attach_internet_gateway()
        .internet_gateway_id(&igw)
        .vpc_id(&vpc)
        .send()
        .await
        .expect("attach");
    let rtb = ec2
        .create_route_table()
        .vpc_id(&vpc)
        .send()
        .await
        .expect("rtb");
    let rtb = rtb
        .route_table()
        .and_then(|r| r.route_table_id())
        .expect("rtb id")
        .to_owned();
    ec2.create_route()
        .route_table_id(&rtb)
        .destination_cidr_block("0.0.0.0/0")
        .gateway_id(&igw)
        .send()
        .await
        .expect("route");
    ec2.associate_route_table()
        .route_table_id(&rtb)
        .subnet_id(&subnet)
        .send()
        .await
        .expect("assoc");

    let web = group(
        &ec2,
        &vpc,
        "web",
        vec![
            perm("tcp", Some((0, 65535)))
                .ip_ranges(cidr("0.0.0.0/0", Some("all tcp")))
                .ip_ranges(cidr("10.1.0.0/16", Some("office")))
                .build(),
            perm("tcp", Some((443, 443)))
                .ip_ranges(cidr("0.0.0.0/0", Some("https")))
                .build(),
            perm("-1", None)
                .ipv6_ranges(cidr6("::/0", Some("everything v6")))
                .build(),
        ],
    )
    .await;
    let admin = group(
        &ec2,
        &vpc,
        "admin",
        vec![
            perm("tcp", Some((22, 22)))
                .ip_ranges(cidr("0.0.0.0/0", None))
                .ip_ranges(cidr("192.0.2.0/24", Some("bastion")))
                .ipv6_ranges(cidr6("::/0", None))
                .build(),
            perm("tcp", Some((3389, 3389)))
                .ip_ranges(cidr("0.0.0.0/0", Some("rdp")))
                .build(),
        ],
    )
    .await;
    let app = group(
        &ec2,
        &vpc,
        "app",
        vec![perm("tcp", Some((8080, 8080)))
            .user_id_group_pairs(
                UserIdGroupPair::builder()
                    .group_id(&web)
                    .description("from web")
                    .build(),
            )
            .build()],
    )
    .await;

    let run = ec2
        .run_instances()
        .image_id("ami-12c6146b")
        .instance_type(InstanceType::T3Micro)
        .min_count(1)
        .max_count(1)
        .subnet_id(&subnet)
        .security_group_ids(&web)
        .send()
        .await
        .expect("run instance");
    let instance = run.instances()[0]
        .instance_id()
        .expect("instance id")
        .to_owned();

    let volume = ec2
        .create_volume()
        .availability_zone("us-east-1a")
        .size(8)
        .send()
        .await
        .expect("volume");
    let snap = ec2
        .create_snapshot()
        .volume_id(volume.volume_id().expect("volume id"))
        .send()
        .await
        .expect("snapshot");
    let snapshot = snap.snapshot_id().expect("snapshot id").to_owned();
    ec2.modify_snapshot_attribute()
        .snapshot_id(&snapshot)
        .attribute(SnapshotAttributeName::CreateVolumePermission)
        .operation_type(OperationType::Add)
        .group_names("all")
        .send()
        .await
        .expect("make snapshot public");
    let image = ec2
        .create_image()
        .instance_id(&instance)
        .name("kensa-test")
        .send()
        .await
        .expect("image");
    let image = image.image_id().expect("image id").to_owned();
    ec2.modify_image_attribute()
        .image_id(&image)
        .launch_permission(
            LaunchPermissionModifications::builder()
                .add(
                    LaunchPermission::builder()
                        .group(PermissionGroup::All)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .expect("make image public");
    Env {
        ec2,
        vpc,
        web,
        admin,
        app,
        instance,
        snapshot,
        image,
    }
}

/// What the configuration controls read beyond the network, added to an [`Env`]: two
/// launch templates, a flow log on the test VPC and a private snapshot.
pub struct ComputeEnv {
    /// Default version assigns a public IP and allows IMDSv1 (EC2.25, EC2.170 fail).
    pub open_template: String,
    /// Default version requires IMDSv2 and assigns no public IP.
    pub closed_template: String,
    /// Snapshot of the same volume, shared with nobody.
    pub private_snapshot: String,
}

async fn template(ec2: &Client, name: &str, public_ip: bool, tokens: &str) -> String {
    let eni = LaunchTemplateInstanceNetworkInterfaceSpecificationRequest::builder()
        .device_index(0)
        .associate_public_ip_address(public_ip)
        .build();
    let data = RequestLaunchTemplateData::builder()
        .image_id("ami-12c6146b")
        .instance_type(InstanceType::T3Micro)
        .network_interfaces(eni)
        .metadata_options(
            LaunchTemplateInstanceMetadataOptionsRequest::builder()
                .http_tokens(LaunchTemplateHttpTokensState::from(tokens))
                .build(),
        )
        .build();
    ec2.create_launch_template()
        .launch_template_name(name)
        .launch_template_data(data)
        .send()
        .await
        .expect("create launch template")
        .launch_template()
        .and_then(|t| t.launch_template_id())
        .expect("launch template id")
        .to_owned()
}

pub async fn build_compute(env: &Env) -> ComputeEnv {
    let ec2 = &env.ec2;
    let open_template = template(ec2, "open", true, "optional").await;
    let closed_template = template(ec2, "closed", false, "required").await;
    ec2.create_flow_logs()
        .resource_type(FlowLogsResourceType::Vpc)
        .resource_ids(&env.vpc)
        .traffic_type(TrafficType::All)
        .log_group_name("kensa-test-flow-logs")
        .deliver_logs_permission_arn("arn:aws:iam::123456789012:role/flow-logs")
        .send()
        .await
        .expect("create flow log");
    let volume = ec2
        .describe_snapshots()
        .snapshot_ids(&env.snapshot)
        .send()
        .await
        .expect("describe snapshot")
        .snapshots()[0]
        .volume_id()
        .expect("volume id")
        .to_owned();
    let private_snapshot = ec2
        .create_snapshot()
        .volume_id(volume)
        .send()
        .await
        .expect("private snapshot")
        .snapshot_id()
        .expect("snapshot id")
        .to_owned();
    ComputeEnv {
        open_template,
        closed_template,
        private_snapshot,
    }
}
