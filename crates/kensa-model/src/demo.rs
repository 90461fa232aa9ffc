//! The demo snapshot bundled in kensa (`kensa scan --demo`): a small but realistic account
//! in the AWS CLI format. `examples/demo/README.md` lists what it holds and which facts a
//! scan of it must report; the same files are in `examples/demo/aws_configs/us-east-1/`.
use crate::load::Document;
use crate::snapshot::{Scope, Snapshot};

/// The demo's account id.
pub const ACCOUNT: &str = "111122223333";
/// The demo's region.
pub const REGION: &str = "us-east-1";

macro_rules! demo_files {
    ($($name:literal),* $(,)?) => {
        /// `(file name, JSON text)` of every file of the demo, in name order.
        pub const FILES: &[(&str, &str)] = &[$((
            $name,
            include_str!(concat!("../../../examples/demo/aws_configs/us-east-1/", $name)),
        )),*];
    };
}

demo_files!(
    "Addresses.json",
    "CustomerGateways.json",
    "EbsEncryptionByDefault.json",
    "FlowLogs.json",
    "ImageAttribute-ami-0a7b8c9d0e1f23456.json",
    "ImageAttribute-ami-0b8c9d0e1f2a34567.json",
    "ImageBlockPublicAccessState.json",
    "Images.json",
    "InternetGateways.json",
    "LaunchTemplateVersions.json",
    "LaunchTemplates.json",
    "Listeners.json",
    "LoadBalancers.json",
    "ManagedPrefixListEntries.json",
    "ManagedPrefixLists.json",
    "NatGateways.json",
    "NetworkAcls.json",
    "NetworkInterfaces.json",
    "PrefixLists.json",
    "Reservations.json",
    "RouteTables.json",
    "SecurityGroupRules.json",
    "SecurityGroups.json",
    "SnapshotAttribute-snap-0e4f5a6b7c8d90123.json",
    "SnapshotAttribute-snap-0f5a6b7c8d9e01234.json",
    "SnapshotBlockPublicAccessState.json",
    "Snapshots.json",
    "Subnets.json",
    "TargetGroups.json",
    "TargetHealth.json",
    "TransitGatewayAttachments.json",
    "TransitGatewayRouteTableAssociations.json",
    "TransitGatewayRouteTablePropagations.json",
    "TransitGatewayRouteTables.json",
    "TransitGatewayRoutes.json",
    "TransitGatewayVpcAttachments.json",
    "TransitGateways.json",
    "Volumes.json",
    "VpcBlockPublicAccessOptions.json",
    "VpcEndpoints.json",
    "VpcPeeringConnections.json",
    "Vpcs.json",
    "VpnConnections.json",
    "VpnGateways.json",
);

/// The demo snapshot, loaded from the files embedded in the library.
pub fn snapshot() -> Snapshot {
    let scope = Scope {
        account: ACCOUNT.to_string(),
        region: REGION.to_string(),
    };
    Snapshot::from_documents(FILES.iter().map(|(name, json)| {
        Document::new(format!("aws_configs/{REGION}/{name}"), scope.clone(), *json)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_loads_without_any_warning() {
        let s = snapshot();
        assert!(s.warnings.is_empty(), "{:#?}", s.warnings);
        assert_eq!(s.instances.len(), 10);
        assert!(s
            .instances
            .values()
            .all(|i| i.scope.account == ACCOUNT && i.scope.region == REGION));
    }

    #[test]
    fn every_demo_file_is_embedded() {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/demo/aws_configs/us-east-1"
        );
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let embedded: Vec<&str> = FILES.iter().map(|(name, _)| *name).collect();
        assert_eq!(on_disk, embedded);
    }
}
