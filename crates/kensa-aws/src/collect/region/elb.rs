//! Load balancers (ELBv2 and classic), listeners and target groups with their health.
use aws_config::SdkConfig;

use super::{Collector, NETWORK_CALLS};
use crate::collect::convert as c;
use crate::error::ApiError;

pub(super) async fn load_balancers(col: &mut Collector<'_>, config: &SdkConfig) {
    let elbv2 = aws_sdk_elasticloadbalancingv2::Client::new(config);
    let lbs: Result<Vec<_>, _> = paged!(elbv2.describe_load_balancers());
    let arns: Vec<String> = lbs
        .as_ref()
        .map(|v| {
            v.iter()
                .filter_map(|l| l.load_balancer_arn().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let r = lbs.map(|v| v.iter().map(c::load_balancer).collect());
    col.put::<kensa_model::elb::LoadBalancer>(
        NETWORK_CALLS[22],
        "LoadBalancers",
        "LoadBalancers",
        r,
    );

    let mut listeners = Vec::new();
    let mut listener_err = None;
    for arn in &arns {
        let r: Result<Vec<_>, _> = paged!(elbv2.describe_listeners().load_balancer_arn(arn));
        match r {
            Ok(v) => listeners.extend(v.iter().map(c::listener)),
            Err(e) => listener_err = Some(e),
        }
    }
    let r = match listener_err {
        Some(e) if listeners.is_empty() => Err(e),
        Some(e) => {
            col.warn("elasticloadbalancing:DescribeListeners", e);
            Ok(listeners)
        }
        None => Ok(listeners),
    };
    col.put(NETWORK_CALLS[23], "Listeners", "Listeners", r);

    let r = target_groups(col, &elbv2).await;
    col.put(NETWORK_CALLS[24], "TargetGroups", "TargetGroups", r);

    let classic = aws_sdk_elasticloadbalancing::Client::new(config);
    let r = paged!(classic.describe_load_balancers())
        .map(|v: Vec<_>| v.iter().map(c::classic_load_balancer).collect());
    col.put::<kensa_model::elb::ClassicLoadBalancer>(
        NETWORK_CALLS[25],
        "ClassicLoadBalancers",
        "LoadBalancerDescriptions",
        r,
    );
}

/// Target groups with `describe-target-health` merged in.
async fn target_groups(
    col: &mut Collector<'_>,
    elbv2: &aws_sdk_elasticloadbalancingv2::Client,
) -> Result<Vec<kensa_model::elb::TargetGroup>, ApiError> {
    let groups: Vec<_> = paged!(elbv2.describe_target_groups())?;
    let mut out = Vec::new();
    for g in &groups {
        let mut group = c::target_group(g);
        let health = elbv2
            .describe_target_health()
            .target_group_arn(&group.target_group_arn)
            .send()
            .await
            .map_err(ApiError::from_sdk)
            .map(|o| o.target_health_descriptions().to_vec());
        group.target_health_descriptions = col
            .sub("elasticloadbalancing:DescribeTargetHealth", health)
            .iter()
            .map(c::target_health)
            .collect();
        out.push(group);
    }
    Ok(out)
}
