//! VPCs, subnets, route tables, network ACLs, security groups, ENIs, instances,
//! addresses, gateways and prefix lists: independent calls, made concurrently.
use super::{Collector, NETWORK_CALLS as N};
use crate::collect::convert as c;
use crate::error::ApiError;
use kensa_model::{ec2 as e, gateway as g, instance as i};

pub(super) async fn network(col: &Collector<'_>, ec2: &aws_sdk_ec2::Client) {
    tokio::join!(
        async {
            let r =
                paged!(col, ec2.describe_vpcs()).map(|v: Vec<_>| v.iter().map(c::vpc).collect());
            col.put::<e::Vpc>(N[0], "Vpcs", "Vpcs", r);
        },
        async {
            let r = paged!(col, ec2.describe_subnets())
                .map(|v: Vec<_>| v.iter().map(c::subnet).collect());
            col.put::<e::Subnet>(N[1], "Subnets", "Subnets", r);
        },
        async {
            let r = paged!(col, ec2.describe_route_tables())
                .map(|v: Vec<_>| v.iter().map(c::route_table).collect());
            col.put::<e::RouteTable>(N[2], "RouteTables", "RouteTables", r);
        },
        async {
            let r = paged!(col, ec2.describe_network_acls()).map(|v: Vec<_>| {
                let acls = v.iter().map(c::network_acl);
                let warn = |e: String| col.warn(N[3], ApiError::other(e));
                acls.filter_map(|a| a.map_err(warn).ok()).collect()
            });
            col.put::<e::NetworkAcl>(N[3], "NetworkAcls", "NetworkAcls", r);
        },
        async {
            let r = paged!(col, ec2.describe_security_groups())
                .map(|v: Vec<_>| v.iter().map(c::security_group).collect());
            col.put::<e::SecurityGroup>(N[4], "SecurityGroups", "SecurityGroups", r);
        },
        async {
            let r = paged!(col, ec2.describe_security_group_rules())
                .map(|v: Vec<_>| v.iter().map(c::security_group_rule).collect());
            let (f, k) = ("SecurityGroupRules", "SecurityGroupRules");
            col.put::<e::SecurityGroupRule>(N[5], f, k, r);
        },
        async {
            let r = paged!(col, ec2.describe_network_interfaces())
                .map(|v: Vec<_>| v.iter().map(c::network_interface).collect());
            let (f, k) = ("NetworkInterfaces", "NetworkInterfaces");
            col.put::<i::NetworkInterface>(N[6], f, k, r);
        },
        async {
            let r = paged!(col, ec2.describe_instances())
                .map(|v: Vec<_>| v.iter().map(c::reservation).collect());
            col.put::<i::Reservation>(N[7], "Reservations", "Reservations", r);
        },
        async {
            // DescribeAddresses is not paginated: it returns every address at once.
            let r = once!(col, ec2.describe_addresses())
                .map(|o| o.addresses().iter().map(c::address).collect());
            col.put::<i::Address>(N[8], "Addresses", "Addresses", r);
        },
    );
}

pub(super) async fn gateways(col: &Collector<'_>, ec2: &aws_sdk_ec2::Client) {
    tokio::join!(
        async {
            let r = paged!(col, ec2.describe_internet_gateways())
                .map(|v: Vec<_>| v.iter().map(c::internet_gateway).collect());
            col.put::<g::InternetGateway>(N[9], "InternetGateways", "InternetGateways", r);
        },
        async {
            let r = paged!(col, ec2.describe_egress_only_internet_gateways())
                .map(|v: Vec<_>| v.iter().map(c::egress_only_internet_gateway).collect());
            let (f, k) = ("EgressOnlyInternetGateways", "EgressOnlyInternetGateways");
            col.put::<g::EgressOnlyInternetGateway>(N[10], f, k, r);
        },
        async {
            let r = paged!(col, ec2.describe_nat_gateways())
                .map(|v: Vec<_>| v.iter().map(c::nat_gateway).collect());
            col.put::<g::NatGateway>(N[11], "NatGateways", "NatGateways", r);
        },
        async {
            let r = managed_prefix_lists(col, ec2).await;
            col.put(N[12], "ManagedPrefixLists", "PrefixLists", r);
        },
        async {
            let r = paged!(col, ec2.describe_prefix_lists())
                .map(|v: Vec<_>| v.iter().map(c::service_prefix_list).collect());
            col.put::<g::PrefixList>(N[13], "PrefixLists", "PrefixLists", r);
        },
    );
}

/// Managed prefix lists with their entries merged in (`get-managed-prefix-list-entries`,
/// one call per list, concurrently).
async fn managed_prefix_lists(
    col: &Collector<'_>,
    ec2: &aws_sdk_ec2::Client,
) -> Result<Vec<g::PrefixList>, ApiError> {
    let lists: Vec<_> = paged!(col, ec2.describe_managed_prefix_lists())?;
    let mut out: Vec<g::PrefixList> = lists.iter().map(c::managed_prefix_list).collect();
    let ids = out.iter().map(|l| l.prefix_list_id.clone()).collect();
    let entries = col
        .limit
        .per_resource(ids, col.bar, |id| {
            let call = ec2.get_managed_prefix_list_entries().prefix_list_id(id);
            async move {
                let pages = call.into_paginator().items().send();
                pages.try_collect().await.map_err(ApiError::from_sdk)
            }
        })
        .await;
    for (list, entries) in out.iter_mut().zip(entries) {
        let entries = col.sub("ec2:GetManagedPrefixListEntries", entries);
        list.entries = entries.iter().map(c::prefix_list_entry).collect();
    }
    Ok(out)
}
