//! The AWS CLI's Direct Connect and VPN outputs load through the one resource table:
//! camelCase keys (`aws directconnect describe-*`), each record under its id, a record
//! without its id skipped with a warning.
use std::path::Path;

use kensa_model::{ResourceType, Snapshot};

fn write(dir: &Path, name: &str, content: &str) {
    let path = dir.join("aws_configs/us-east-1").join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

#[test]
fn direct_connect_and_vpn_outputs_load() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        "DirectConnectGateways.json",
        r#"{"directConnectGateways":[{"directConnectGatewayId":"5f294f92-bafb-4011-916d-9b0bexample",
            "directConnectGatewayName":"corp","amazonSideAsn":64512,"ownerAccount":"111122223333",
            "directConnectGatewayState":"available"}]}"#,
    );
    write(
        d,
        "DirectConnectGatewayAssociations.json",
        r#"{"directConnectGatewayAssociations":[{"directConnectGatewayId":"5f294f92-bafb-4011-916d-9b0bexample",
            "directConnectGatewayOwnerAccount":"111122223333","associationState":"associated",
            "associatedGateway":{"id":"tgw-1","type":"transitGateway","ownerAccount":"111122223333","region":"us-east-1"},
            "associationId":"6441f8bf-5917-4279-ade1-9708bexample",
            "allowedPrefixesToDirectConnectGateway":[{"cidr":"10.0.0.0/16"}]},
            {"directConnectGatewayId":"x","associationState":"associated"}]}"#,
    );
    write(
        d,
        "VirtualInterfaces.json",
        r#"{"virtualInterfaces":[{"ownerAccount":"111122223333","virtualInterfaceId":"dxvif-ffhhk74f",
            "location":"EqDC2","connectionId":"dxcon-fguhmqlc","virtualInterfaceType":"transit",
            "virtualInterfaceName":"corp","vlan":125,"asn":65000,"virtualInterfaceState":"available",
            "directConnectGatewayId":"5f294f92-bafb-4011-916d-9b0bexample","routeFilterPrefixes":[],
            "bgpPeers":[{"bgpPeerId":"dxpeer-1","asn":65000,"bgpStatus":"up"}],"region":"us-east-1"}]}"#,
    );
    write(
        d,
        "VpnConnections.json",
        r#"{"VpnConnections":[{"VpnConnectionId":"vpn-1","CustomerGatewayId":"cgw-1","VpnGatewayId":"vgw-1",
            "State":"available","Type":"ipsec.1","Options":{"StaticRoutesOnly":true},
            "Routes":[{"DestinationCidrBlock":"192.168.0.0/16","Source":"Static","State":"available"}]}]}"#,
    );
    let s = Snapshot::load(d).unwrap();
    let gw = &s.direct_connect_gateways["5f294f92-bafb-4011-916d-9b0bexample"];
    assert_eq!(
        gw.direct_connect_gateway_state.as_deref(),
        Some("available")
    );
    assert_eq!(gw.scope.account, "111122223333");
    let a = &s.direct_connect_gateway_associations["6441f8bf-5917-4279-ade1-9708bexample"];
    assert_eq!(a.gateway_id(), Some("tgw-1"));
    assert!(a.is_associated());
    assert_eq!(
        a.allowed_prefixes_to_direct_connect_gateway[0]
            .cidr
            .as_deref(),
        Some("10.0.0.0/16")
    );
    // The second association has no id: skipped, and said so.
    assert_eq!(s.direct_connect_gateway_associations.len(), 1);
    assert!(
        s.warnings
            .iter()
            .any(|w| w.file.contains("DirectConnectGatewayAssociations")),
        "{:#?}",
        s.warnings
    );
    let vif = &s.virtual_interfaces["dxvif-ffhhk74f"];
    assert!(vif.is_available());
    assert_eq!(vif.virtual_interface_type.as_deref(), Some("transit"));
    assert_eq!(s.vpn_connections["vpn-1"].routes.len(), 1);
    for t in [
        ResourceType::DirectConnectGateway,
        ResourceType::DirectConnectGatewayAssociation,
        ResourceType::DirectConnectVirtualInterface,
    ] {
        assert!(!s.completeness.absent.contains(&t), "{t:?}");
    }
}
