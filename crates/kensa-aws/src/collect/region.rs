//! One region of one account: every describe call, in order, each failure a warning.
use std::collections::BTreeMap;

use aws_config::SdkConfig;
use aws_sdk_ec2::types::Filter;
use indicatif::ProgressBar;
use serde::Serialize;
use serde_json::Value;

use super::convert as c;
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
    network(&mut col, &ec2).await;
    gateways(&mut col, &ec2).await;
    transit(&mut col, &ec2).await;
    load_balancers(&mut col, config).await;
    compute::storage_and_compute(&mut col, &ec2).await;
    compute::account_settings(&mut col, &ec2).await;
    col.data
}

async fn network(col: &mut Collector<'_>, ec2: &aws_sdk_ec2::Client) {
    let r = paged!(ec2.describe_vpcs()).map(|v: Vec<_>| v.iter().map(c::vpc).collect());
    col.put::<kensa_model::ec2::Vpc>(NETWORK_CALLS[0], "Vpcs", "Vpcs", r);
    let r = paged!(ec2.describe_subnets()).map(|v: Vec<_>| v.iter().map(c::subnet).collect());
    col.put::<kensa_model::ec2::Subnet>(NETWORK_CALLS[1], "Subnets", "Subnets", r);
    let r =
        paged!(ec2.describe_route_tables()).map(|v: Vec<_>| v.iter().map(c::route_table).collect());
    col.put::<kensa_model::ec2::RouteTable>(NETWORK_CALLS[2], "RouteTables", "RouteTables", r);
    let r =
        paged!(ec2.describe_network_acls()).map(|v: Vec<_>| v.iter().map(c::network_acl).collect());
    col.put::<kensa_model::ec2::NetworkAcl>(NETWORK_CALLS[3], "NetworkAcls", "NetworkAcls", r);
    let r = paged!(ec2.describe_security_groups())
        .map(|v: Vec<_>| v.iter().map(c::security_group).collect());
    col.put::<kensa_model::ec2::SecurityGroup>(
        NETWORK_CALLS[4],
        "SecurityGroups",
        "SecurityGroups",
        r,
    );
    let r = paged!(ec2.describe_security_group_rules())
        .map(|v: Vec<_>| v.iter().map(c::security_group_rule).collect());
    col.put::<kensa_model::ec2::SecurityGroupRule>(
        NETWORK_CALLS[5],
        "SecurityGroupRules",
        "SecurityGroupRules",
        r,
    );
    let r = paged!(ec2.describe_network_interfaces())
        .map(|v: Vec<_>| v.iter().map(c::network_interface).collect());
    col.put::<kensa_model::instance::NetworkInterface>(
        NETWORK_CALLS[6],
        "NetworkInterfaces",
        "NetworkInterfaces",
        r,
    );
    let r =
        paged!(ec2.describe_instances()).map(|v: Vec<_>| v.iter().map(c::reservation).collect());
    col.put::<kensa_model::instance::Reservation>(
        NETWORK_CALLS[7],
        "Reservations",
        "Reservations",
        r,
    );
    // DescribeAddresses is not paginated: it returns every address at once.
    let r = ec2
        .describe_addresses()
        .send()
        .await
        .map_err(ApiError::from_sdk)
        .map(|o| o.addresses().iter().map(c::address).collect());
    col.put::<kensa_model::instance::Address>(NETWORK_CALLS[8], "Addresses", "Addresses", r);
}

async fn gateways(col: &mut Collector<'_>, ec2: &aws_sdk_ec2::Client) {
    let r = paged!(ec2.describe_internet_gateways())
        .map(|v: Vec<_>| v.iter().map(c::internet_gateway).collect());
    col.put::<kensa_model::gateway::InternetGateway>(
        NETWORK_CALLS[9],
        "InternetGateways",
        "InternetGateways",
        r,
    );
    let r = paged!(ec2.describe_egress_only_internet_gateways())
        .map(|v: Vec<_>| v.iter().map(c::egress_only_internet_gateway).collect());
    col.put::<kensa_model::gateway::EgressOnlyInternetGateway>(
        NETWORK_CALLS[10],
        "EgressOnlyInternetGateways",
        "EgressOnlyInternetGateways",
        r,
    );
    let r =
        paged!(ec2.describe_nat_gateways()).map(|v: Vec<_>| v.iter().map(c::nat_gateway).collect());
    col.put::<kensa_model::gateway::NatGateway>(NETWORK_CALLS[11], "NatGateways", "NatGateways", r);
    let r = managed_prefix_lists(col, ec2).await;
    col.put(NETWORK_CALLS[12], "ManagedPrefixLists", "PrefixLists", r);
    let r = paged!(ec2.describe_prefix_lists())
        .map(|v: Vec<_>| v.iter().map(c::service_prefix_list).collect());
    col.put::<kensa_model::gateway::PrefixList>(NETWORK_CALLS[13], "PrefixLists", "PrefixLists", r);
}

/// Managed prefix lists with their entries merged in (`get-managed-prefix-list-entries`).
async fn managed_prefix_lists(
    col: &mut Collector<'_>,
    ec2: &aws_sdk_ec2::Client,
) -> Result<Vec<kensa_model::gateway::PrefixList>, ApiError> {
    let lists: Vec<_> = paged!(ec2.describe_managed_prefix_lists())?;
    let mut out = Vec::new();
    for sdk_list in &lists {
        let mut list = c::managed_prefix_list(sdk_list);
        let entries: Result<Vec<_>, _> = paged!(ec2
            .get_managed_prefix_list_entries()
            .prefix_list_id(&list.prefix_list_id));
        let entries = col.sub("ec2:GetManagedPrefixListEntries", entries);
        list.entries = entries.iter().map(c::prefix_list_entry).collect();
        out.push(list);
    }
    Ok(out)
}

