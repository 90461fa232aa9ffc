//! Filling in the account of resources whose layout and record did not name one.
use std::collections::BTreeSet;

use super::resource::Resource;
use crate::account::RegionalSettings;
use crate::resource_type::ResourceType;
use crate::snapshot::{Scope, Snapshot, Warning};
use crate::{compute, direct_connect, ec2, elb, gateway, instance, transit};

/// Calls `f` on the scope of every resource of the snapshot: every [`ResourceType`], by
/// an exhaustive match, so a new kind cannot be left out of account attribution.
pub(crate) fn for_each_scope(snapshot: &mut Snapshot, mut f: impl FnMut(&mut Scope)) {
    for &kind in ResourceType::ALL {
        scopes_of(kind, snapshot, &mut f);
    }
}

fn scopes_of(kind: ResourceType, s: &mut Snapshot, f: &mut dyn FnMut(&mut Scope)) {
    fn each<T: Resource>(s: &mut Snapshot, f: &mut dyn FnMut(&mut Scope)) {
        T::table(s).values_mut().for_each(|r| f(r.scope_mut()));
    }
    use ResourceType as R;
    match kind {
        R::Vpc => each::<ec2::Vpc>(s, f),
        R::Subnet => each::<ec2::Subnet>(s, f),
        R::RouteTable => each::<ec2::RouteTable>(s, f),
        R::NetworkAcl => each::<ec2::NetworkAcl>(s, f),
        R::SecurityGroup => each::<ec2::SecurityGroup>(s, f),
        R::SecurityGroupRule => each::<ec2::SecurityGroupRule>(s, f),
        R::NetworkInterface => each::<instance::NetworkInterface>(s, f),
        R::Instance => each::<instance::Instance>(s, f),
        R::Eip => each::<instance::Address>(s, f),
        R::InternetGateway => each::<gateway::InternetGateway>(s, f),
        R::EgressOnlyInternetGateway => each::<gateway::EgressOnlyInternetGateway>(s, f),
        R::NatGateway => each::<gateway::NatGateway>(s, f),
        R::PrefixList => each::<gateway::PrefixList>(s, f),
        R::VpcPeeringConnection => each::<transit::VpcPeeringConnection>(s, f),
        R::VpnGateway => each::<transit::VpnGateway>(s, f),
        R::VpnConnection => each::<transit::VpnConnection>(s, f),
        R::CustomerGateway => each::<transit::CustomerGateway>(s, f),
        R::TransitGateway => each::<transit::TransitGateway>(s, f),
        R::TransitGatewayAttachment => each::<transit::TransitGatewayAttachment>(s, f),
        R::TransitGatewayRouteTable => each::<transit::TransitGatewayRouteTable>(s, f),
        R::VpcEndpoint => each::<transit::VpcEndpoint>(s, f),
        R::DirectConnectGateway => each::<direct_connect::DirectConnectGateway>(s, f),
        R::DirectConnectGatewayAssociation => {
            each::<direct_connect::DirectConnectGatewayAssociation>(s, f)
        }
        R::DirectConnectVirtualInterface => each::<direct_connect::VirtualInterface>(s, f),
        R::Elbv2LoadBalancer => each::<elb::LoadBalancer>(s, f),
        R::Elbv2Listener => each::<elb::Listener>(s, f),
        R::Elbv2TargetGroup => each::<elb::TargetGroup>(s, f),
        R::ElbLoadBalancer => each::<elb::ClassicLoadBalancer>(s, f),
        R::Volume => each::<compute::Volume>(s, f),
        R::EbsSnapshot => each::<compute::EbsSnapshot>(s, f),
        R::Image => each::<compute::Image>(s, f),
        R::LaunchTemplate => each::<compute::LaunchTemplate>(s, f),
        R::FlowLog => each::<compute::FlowLog>(s, f),
        // Keyed by template and version, and by account and region: both have readers
        // of their own (`load/compute.rs`) rather than a `Resource` impl.
        R::LaunchTemplateVersion => {
            let versions = s.launch_template_versions.values_mut();
            versions.for_each(|r| f(&mut r.scope));
        }
        R::Account => s
            .regional_settings
            .values_mut()
            .for_each(|r| f(&mut r.scope)),
    }
}

