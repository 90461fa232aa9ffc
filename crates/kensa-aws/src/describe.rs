//! One resource described again, as the model holds it: what `kensa watch` asks for when
//! an event does not carry the state the model needs (a peering accepted, a listener
//! created, targets registered), and after a remediation. Each call answers with the
//! kensa-model type `kensa collect` would have written, `None` when AWS no longer knows
//! the resource, and an [`ApiError`] when the call fails (access denied, throttled): the
//! caller decides what a failure means, it is never taken for "gone".
use aws_sdk_ec2::Client as Ec2;
use aws_sdk_elasticloadbalancing::Client as ClassicElb;
use aws_sdk_elasticloadbalancingv2::Client as Elbv2;
use kensa_model::elb::{ClassicLoadBalancer, Listener, LoadBalancer, TargetGroup};
use kensa_model::transit::{TransitGatewayAttachment, VpcPeeringConnection};
use serde::{Deserialize, Serialize};

use crate::collect::convert as c;
use crate::error::{ApiError, AwsError};
use crate::remediate::live::{describe_group, GroupState};
use crate::session::{in_region, Target};

/// An ELBv2 load balancer with its listeners and the target groups (with their targets'
/// health) those listeners forward to, as a collection writes them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LoadBalancerState {
    /// The load balancer.
    pub load_balancer: LoadBalancer,
    /// Its listeners.
    pub listeners: Vec<Listener>,
    /// The target groups its listeners forward to, `DescribeTargetHealth` merged in.
    pub target_groups: Vec<TargetGroup>,
}

/// The clients of one account and region.
pub struct Describer {
    ec2: Ec2,
    elbv2: Elbv2,
    classic: ClassicElb,
}

/// A describe call's answer; `None` when AWS says the resource does not exist.
fn unless_not_found<T>(r: Result<T, ApiError>) -> Result<Option<T>, ApiError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

impl Describer {
    /// The clients of the target's first account, in `region` (else the configured one).
    pub async fn connect(target: &Target, region: Option<&str>) -> Result<Self, AwsError> {
        let sessions = target.accounts().await?;
        let session = sessions
            .first()
            .ok_or_else(|| AwsError::Invalid("no AWS account to describe in".into()))?;
        let config = match region {
            Some(r) => in_region(&session.config, r),
            None => session.config.clone(),
        };
        Ok(Describer {
            ec2: Ec2::new(&config),
            elbv2: Elbv2::new(&config),
            classic: ClassicElb::new(&config),
        })
    }

    /// A security group and its rules (`DescribeSecurityGroups`, `DescribeSecurityGroupRules`).
    pub async fn security_group(&self, id: &str) -> Result<GroupState, ApiError> {
        describe_group(&self.ec2, id).await
    }

    /// A VPC peering connection.
    pub async fn peering(&self, id: &str) -> Result<Option<VpcPeeringConnection>, ApiError> {
        let out = (self.ec2.describe_vpc_peering_connections())
            .vpc_peering_connection_ids(id)
            .send()
            .await
            .map_err(ApiError::from_sdk);
        let Some(out) = unless_not_found(out)? else {
            return Ok(None);
        };
        let found = out.vpc_peering_connections().first();
        Ok(found.map(c::vpc_peering_connection))
    }

    /// A transit gateway attachment, with the subnets of a VPC attachment merged in, as
    /// a collection does.
    pub async fn tgw_attachment(
        &self,
        id: &str,
    ) -> Result<Option<TransitGatewayAttachment>, ApiError> {
        let out = (self.ec2.describe_transit_gateway_attachments())
            .transit_gateway_attachment_ids(id)
            .send()
            .await
            .map_err(ApiError::from_sdk);
        let Some(out) = unless_not_found(out)? else {
            return Ok(None);
        };
        let first = out.transit_gateway_attachments().first();
        let Some(mut a) = first.map(c::transit_gateway_attachment) else {
            return Ok(None);
        };
        if a.resource_type.as_deref() == Some("vpc") {
            let vpc = (self.ec2.describe_transit_gateway_vpc_attachments())
                .transit_gateway_attachment_ids(id)
                .send()
                .await
                .map_err(ApiError::from_sdk)?;
            if let Some(v) = vpc.transit_gateway_vpc_attachments().first() {
                let v = c::transit_gateway_vpc_attachment(v);
                a.subnet_ids = v.subnet_ids;
                a.vpc_id = v.vpc_id;
            }
        }
        Ok(Some(a))
    }

