//! Snapshot fragments for rule fixtures and the demo: AWS CLI JSON documents in one file.
//!
//! A fragment is a JSON object whose keys are the top-level keys of AWS CLI outputs
//! (`SecurityGroups`, `Reservations`, `Volumes`, `EbsEncryptionByDefault`, ...), optionally
//! with `"_scope": {"account": ..., "region": ...}`, or an array of such objects. The
//! snapshot directory loader of `kensa-model` is the general path; this one exists so that
//! a rule's fixture reads like the AWS output it stands for, in a single file.
use kensa_model::account::RegionalSettings;
use kensa_model::compute::{ImageAttribute, SnapshotAttribute};
use kensa_model::instance::Reservation;
use kensa_model::{Scope, Snapshot};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::RulesError;

/// Builds a snapshot from a fragment; `name` is used in error messages.
pub fn snapshot(name: &str, text: &str) -> Result<Snapshot, RulesError> {
    let err = |message: String| RulesError::Fixture {
        name: name.to_string(),
        message,
    };
    let value: Value = serde_json::from_str(text).map_err(|e| err(e.to_string()))?;
    let docs = match value {
        Value::Array(v) => v,
        v => vec![v],
    };
    let mut snap = Snapshot::default();
    for (i, doc) in docs.iter().enumerate() {
        let Value::Object(map) = doc else {
            return Err(err(format!("document {i} is not an object")));
        };
        let scope: Scope = match map.get("_scope") {
            Some(s) => serde_json::from_value(s.clone()).map_err(|e| err(e.to_string()))?,
            None => Scope {
                account: "123456789012".into(),
                region: "us-east-1".into(),
            },
        };
        for (key, v) in map.iter().filter(|(k, _)| *k != "_scope") {
            ingest(&mut snap, key, v, doc, &scope).map_err(|m| err(format!("${key}: {m}")))?;
        }
    }
    Ok(snap)
}

fn list<T: DeserializeOwned>(v: &Value) -> Result<Vec<T>, String> {
    serde_json::from_value(v.clone()).map_err(|e| e.to_string())
}

/// `list` typed after the map the items go into.
fn list_like<T: DeserializeOwned>(
    _: &std::collections::BTreeMap<String, T>,
    v: &Value,
) -> Result<Vec<T>, String> {
    list(v)
}

macro_rules! put {
    ($snap:expr, $field:ident, $v:expr, $scope:expr, |$x:ident| $key:expr) => {{
        for mut $x in list_like(&$snap.$field, $v)? {
            $x.scope = $scope.clone();
            $snap.$field.insert($key, $x);
        }
    }};
}

fn settings<'a>(snap: &'a mut Snapshot, scope: &Scope) -> &'a mut RegionalSettings {
    snap.regional_settings
        .entry(RegionalSettings::key(scope))
        .or_insert_with(|| RegionalSettings {
            scope: scope.clone(),
            ..Default::default()
        })
}

