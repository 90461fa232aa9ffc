//! Load balancers (ELBv2 and classic), listeners and target groups with their health;
//! the per-load-balancer and per-target-group calls run concurrently.
use aws_config::SdkConfig;
use aws_sdk_elasticloadbalancingv2::Client;
use kensa_model::elb as m;

use super::{Collector, NETWORK_CALLS as N};
use crate::collect::convert as c;
use crate::error::ApiError;

pub(super) async fn load_balancers(col: &Collector<'_>, config: &SdkConfig) {
    let elbv2 = crate::collect::unimplemented::elbv2(config);
    let classic = crate::collect::unimplemented::classic_elb(config);
    tokio::join!(
        v2_load_balancers_and_listeners(col, &elbv2),
        async {
            let r = target_groups(col, &elbv2).await;
            col.put(N[24], "TargetGroups", "TargetGroups", r);
        },
        async {
            let r = paged!(col, classic.describe_load_balancers())
                .map(|v: Vec<_>| v.iter().map(c::classic_load_balancer).collect());
            let (f, k) = ("ClassicLoadBalancers", "LoadBalancerDescriptions");
            col.put::<m::ClassicLoadBalancer>(N[25], f, k, r);
        },
    );
}

/// ELBv2 load balancers, then the listeners of each (one call per load balancer). A
/// failed listener call is a warning; all of them failing fails `DescribeListeners`.
async fn v2_load_balancers_and_listeners(col: &Collector<'_>, elbv2: &Client) {
    let lbs: Result<Vec<_>, _> = paged!(col, elbv2.describe_load_balancers());
    let arns: Vec<String> = lbs
        .as_ref()
        .map(|v| {
            v.iter()
                .filter_map(|l| l.load_balancer_arn().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let r = lbs.map(|v| v.iter().map(c::load_balancer).collect());
    col.put::<m::LoadBalancer>(N[22], "LoadBalancers", "LoadBalancers", r);

    let per_lb = col
        .limit
        .per_resource(arns, col.bar, |arn| {
            let call = elbv2.describe_listeners().load_balancer_arn(arn);
            async move {
                let pages = call.into_paginator().items().send();
                pages.try_collect().await.map_err(ApiError::from_sdk)
            }
        })
        .await;
    let mut listeners = Vec::new();
    let mut listener_err = None;
    for r in per_lb {
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
    col.put(N[23], "Listeners", "Listeners", r);
}

/// Target groups with `describe-target-health` merged in (one call per group).
async fn target_groups(
    col: &Collector<'_>,
    elbv2: &Client,
) -> Result<Vec<m::TargetGroup>, ApiError> {
    let groups: Vec<_> = paged!(col, elbv2.describe_target_groups())?;
    let mut out: Vec<m::TargetGroup> = groups.iter().map(c::target_group).collect();
    let arns = out.iter().map(|g| g.target_group_arn.clone()).collect();
    let health = col
        .limit
        .per_resource(arns, col.bar, |arn| {
            let call = elbv2.describe_target_health().target_group_arn(arn);
            async move {
                let o = call.send().await.map_err(ApiError::from_sdk)?;
                Ok(o.target_health_descriptions().to_vec())
            }
        })
        .await;
    for (group, health) in out.iter_mut().zip(health) {
        let health = col.sub("elasticloadbalancing:DescribeTargetHealth", health);
        group.target_health_descriptions = health.iter().map(c::target_health).collect();
    }
    Ok(out)
}
