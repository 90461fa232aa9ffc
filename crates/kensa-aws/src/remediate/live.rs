//! The AWS calls apply and rollback make, over the SDK.
use aws_sdk_ec2::types as sdk;
use aws_sdk_ec2::Client;
use kensa_model::ec2::{SecurityGroup, SecurityGroupRule};
use serde::{Deserialize, Serialize};

use super::rule::{RuleSpec, Source};
use crate::collect::convert;
use crate::error::ApiError;

/// A group as `DescribeSecurityGroups` and `DescribeSecurityGroupRules` print it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupState {
    /// The group (one record).
    #[serde(rename = "SecurityGroups")]
    pub security_groups: Vec<SecurityGroup>,
    /// Its rules, each with its `sgr-` id.
    #[serde(rename = "SecurityGroupRules")]
    pub security_group_rules: Vec<SecurityGroupRule>,
}

impl GroupState {
    /// Every rule as a spec (ids from the live rules).
    pub fn specs(&self) -> Vec<RuleSpec> {
        let mut v: Vec<RuleSpec> = self
            .security_group_rules
            .iter()
            .filter_map(RuleSpec::from_sg_rule)
            .collect();
        v.sort();
        v
    }
}

/// A security group's state now (`DescribeSecurityGroups` and its rules).
pub async fn describe_group(ec2: &Client, group_id: &str) -> Result<GroupState, ApiError> {
    let groups = ec2
        .describe_security_groups()
        .group_ids(group_id)
        .send()
        .await
        .map_err(ApiError::from_sdk)?;
    let filter = sdk::Filter::builder()
        .name("group-id")
        .values(group_id)
        .build();
    let rules: Vec<sdk::SecurityGroupRule> = ec2
        .describe_security_group_rules()
        .filters(filter)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(ApiError::from_sdk)?;
    let mut security_group_rules: Vec<SecurityGroupRule> =
        rules.iter().map(convert::security_group_rule).collect();
    security_group_rules.sort_by(|a, b| a.security_group_rule_id.cmp(&b.security_group_rule_id));
    Ok(GroupState {
        security_groups: groups
            .security_groups()
            .iter()
            .map(convert::security_group)
            .collect(),
        security_group_rules,
    })
}

/// A spec as the SDK's one-source `IpPermission`.
pub fn sdk_permission(r: &RuleSpec) -> sdk::IpPermission {
    let mut p = sdk::IpPermission::builder().ip_protocol(&r.ip_protocol);
    if let (Some(f), Some(t)) = (r.from_port, r.to_port) {
        p = p.from_port(f).to_port(t);
    }
    let desc = r.description.clone();
    p = match &r.source {
        Source::CidrIpv4(c) => p.ip_ranges(
            sdk::IpRange::builder()
                .cidr_ip(c)
                .set_description(desc)
                .build(),
        ),
        Source::CidrIpv6(c) => p.ipv6_ranges(
            sdk::Ipv6Range::builder()
                .cidr_ipv6(c)
                .set_description(desc)
                .build(),
        ),
        Source::PrefixList(id) => p.prefix_list_ids(
            sdk::PrefixListId::builder()
                .prefix_list_id(id)
                .set_description(desc)
                .build(),
        ),
        Source::Group { group_id, user_id } => p.user_id_group_pairs(
            sdk::UserIdGroupPair::builder()
                .group_id(group_id)
                .set_user_id(user_id.clone())
                .set_description(desc)
                .build(),
        ),
    };
    p.build()
}

/// Adds one rule; a rule that already exists counts as added.
pub async fn authorize(ec2: &Client, group_id: &str, r: &RuleSpec) -> Result<(), ApiError> {
    let perm = sdk_permission(r);
    let result = if r.egress {
        ec2.authorize_security_group_egress()
            .group_id(group_id)
            .ip_permissions(perm)
            .send()
            .await
            .map(|_| ())
            .map_err(ApiError::from_sdk)
    } else {
        ec2.authorize_security_group_ingress()
            .group_id(group_id)
            .ip_permissions(perm)
            .send()
            .await
            .map(|_| ())
            .map_err(ApiError::from_sdk)
    };
    match result {
        Err(e) if e.code.as_deref() == Some("InvalidPermission.Duplicate") => Ok(()),
        other => other,
    }
}

/// Removes rules by `SecurityGroupRuleId`, so that no sibling source is touched.
pub async fn revoke_ids(
    ec2: &Client,
    group_id: &str,
    egress: bool,
    ids: &[String],
) -> Result<(), ApiError> {
    if ids.is_empty() {
        return Ok(());
    }
    if egress {
        ec2.revoke_security_group_egress()
            .group_id(group_id)
            .set_security_group_rule_ids(Some(ids.to_vec()))
            .send()
            .await
            .map(|_| ())
            .map_err(ApiError::from_sdk)
    } else {
        ec2.revoke_security_group_ingress()
            .group_id(group_id)
            .set_security_group_rule_ids(Some(ids.to_vec()))
            .send()
            .await
            .map(|_| ())
            .map_err(ApiError::from_sdk)
    }
}

