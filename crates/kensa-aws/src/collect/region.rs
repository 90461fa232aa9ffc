//! One region of one account: every describe call, all at once under the run's
//! [`Limiter`], each failure a warning. Results land in a map keyed by file name, so the
//! snapshot does not depend on the order in which calls finish.
use std::collections::BTreeMap;
use std::sync::Mutex;

use aws_config::SdkConfig;
use indicatif::ProgressBar;
use serde::Serialize;
use serde_json::Value;

use super::limit::Limiter;
use super::CollectWarning;
use crate::error::ApiError;

/// The network calls (the files they write are named in each section).
const NETWORK_CALLS: &[&str] = &[
    "ec2:DescribeVpcs",
    "ec2:DescribeSubnets",
    "ec2:DescribeRouteTables",
    "ec2:DescribeNetworkAcls",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSecurityGroupRules",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeInstances",
    "ec2:DescribeAddresses",
    "ec2:DescribeInternetGateways",
    "ec2:DescribeEgressOnlyInternetGateways",
    "ec2:DescribeNatGateways",
    "ec2:DescribeManagedPrefixLists",
    "ec2:DescribePrefixLists",
    "ec2:DescribeVpcPeeringConnections",
    "ec2:DescribeVpnGateways",
    "ec2:DescribeVpnConnections",
    "ec2:DescribeCustomerGateways",
    "ec2:DescribeTransitGateways",
    "ec2:DescribeTransitGatewayAttachments",
    "ec2:DescribeTransitGatewayRouteTables",
    "ec2:DescribeVpcEndpoints",
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeListeners",
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeLoadBalancers (classic)",
    "directconnect:DescribeDirectConnectGateways",
    // Once per Direct Connect gateway; one step of the progress bar.
    "directconnect:DescribeDirectConnectGatewayAssociations",
    "directconnect:DescribeVirtualInterfaces",
];

/// The calls made once per resource (or once per region after a top-level call),
/// merged into the records of a top-level call.
pub(crate) const PER_RESOURCE_CALLS: &[&str] = &[
    "ec2:GetManagedPrefixListEntries",
    "ec2:DescribeTransitGatewayVpcAttachments",
    "ec2:SearchTransitGatewayRoutes",
    "ec2:GetTransitGatewayRouteTablePropagations",
    "ec2:GetTransitGatewayRouteTableAssociations",
    "ec2:DescribeSnapshotAttribute",
    "ec2:DescribeImageAttribute",
    "elasticloadbalancing:DescribeTargetHealth",
];

/// Every top-level call (the progress bar's starting length): the network's, then
/// storage, compute and account settings.
pub fn api_calls() -> Vec<&'static str> {
    NETWORK_CALLS
        .iter()
        .chain(compute::CALLS)
        .copied()
        .collect()
}

/// What one region produced: files by name (`Vpcs.json` -> `{"Vpcs": [...]}`) and
/// warnings.
pub(crate) struct RegionData {
    pub files: BTreeMap<String, Value>,
    pub warnings: Vec<CollectWarning>,
}

/// What the calls of one region share; calls run concurrently and record their
/// results through `&self`.
struct Collector<'a> {
    account: &'a str,
    region: &'a str,
    bar: &'a ProgressBar,
    limit: &'a Limiter,
    data: Mutex<RegionData>,
}

impl Collector<'_> {
    /// The region's results; a poisoned lock (a call panicked mid-insert) still yields
    /// what was recorded.
    fn data(&self) -> std::sync::MutexGuard<'_, RegionData> {
        self.data.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn warn(&self, api: &str, err: ApiError) {
        tracing::warn!(account = self.account, region = self.region, api, %err, "call failed");
        self.data().warnings.push(CollectWarning {
            account: self.account.to_owned(),
            region: self.region.to_owned(),
            api: api.to_owned(),
            code: err.code,
            message: err.message,
        });
    }

    /// Records the outcome of one top-level call as `{"<key>": [...]}` in `<file>.json`.
    fn put<T: Serialize>(
        &self,
        api: &str,
        file: &str,
        key: &str,
        result: Result<Vec<T>, ApiError>,
    ) {
        self.bar.set_message(api.to_owned());
        match result {
            Ok(items) => {
                let list = serde_json::to_value(items).unwrap_or(Value::Null);
                let mut obj = serde_json::Map::new();
                obj.insert(key.to_owned(), list);
                self.data()
                    .files
                    .insert(format!("{file}.json"), Value::Object(obj));
            }
            Err(e) => self.warn(api, e),
        }
        self.bar.inc(1);
    }

    /// Records a `get-*` call's one object (`{"EbsEncryptionByDefault": false}`) in
    /// `<file>.json`; an answer without a value writes nothing.
    fn put_object(&self, api: &str, file: &str, result: Result<Value, ApiError>) {
        self.bar.set_message(api.to_owned());
        match result {
            Ok(mut doc) => {
                super::write::strip_nulls(&mut doc);
                if compute::has_value(&doc) {
                    self.data().files.insert(format!("{file}.json"), doc);
                }
            }
            Err(e) => self.warn(api, e),
        }
        self.bar.inc(1);
    }

    /// Unwraps a sub-call (one resource at a time), turning a failure into a warning.
    fn sub<T: Default>(&self, api: &str, result: Result<T, ApiError>) -> T {
        result.unwrap_or_else(|e| {
            self.warn(api, e);
            T::default()
        })
    }
}

/// Every page of a paginated call, under one permit of the run's limiter.
macro_rules! paged {
    ($col:expr, $req:expr) => {
        $col.limit
            .run(async {
                $req.into_paginator()
                    .items()
                    .send()
                    .try_collect()
                    .await
                    .map_err(ApiError::from_sdk)
            })
            .await
    };
}

/// One unpaginated call under a permit of the run's limiter.
macro_rules! once {
    ($col:expr, $req:expr) => {
        $col.limit
            .run($req.send())
            .await
            .map_err(ApiError::from_sdk)
    };
}

mod compute;
mod direct_connect;
mod elb;
mod network;
mod transit;

pub(crate) async fn collect_region(
    config: &SdkConfig,
    account: &str,
    region: &str,
    bar: &ProgressBar,
    limit: &Limiter,
) -> RegionData {
    let col = Collector {
        account,
        region,
        bar,
        limit,
        data: Mutex::new(RegionData {
            files: BTreeMap::new(),
            warnings: Vec::new(),
        }),
    };
    let ec2 = super::unimplemented::ec2(config);
    let dx = super::unimplemented::direct_connect(config);
    tokio::join!(
        network::network(&col, &ec2),
        network::gateways(&col, &ec2),
        transit::transit(&col, &ec2),
        direct_connect::direct_connect(&col, &dx),
        elb::load_balancers(&col, config),
        compute::storage_and_compute(&col, &ec2),
        compute::account_settings(&col, &ec2),
    );
    let mut data = col.data.into_inner().unwrap_or_else(|p| p.into_inner());
    data.warnings.sort();
    data
}
