//! Filling in the account of resources whose layout and record did not name one.
use std::collections::BTreeSet;

use crate::account::RegionalSettings;
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
        direct_connect_gateways,
        direct_connect_gateway_associations,
        virtual_interfaces,
        load_balancers,
        listeners,
        target_groups,
        classic_load_balancers,
        volumes,
        ebs_snapshots,
        images,
        launch_templates,
        launch_template_versions,
        flow_logs,
        regional_settings
    );
}

/// When every resource that names an account names the same one (a single-account
/// snapshot whose layout has no account folder), the others belong to it too.
pub(crate) fn fill_missing_accounts(snapshot: &mut Snapshot) {
    let mut accounts = BTreeSet::new();
    for_each_scope(snapshot, |s| {
        if !s.account.is_empty() && !accounts.contains(&s.account) {
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
    rekey_regional_settings(snapshot);
}

/// Regional settings are keyed by `<account>/<region>`; once their account is known the
/// keys must say so, or lookups by a resource's scope miss them.
fn rekey_regional_settings(snapshot: &mut Snapshot) {
    let settings = std::mem::take(&mut snapshot.regional_settings);
    for (_, mut s) in settings {
        let key = RegionalSettings::key(&s.scope);
        match snapshot.regional_settings.get_mut(&key) {
            Some(existing) => existing.merge_missing(&mut s),
            None => {
                snapshot.regional_settings.insert(key, s);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::load::Document;
    use crate::snapshot::{Scope, Snapshot};

    #[test]
    fn single_account_snapshot_fills_compute_tables_and_settings_keys() {
        // The `aws_configs/<region>/` layout names no account; the VPC record does.
        let scope = Scope {
            account: String::new(),
            region: "us-east-1".into(),
        };
        let docs = [
            r#"{"Vpcs": [{"VpcId": "vpc-1", "OwnerId": "123456789012", "CidrBlock": "10.0.0.0/16"}]}"#,
            r#"{"Volumes": [{"VolumeId": "vol-1", "Encrypted": false}]}"#,
            r#"{"LaunchTemplates": [{"LaunchTemplateId": "lt-1", "DefaultVersionNumber": 1}]}"#,
            r#"{"FlowLogs": [{"FlowLogId": "fl-1", "ResourceId": "vpc-1"}]}"#,
            r#"{"EbsEncryptionByDefault": false}"#,
        ];
        let s = Snapshot::from_documents(
            docs.iter()
                .enumerate()
                .map(|(i, d)| Document::new(format!("doc{i}.json"), scope.clone(), *d)),
        );
        assert_eq!(s.volumes["vol-1"].scope.account, "123456789012");
        assert_eq!(s.launch_templates["lt-1"].scope.account, "123456789012");
        assert_eq!(s.flow_logs["fl-1"].scope.account, "123456789012");
        let keys: Vec<&String> = s.regional_settings.keys().collect();
        assert_eq!(keys, ["123456789012/us-east-1"]);
        let settings = &s.regional_settings["123456789012/us-east-1"];
        assert_eq!(settings.scope.account, "123456789012");
        assert_eq!(settings.ebs_encryption_by_default, Some(false));
    }
}