async fn transit(col: &mut Collector<'_>, ec2: &aws_sdk_ec2::Client) {
    let r = paged!(ec2.describe_vpc_peering_connections())
        .map(|v: Vec<_>| v.iter().map(c::vpc_peering_connection).collect());
    col.put::<kensa_model::transit::VpcPeeringConnection>(
        NETWORK_CALLS[14],
        "VpcPeeringConnections",
        "VpcPeeringConnections",
        r,
    );
    let r = ec2
        .describe_vpn_gateways()
        .send()
        .await
        .map_err(ApiError::from_sdk)
        .map(|o| o.vpn_gateways().iter().map(c::vpn_gateway).collect());
    col.put::<kensa_model::transit::VpnGateway>(NETWORK_CALLS[15], "VpnGateways", "VpnGateways", r);
    let r = ec2
        .describe_vpn_connections()
        .send()
        .await
        .map_err(ApiError::from_sdk)
        .map(|o| o.vpn_connections().iter().map(c::vpn_connection).collect());
    col.put::<kensa_model::transit::VpnConnection>(
        NETWORK_CALLS[16],
        "VpnConnections",
        "VpnConnections",
        r,
    );
    let r = ec2
        .describe_customer_gateways()
        .send()
        .await
        .map_err(ApiError::from_sdk)
        .map(|o| {
            o.customer_gateways()
                .iter()
                .map(c::customer_gateway)
                .collect()
        });
    col.put::<kensa_model::transit::CustomerGateway>(
        NETWORK_CALLS[17],
        "CustomerGateways",
        "CustomerGateways",
        r,
    );
    let r = paged!(ec2.describe_transit_gateways())
        .map(|v: Vec<_>| v.iter().map(c::transit_gateway).collect());
    col.put::<kensa_model::transit::TransitGateway>(
        NETWORK_CALLS[18],
        "TransitGateways",
        "TransitGateways",
        r,
    );
    let r = tgw_attachments(col, ec2).await;
    col.put(
        NETWORK_CALLS[19],
        "TransitGatewayAttachments",
        "TransitGatewayAttachments",
        r,
    );
    let r = tgw_route_tables(col, ec2).await;
    col.put(
        NETWORK_CALLS[20],
        "TransitGatewayRouteTables",
        "TransitGatewayRouteTables",
        r,
    );
    let r = paged!(ec2.describe_vpc_endpoints())
        .map(|v: Vec<_>| v.iter().map(c::vpc_endpoint).collect());
    col.put::<kensa_model::transit::VpcEndpoint>(
        NETWORK_CALLS[21],
        "VpcEndpoints",
        "VpcEndpoints",
        r,
    );
}

/// TGW attachments, with the subnets of VPC attachments merged in.
async fn tgw_attachments(
    col: &mut Collector<'_>,
    ec2: &aws_sdk_ec2::Client,
) -> Result<Vec<kensa_model::transit::TransitGatewayAttachment>, ApiError> {
    let all: Vec<_> = paged!(ec2.describe_transit_gateway_attachments())?;
    let mut out: Vec<_> = all.iter().map(c::transit_gateway_attachment).collect();
    if out
        .iter()
        .any(|a| a.resource_type.as_deref() == Some("vpc"))
    {
        let vpc: Result<Vec<_>, _> = paged!(ec2.describe_transit_gateway_vpc_attachments());
        let vpc = col.sub("ec2:DescribeTransitGatewayVpcAttachments", vpc);
        for v in vpc.iter().map(c::transit_gateway_vpc_attachment) {
            if let Some(a) = out
                .iter_mut()
                .find(|a| a.transit_gateway_attachment_id == v.transit_gateway_attachment_id)
            {
                a.subnet_ids = v.subnet_ids;
                a.vpc_id = v.vpc_id;
            }
        }
    }
    Ok(out)
}

/// TGW route tables with routes, propagations and associations merged in.
async fn tgw_route_tables(
    col: &mut Collector<'_>,
    ec2: &aws_sdk_ec2::Client,
) -> Result<Vec<kensa_model::transit::TransitGatewayRouteTable>, ApiError> {
    let tables: Vec<_> = paged!(ec2.describe_transit_gateway_route_tables())?;
    let mut out = Vec::new();
    for t in &tables {
        let mut table = c::transit_gateway_route_table(t);
        let id = table.transit_gateway_route_table_id.clone();
        let route_types = Filter::builder()
            .name("type")
            .values("static")
            .values("propagated")
            .build();
        let routes: Result<Vec<_>, _> = paged!(ec2
            .search_transit_gateway_routes()
            .transit_gateway_route_table_id(&id)
            .filters(route_types));
        table.routes = col
            .sub("ec2:SearchTransitGatewayRoutes", routes)
            .iter()
            .map(c::transit_gateway_route)
            .collect();
        let props: Result<Vec<_>, _> = paged!(ec2
            .get_transit_gateway_route_table_propagations()
            .transit_gateway_route_table_id(&id));
        table.propagations = col
            .sub("ec2:GetTransitGatewayRouteTablePropagations", props)
            .iter()
            .map(c::tgw_propagation)
            .collect();
        let assocs: Result<Vec<_>, _> = paged!(ec2
            .get_transit_gateway_route_table_associations()
            .transit_gateway_route_table_id(&id));
        table.associations = col
            .sub("ec2:GetTransitGatewayRouteTableAssociations", assocs)
            .iter()
            .map(c::tgw_association)
            .collect();
        out.push(table);
    }
    Ok(out)
}

async fn load_balancers(col: &mut Collector<'_>, config: &SdkConfig) {
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