fn ingest(
    snap: &mut Snapshot,
    key: &str,
    v: &Value,
    doc: &Value,
    scope: &Scope,
) -> Result<(), String> {
    let text = |v: &Value| v.as_str().map(str::to_string).ok_or("expected a string");
    match key {
        "SecurityGroups" => put!(snap, security_groups, v, scope, |x| x.group_id.clone()),
        "SecurityGroupRules" => put!(snap, security_group_rules, v, scope, |x| x
            .security_group_rule_id
            .clone()),
        "NetworkInterfaces" => put!(snap, network_interfaces, v, scope, |x| x
            .network_interface_id
            .clone()),
        "Vpcs" => put!(snap, vpcs, v, scope, |x| x.vpc_id.clone()),
        "Subnets" => put!(snap, subnets, v, scope, |x| x.subnet_id.clone()),
        "NetworkAcls" => put!(snap, network_acls, v, scope, |x| x.network_acl_id.clone()),
        "RouteTables" => put!(snap, route_tables, v, scope, |x| x.route_table_id.clone()),
        "Addresses" => put!(snap, addresses, v, scope, |x| x
            .allocation_id
            .clone()
            .or(x.public_ip.clone())
            .unwrap_or_default()),
        "PrefixLists" => put!(snap, prefix_lists, v, scope, |x| x.prefix_list_id.clone()),
        "LoadBalancers" => put!(snap, load_balancers, v, scope, |x| x
            .load_balancer_arn
            .clone()),
        "LoadBalancerDescriptions" => put!(snap, classic_load_balancers, v, scope, |x| x
            .load_balancer_name
            .clone()),
        "Listeners" => put!(snap, listeners, v, scope, |x| x.listener_arn.clone()),
        "TransitGateways" => put!(snap, transit_gateways, v, scope, |x| x
            .transit_gateway_id
            .clone()),
        "VpcPeeringConnections" => put!(snap, vpc_peering_connections, v, scope, |x| x
            .vpc_peering_connection_id
            .clone()),
        "Volumes" => put!(snap, volumes, v, scope, |x| x.volume_id.clone()),
        "Snapshots" => put!(snap, ebs_snapshots, v, scope, |x| x.snapshot_id.clone()),
        "Images" => put!(snap, images, v, scope, |x| x.image_id.clone()),
        "LaunchTemplates" => put!(snap, launch_templates, v, scope, |x| x
            .launch_template_id
            .clone()),
        "LaunchTemplateVersions" => put!(snap, launch_template_versions, v, scope, |x| x.key()),
        "FlowLogs" => put!(snap, flow_logs, v, scope, |x| x.flow_log_id.clone()),
        "Reservations" => {
            for r in list::<Reservation>(v)? {
                for mut i in r.instances {
                    i.scope = scope.clone();
                    i.owner_id = i.owner_id.or(r.owner_id.clone());
                    snap.instances.insert(i.instance_id.clone(), i);
                }
            }
        }
        "EbsEncryptionByDefault" => {
            settings(snap, scope).ebs_encryption_by_default = v.as_bool();
        }
        "SerialConsoleAccessEnabled" => {
            settings(snap, scope).serial_console_access_enabled = v.as_bool();
        }
        "State" => settings(snap, scope).snapshot_block_public_access = Some(text(v)?),
        "ImageBlockPublicAccessState" => {
            settings(snap, scope).image_block_public_access = Some(text(v)?)
        }
        "VpcBlockPublicAccessOptions" => {
            settings(snap, scope).vpc_block_public_access =
                Some(serde_json::from_value(v.clone()).map_err(|e| e.to_string())?)
        }
        "CreateVolumePermissions" => {
            let a: SnapshotAttribute =
                serde_json::from_value(doc.clone()).map_err(|e| e.to_string())?;
            let s = snap.ebs_snapshots.get_mut(&a.snapshot_id).ok_or_else(|| {
                format!(
                    "attribute for unknown snapshot {} (list Snapshots first)",
                    a.snapshot_id
                )
            })?;
            s.create_volume_permissions = Some(a.create_volume_permissions);
        }
        "LaunchPermissions" => {
            let a: ImageAttribute =
                serde_json::from_value(doc.clone()).map_err(|e| e.to_string())?;
            let i = snap.images.get_mut(&a.image_id).ok_or_else(|| {
                format!(
                    "attribute for unknown image {} (list Images first)",
                    a.image_id
                )
            })?;
            i.launch_permissions = Some(a.launch_permissions);
        }
        "SnapshotId" | "ImageId" => {}
        other => return Err(format!("unknown top-level key `{other}`")),
    }
    Ok(())
}

/// The demo account (`kensa compliance --demo`): a shop VPC with an internet-facing load
/// balancer, a bastion, an unattached all-open group, a database VPC peered with it, and a
/// mix of compliant and non-compliant storage and account settings.
pub fn demo() -> Snapshot {
    // The demo is part of the crate and covered by a test: it always loads.
    snapshot("demo", DEMO).unwrap_or_default()
}

const DEMO: &str = include_str!("../fixtures/demo.json");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_loads_every_kind_of_resource() {
        let s = snapshot("demo", DEMO).unwrap();
        assert_eq!(s.security_groups.len(), 8);
        assert_eq!(s.instances.len(), 5);
        assert_eq!(s.ebs_snapshots["snap-0dbbackup"].is_public(), Some(true));
        assert_eq!(s.regional_settings.len(), 1);
        assert_eq!(s.launch_template_versions.len(), 1);
    }

    #[test]
    fn fragment_errors_name_the_key() {
        let e = snapshot("f", r#"{"Volumes": [{"Encrypted": true}]}"#).unwrap_err();
        assert!(e.to_string().contains("$Volumes"), "{e}");
        let e = snapshot("f", r#"{"Nope": []}"#).unwrap_err();
        assert!(e.to_string().contains("unknown top-level key"), "{e}");
    }
}
