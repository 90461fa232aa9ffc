//! One region of one account: every describe call, in order, each failure a warning.
use std::collections::BTreeMap;

use aws_config::SdkConfig;
use indicatif::ProgressBar;
use serde::Serialize;
use serde_json::Value;

use super::CollectWarning;
use crate::error::ApiError;

/// The network calls, in the order the collector makes them.
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
];

/// Every top-level call, in the order the collector makes them (the progress bar's
/// length): the network's, then storage, compute and account settings.
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

struct Collector<'a> {
    account: &'a str,
    region: &'a str,
    bar: &'a ProgressBar,
    data: RegionData,
}

impl Collector<'_> {
    fn warn(&mut self, api: &str, err: ApiError) {
        tracing::warn!(account = self.account, region = self.region, api, %err, "call failed");
        self.data.warnings.push(CollectWarning {
            account: self.account.to_owned(),
            region: self.region.to_owned(),
            api: api.to_owned(),
            code: err.code,
            message: err.message,
        });
    }

    /// Records the outcome of one top-level call as `{"<key>": [...]}` in `<file>.json`.
    fn put<T: Serialize>(
        &mut self,
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
                self.data
                    .files
                    .insert(format!("{file}.json"), Value::Object(obj));
            }
            Err(e) => self.warn(api, e),
        }
        self.bar.inc(1);
    }

    /// Records a `get-*` call's one object (`{"EbsEncryptionByDefault": false}`) in
    /// `<file>.json`; an answer without a value writes nothing.
    fn put_object(&mut self, api: &str, file: &str, result: Result<Value, ApiError>) {
        self.bar.set_message(api.to_owned());
        match result {
            Ok(mut doc) => {
                super::write::strip_nulls(&mut doc);
                if compute::has_value(&doc) {
                    self.data.files.insert(format!("{file}.json"), doc);
                }
            }
            Err(e) => self.warn(api, e),
        }
        self.bar.inc(1);
    }

    /// Unwraps a sub-call (one resource at a time), turning a failure into a warning.
    fn sub<T: Default>(&mut self, api: &str, result: Result<T, ApiError>) -> T {
        result.unwrap_or_else(|e| {
            self.warn(api, e);
            T::default()
        })
    }
}

macro_rules! paged {
    ($req:expr) => {
        $req.into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(ApiError::from_sdk)
    };
}

mod compute;
mod elb;
mod network;
mod transit;

pub(crate) async fn collect_region(
    config: &SdkConfig,
    account: &str,
    region: &str,
    bar: &ProgressBar,
) -> RegionData {
    let mut col = Collector {
        account,
        region,
        bar,
        data: RegionData {
            files: BTreeMap::new(),
            warnings: Vec::new(),
        },
    };
    let ec2 = aws_sdk_ec2::Client::new(config);
    network::network(&mut col, &ec2).await;
    network::gateways(&mut col, &ec2).await;
    transit::transit(&mut col, &ec2).await;
    elb::load_balancers(&mut col, config).await;
    compute::storage_and_compute(&mut col, &ec2).await;
    compute::account_settings(&mut col, &ec2).await;
    col.data
}