/// When every resource that names an account names the same one (a single-account
/// snapshot whose layout has no account folder), the others belong to it too.
///
/// Only records that name their own owner vote (`OwnerId`, an ARN's account); a record
/// naming another account it is linked to (a transit gateway attachment's VPC owner)
/// does not. When the votes still disagree the account-less resources stay without an
/// account, and the returned warning says so rather than guessing.
pub(crate) fn fill_missing_accounts(snapshot: &mut Snapshot) -> Option<Warning> {
    let mut accounts = BTreeSet::new();
    let mut unattributed = 0usize;
    for_each_scope(snapshot, |s| {
        if s.account.is_empty() {
            unattributed += 1;
        } else if !accounts.contains(&s.account) {
            accounts.insert(s.account.clone());
        }
    });
    if accounts.len() > 1 && unattributed > 0 {
        let names: Vec<&str> = accounts.iter().map(String::as_str).collect();
        let msg = format!(
            "records name {} accounts ({}) and the layout names none: {unattributed} \
             resources without an owner field (volumes, settings, ...) are left without an \
             account; put each account's files under `accounts/<account-id>/<region>/`",
            names.len(),
            names.join(", ")
        );
        return Some(Warning::warning("", "", msg));
    }
    if accounts.len() != 1 {
        return None;
    }
    let account = accounts.pop_first().unwrap_or_default();
    for_each_scope(snapshot, |s| {
        if s.account.is_empty() {
            s.account.clone_from(&account);
        }
    });
    rekey_regional_settings(snapshot);
    None
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

    fn load(docs: &[&str]) -> Snapshot {
        let scope = Scope {
            account: String::new(),
            region: "us-east-1".into(),
        };
        Snapshot::from_documents(
            docs.iter()
                .enumerate()
                .map(|(i, d)| Document::new(format!("doc{i}.json"), scope.clone(), *d)),
        )
    }

    #[test]
    fn a_cross_account_attachment_does_not_hide_the_snapshot_account() {
        // The transit gateway's account lists an attachment of another account's VPC.
        let s = load(&[
            r#"{"Vpcs": [{"VpcId": "vpc-1", "OwnerId": "111122223333", "CidrBlock": "10.0.0.0/16"}]}"#,
            r#"{"TransitGateways": [{"TransitGatewayId": "tgw-1", "OwnerId": "111122223333",
                "State": "available"}]}"#,
            r#"{"TransitGatewayAttachments": [{"TransitGatewayAttachmentId": "tgw-attach-1",
                "TransitGatewayId": "tgw-1", "TransitGatewayOwnerId": "111122223333",
                "ResourceOwnerId": "444455556666", "ResourceType": "vpc",
                "ResourceId": "vpc-9", "State": "available"}]}"#,
            r#"{"EbsEncryptionByDefault": true}"#,
        ]);
        assert!(s.warnings.is_empty(), "{:#?}", s.warnings);
        let attachment = &s.transit_gateway_attachments["tgw-attach-1"];
        assert_eq!(attachment.scope.account, "111122223333");
        assert_eq!(
            attachment.resource_owner_id.as_deref(),
            Some("444455556666")
        );
        let keys: Vec<&String> = s.regional_settings.keys().collect();
        assert_eq!(keys, ["111122223333/us-east-1"]);
    }

    #[test]
    fn two_owners_without_account_folders_are_reported_not_guessed() {
        let s = load(&[
            r#"{"Vpcs": [{"VpcId": "vpc-1", "OwnerId": "111122223333", "CidrBlock": "10.0.0.0/16"},
                        {"VpcId": "vpc-2", "OwnerId": "444455556666", "CidrBlock": "10.1.0.0/16"}]}"#,
            r#"{"Volumes": [{"VolumeId": "vol-1", "Encrypted": false}]}"#,
        ]);
        assert_eq!(s.volumes["vol-1"].scope.account, "");
        assert!(
            s.warnings
                .iter()
                .any(|w| w.message.contains("111122223333, 444455556666")),
            "{:#?}",
            s.warnings
        );
    }
}
