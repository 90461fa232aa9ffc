//! VPCs, subnets, route tables, network ACLs, security groups, ENIs, instances,
//! addresses, gateways and prefix lists.
use super::{Collector, NETWORK_CALLS};
use crate::collect::convert as c;
use crate::error::ApiError;

pub(super) async fn network(col: &mut Collector<'_>, ec2: &aws_sdk_ec2::Client) {
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

pub(super) async fn gateways(col: &mut Collector<'_>, ec2: &aws_sdk_ec2::Client) {
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
