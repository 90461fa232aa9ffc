//! Volumes, snapshots, images, launch templates and flow logs.
use aws_sdk_ec2::primitives::DateTimeFormat;
use aws_sdk_ec2::types as sdk;
use kensa_model::compute as m;

use super::{own, strings, tags, wire};

fn time(t: Option<&aws_sdk_ec2::primitives::DateTime>) -> Option<String> {
    t.and_then(|t| t.fmt(DateTimeFormat::DateTime).ok())
}

/// The SDK's `Volume` as the model's `Volume` (the AWS CLI's JSON shape).
pub fn volume(v: &sdk::Volume) -> m::Volume {
    m::Volume {
        volume_id: v.volume_id().unwrap_or_default().to_owned(),
        encrypted: v.encrypted().unwrap_or(false),
        kms_key_id: own(v.kms_key_id()),
        state: wire(v.state()),
        size: v.size().map(i64::from),
        snapshot_id: own(v.snapshot_id()),
        availability_zone: own(v.availability_zone()),
        volume_type: wire(v.volume_type()),
        attachments: v
            .attachments()
            .iter()
            .map(|at| m::VolumeAttachment {
                instance_id: own(at.instance_id()),
                device: own(at.device()),
                state: wire(at.state()),
                delete_on_termination: at.delete_on_termination(),
            })
            .collect(),
        tags: tags(v.tags()),
        scope: Default::default(),
    }
}

/// One snapshot; `permissions` is its `createVolumePermission` when it was read.
pub fn ebs_snapshot(
    s: &sdk::Snapshot,
    permissions: Option<Vec<m::CreateVolumePermission>>,
) -> m::EbsSnapshot {
    m::EbsSnapshot {
        snapshot_id: s.snapshot_id().unwrap_or_default().to_owned(),
        volume_id: own(s.volume_id()),
        encrypted: s.encrypted().unwrap_or(false),
        owner_id: own(s.owner_id()),
        state: wire(s.state()),
        description: own(s.description()),
        start_time: time(s.start_time()),
        tags: tags(s.tags()),
        create_volume_permissions: permissions,
        scope: Default::default(),
    }
}

/// The SDK's `CreateVolumePermission` as the model's `CreateVolumePermission` (the AWS CLI's JSON shape).
pub fn create_volume_permission(p: &sdk::CreateVolumePermission) -> m::CreateVolumePermission {
    m::CreateVolumePermission {
        group: wire(p.group()),
        user_id: own(p.user_id()),
    }
}

/// One AMI; `permissions` are its launch permissions when they were read.
pub fn image(i: &sdk::Image, permissions: Option<Vec<m::LaunchPermission>>) -> m::Image {
    m::Image {
        image_id: i.image_id().unwrap_or_default().to_owned(),
        name: own(i.name()),
        owner_id: own(i.owner_id()),
        public: i.public(),
        state: wire(i.state()),
        creation_date: own(i.creation_date()),
        platform_details: own(i.platform_details()),
        tags: tags(i.tags()),
        launch_permissions: permissions,
        scope: Default::default(),
    }
}

/// The SDK's `LaunchPermission` as the model's `LaunchPermission` (the AWS CLI's JSON shape).
pub fn launch_permission(p: &sdk::LaunchPermission) -> m::LaunchPermission {
    m::LaunchPermission {
        group: wire(p.group()),
        user_id: own(p.user_id()),
        organization_arn: own(p.organization_arn()),
        organizational_unit_arn: own(p.organizational_unit_arn()),
    }
}

/// The SDK's `LaunchTemplate` as the model's `LaunchTemplate` (the AWS CLI's JSON shape).
pub fn launch_template(t: &sdk::LaunchTemplate) -> m::LaunchTemplate {
    m::LaunchTemplate {
        launch_template_id: t.launch_template_id().unwrap_or_default().to_owned(),
        launch_template_name: own(t.launch_template_name()),
        default_version_number: t.default_version_number(),
        latest_version_number: t.latest_version_number(),
        tags: tags(t.tags()),
        scope: Default::default(),
    }
}

/// The SDK's `LaunchTemplateVersion` as the model's `LaunchTemplateVersion` (the AWS CLI's JSON shape).
pub fn launch_template_version(v: &sdk::LaunchTemplateVersion) -> m::LaunchTemplateVersion {
    m::LaunchTemplateVersion {
        launch_template_id: v.launch_template_id().unwrap_or_default().to_owned(),
        launch_template_name: own(v.launch_template_name()),
        version_number: v.version_number().unwrap_or_default(),
        default_version: v.default_version().unwrap_or(false),
        launch_template_data: v
            .launch_template_data()
            .map(launch_template_data)
            .unwrap_or_default(),
        scope: Default::default(),
    }
}

fn launch_template_data(d: &sdk::ResponseLaunchTemplateData) -> m::LaunchTemplateData {
    m::LaunchTemplateData {
        image_id: own(d.image_id()),
        instance_type: wire(d.instance_type()),
        metadata_options: d.metadata_options().map(|o| m::MetadataOptions {
            state: wire(o.state()),
            http_tokens: wire(o.http_tokens()),
            http_put_response_hop_limit: o.http_put_response_hop_limit(),
            http_endpoint: wire(o.http_endpoint()),
            http_protocol_ipv6: wire(o.http_protocol_ipv6()),
            instance_metadata_tags: wire(o.instance_metadata_tags()),
        }),
        network_interfaces: d
            .network_interfaces()
            .iter()
            .map(|n| m::LaunchTemplateNetworkInterface {
                associate_public_ip_address: n.associate_public_ip_address(),
                device_index: n.device_index(),
                subnet_id: own(n.subnet_id()),
                network_interface_id: own(n.network_interface_id()),
                groups: strings(n.groups()),
            })
            .collect(),
        security_group_ids: strings(d.security_group_ids()),
    }
}

/// The SDK's `FlowLog` as the model's `FlowLog` (the AWS CLI's JSON shape).
pub fn flow_log(f: &sdk::FlowLog) -> m::FlowLog {
    m::FlowLog {
        flow_log_id: f.flow_log_id().unwrap_or_default().to_owned(),
        resource_id: own(f.resource_id()),
        flow_log_status: own(f.flow_log_status()),
        traffic_type: wire(f.traffic_type()),
        log_destination_type: wire(f.log_destination_type()),
        log_destination: own(f.log_destination()),
        deliver_logs_status: own(f.deliver_logs_status()),
        tags: tags(f.tags()),
        scope: Default::default(),
    }
}