    /// An ELBv2 load balancer by ARN, its listeners, and the target groups they forward
    /// to or that name it (`DescribeLoadBalancers`, `DescribeListeners`,
    /// `DescribeTargetGroups`, `DescribeTargetHealth`).
    pub async fn load_balancer(&self, arn: &str) -> Result<Option<LoadBalancerState>, ApiError> {
        let out = (self.elbv2.describe_load_balancers())
            .load_balancer_arns(arn)
            .send()
            .await
            .map_err(ApiError::from_sdk);
        let Some(out) = unless_not_found(out)? else {
            return Ok(None);
        };
        let Some(lb) = out.load_balancers().first().map(c::load_balancer) else {
            return Ok(None);
        };
        let listeners: Vec<_> = (self.elbv2.describe_listeners())
            .load_balancer_arn(arn)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(ApiError::from_sdk)?;
        let listeners: Vec<Listener> = listeners.iter().map(c::listener).collect();
        let groups: Vec<_> = (self.elbv2.describe_target_groups())
            .load_balancer_arn(arn)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(ApiError::from_sdk)?;
        let mut target_groups = Vec::new();
        for g in &groups {
            let mut tg = c::target_group(g);
            self.merge_health(&mut tg).await?;
            target_groups.push(tg);
        }
        target_groups.sort_by(|a, b| a.target_group_arn.cmp(&b.target_group_arn));
        Ok(Some(LoadBalancerState {
            load_balancer: lb,
            listeners,
            target_groups,
        }))
    }

    /// An ELBv2 target group by ARN with its targets' health.
    pub async fn target_group(&self, arn: &str) -> Result<Option<TargetGroup>, ApiError> {
        let out = (self.elbv2.describe_target_groups())
            .target_group_arns(arn)
            .send()
            .await
            .map_err(ApiError::from_sdk);
        let Some(out) = unless_not_found(out)? else {
            return Ok(None);
        };
        let Some(mut tg) = out.target_groups().first().map(c::target_group) else {
            return Ok(None);
        };
        self.merge_health(&mut tg).await?;
        Ok(Some(tg))
    }

    async fn merge_health(&self, tg: &mut TargetGroup) -> Result<(), ApiError> {
        let health = (self.elbv2.describe_target_health())
            .target_group_arn(&tg.target_group_arn)
            .send()
            .await
            .map_err(ApiError::from_sdk)?;
        let described = health.target_health_descriptions().iter();
        tg.target_health_descriptions = described.map(c::target_health).collect();
        Ok(())
    }

    /// A classic load balancer by name, with its instances and listeners.
    pub async fn classic_load_balancer(
        &self,
        name: &str,
    ) -> Result<Option<ClassicLoadBalancer>, ApiError> {
        let out = (self.classic.describe_load_balancers())
            .load_balancer_names(name)
            .send()
            .await
            .map_err(ApiError::from_sdk);
        let Some(out) = unless_not_found(out)? else {
            return Ok(None);
        };
        let first = out.load_balancer_descriptions().first();
        Ok(first.map(c::classic_load_balancer))
    }
}

/// Now, as CloudTrail writes times (`2026-12-07T10:42:07Z`).
pub fn trail_time_now() -> String {
    use aws_sdk_ec2::primitives::{DateTime, DateTimeFormat};
    DateTime::from(std::time::SystemTime::now())
        .fmt(DateTimeFormat::DateTime)
        .unwrap_or_default()
}
