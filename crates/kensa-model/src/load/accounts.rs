//! Filling in the account of resources whose layout and record did not name one.
use std::collections::BTreeSet;

use crate::snapshot::{Scope, Snapshot};

/// Calls `f` on the scope of every resource of the snapshot.
pub(crate) fn for_each_scope(snapshot: &mut Snapshot, mut f: impl FnMut(&mut Scope)) {
    macro_rules! each {
        ($($table:ident),*) => {
            $(for r in snapshot.$table.values_mut() { f(&mut r.scope); })*
        };
    }
    each!(
        vpcs,
        subnets,
        route_tables,
        network_acls,
        security_groups,
        security_group_rules,
        network_interfaces,
        instances,
        addresses,
        internet_gateways,
        egress_only_internet_gateways,
        nat_gateways,
        prefix_lists,
        vpc_peering_connections,
        vpn_gateways,
        vpn_connections,
        customer_gateways,
        transit_gateways,
        transit_gateway_attachments,
        transit_gateway_route_tables,
        vpc_endpoints,
        load_balancers,
        listeners,
        target_groups,
        classic_load_balancers
    );
}

/// When every resource that names an account names the same one (a single-account
/// snapshot whose layout has no account folder), the others belong to it too.
pub(crate) fn fill_missing_accounts(snapshot: &mut Snapshot) {
    let mut accounts = BTreeSet::new();
    for_each_scope(snapshot, |s| {
        if !s.account.is_empty() {
            accounts.insert(s.account.clone());
        }
    });
    if accounts.len() != 1 {
        return;
    }
    let account = accounts.pop_first().unwrap_or_default();
    for_each_scope(snapshot, |s| {
        if s.account.is_empty() {
            s.account.clone_from(&account);
        }
    });
}