/// Whether the client's region encrypts new EBS volumes by default.
pub async fn ebs_encryption_by_default(ec2: &Client) -> Result<bool, ApiError> {
    let out = ec2
        .get_ebs_encryption_by_default()
        .send()
        .await
        .map_err(ApiError::from_sdk)?;
    Ok(out.ebs_encryption_by_default().unwrap_or(false))
}

/// Turns the region's EBS encryption by default on or off.
pub async fn set_ebs_encryption_by_default(ec2: &Client, on: bool) -> Result<(), ApiError> {
    if on {
        ec2.enable_ebs_encryption_by_default()
            .send()
            .await
            .map(|_| ())
            .map_err(ApiError::from_sdk)
    } else {
        ec2.disable_ebs_encryption_by_default()
            .send()
            .await
            .map(|_| ())
            .map_err(ApiError::from_sdk)
    }
}

/// `createVolumePermission` groups of a snapshot (`all` when public).
pub async fn snapshot_groups(ec2: &Client, id: &str) -> Result<Vec<String>, ApiError> {
    let out = ec2
        .describe_snapshot_attribute()
        .snapshot_id(id)
        .attribute(sdk::SnapshotAttributeName::CreateVolumePermission)
        .send()
        .await
        .map_err(ApiError::from_sdk)?;
    Ok(out
        .create_volume_permissions()
        .iter()
        .filter_map(|p| p.group().map(|g| g.as_str().to_owned()))
        .collect())
}

/// Adds or removes `all` in a snapshot's `createVolumePermission`.
pub async fn set_snapshot_public(ec2: &Client, id: &str, public: bool) -> Result<(), ApiError> {
    let op = if public {
        sdk::OperationType::Add
    } else {
        sdk::OperationType::Remove
    };
    ec2.modify_snapshot_attribute()
        .snapshot_id(id)
        .attribute(sdk::SnapshotAttributeName::CreateVolumePermission)
        .operation_type(op)
        .group_names("all")
        .send()
        .await
        .map(|_| ())
        .map_err(ApiError::from_sdk)
}

/// `launchPermission` groups of an AMI (`all` when public).
pub async fn image_groups(ec2: &Client, id: &str) -> Result<Vec<String>, ApiError> {
    let out = ec2
        .describe_image_attribute()
        .image_id(id)
        .attribute(sdk::ImageAttributeName::LaunchPermission)
        .send()
        .await
        .map_err(ApiError::from_sdk)?;
    Ok(out
        .launch_permissions()
        .iter()
        .filter_map(|p| p.group().map(|g| g.as_str().to_owned()))
        .collect())
}

/// Adds or removes `all` in an AMI's launch permissions.
pub async fn set_image_public(ec2: &Client, id: &str, public: bool) -> Result<(), ApiError> {
    let perm = sdk::LaunchPermission::builder()
        .group(sdk::PermissionGroup::All)
        .build();
    let mods = if public {
        sdk::LaunchPermissionModifications::builder()
            .add(perm)
            .build()
    } else {
        sdk::LaunchPermissionModifications::builder()
            .remove(perm)
            .build()
    };
    ec2.modify_image_attribute()
        .image_id(id)
        .launch_permission(mods)
        .send()
        .await
        .map(|_| ())
        .map_err(ApiError::from_sdk)
}

/// `HttpTokens` of an instance (`optional` or `required`).
pub async fn http_tokens(ec2: &Client, instance_id: &str) -> Result<String, ApiError> {
    let out = ec2
        .describe_instances()
        .instance_ids(instance_id)
        .send()
        .await
        .map_err(ApiError::from_sdk)?;
    out.reservations()
        .iter()
        .flat_map(|r| r.instances())
        .find_map(|i| {
            i.metadata_options()
                .and_then(|m| m.http_tokens())
                .map(|t| t.as_str().to_owned())
        })
        .ok_or_else(|| ApiError::other(format!("instance {instance_id} has no metadata options")))
}

/// Sets an instance's metadata `HttpTokens` (`optional` or `required`).
pub async fn set_http_tokens(
    ec2: &Client,
    instance_id: &str,
    tokens: &str,
) -> Result<(), ApiError> {
    ec2.modify_instance_metadata_options()
        .instance_id(instance_id)
        .http_tokens(sdk::HttpTokensState::from(tokens))
        .send()
        .await
        .map(|_| ())
        .map_err(ApiError::from_sdk)
}
