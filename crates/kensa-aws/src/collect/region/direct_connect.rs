//! Direct Connect: the gateways, their associations with virtual private and transit
//! gateways (what `kensa path` follows on-premises, with the allowed prefixes) and the
//! region's virtual interfaces: the three lists the loader reads. Direct Connect
//! gateways are global, so every region sees the same ones; the loader takes identical
//! records from several regions as one.
use aws_sdk_directconnect::Client;
use kensa_model::direct_connect as m;

use super::{Collector, NETWORK_CALLS as N};
use crate::collect::convert as c;
use crate::error::ApiError;

pub(super) async fn direct_connect(col: &Collector<'_>, dx: &Client) {
    tokio::join!(
        async {
            let gateways = gateways(col, dx).await;
            // AWS lists associations per gateway: one call for each.
            let associations = match &gateways {
                Ok(gws) => Ok(associations(col, dx, gws).await),
                Err(e) => Err(ApiError {
                    code: e.code.clone(),
                    message: format!("not listed: the gateways could not be ({})", e.message),
                }),
            };
            let (f, k) = ("DirectConnectGateways", "directConnectGateways");
            col.put::<m::DirectConnectGateway>(N[26], f, k, gateways);
            let (f, k) = (
                "DirectConnectGatewayAssociations",
                "directConnectGatewayAssociations",
            );
            col.put::<m::DirectConnectGatewayAssociation>(N[27], f, k, associations);
        },
        async {
            let r = virtual_interfaces(col, dx).await;
            col.put::<m::VirtualInterface>(N[28], "VirtualInterfaces", "virtualInterfaces", r);
        },
    );
}

/// Every page of `describe-direct-connect-gateways`.
async fn gateways(
    col: &Collector<'_>,
    dx: &Client,
) -> Result<Vec<m::DirectConnectGateway>, ApiError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let req = dx
            .describe_direct_connect_gateways()
            .set_next_token(token.take());
        let page = once!(col, req)?;
        out.extend(
            page.direct_connect_gateways()
                .iter()
                .map(c::direct_connect_gateway),
        );
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_owned()),
            _ => return Ok(out),
        }
    }
}

/// The associations of each gateway (every page); a gateway whose call fails is a
/// warning, the others are kept.
async fn associations(
    col: &Collector<'_>,
    dx: &Client,
    gateways: &[m::DirectConnectGateway],
) -> Vec<m::DirectConnectGatewayAssociation> {
    let mut out = Vec::new();
    for g in gateways {
        let r = associations_of(col, dx, &g.direct_connect_gateway_id).await;
        out.extend(col.sub("directconnect:DescribeDirectConnectGatewayAssociations", r));
    }
    out
}

async fn associations_of(
    col: &Collector<'_>,
    dx: &Client,
    gateway: &str,
) -> Result<Vec<m::DirectConnectGatewayAssociation>, ApiError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let req = dx
            .describe_direct_connect_gateway_associations()
            .direct_connect_gateway_id(gateway)
            .set_next_token(token.take());
        let page = once!(col, req)?;
        let list = page.direct_connect_gateway_associations().iter();
        out.extend(list.map(c::direct_connect_gateway_association));
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_owned()),
            _ => return Ok(out),
        }
    }
}

/// Every page of `describe-virtual-interfaces` (the region's interfaces).
async fn virtual_interfaces(
    col: &Collector<'_>,
    dx: &Client,
) -> Result<Vec<m::VirtualInterface>, ApiError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let req = dx
            .describe_virtual_interfaces()
            .set_next_token(token.take());
        let page = once!(col, req)?;
        out.extend(page.virtual_interfaces().iter().map(c::virtual_interface));
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_owned()),
            _ => return Ok(out),
        }
    }
}

#[cfg(test)]
mod tests {
    //! Direct Connect against a local stub (moto implements none of these calls): one
    //! answer carries all three lists, each call reads its own, and the files written
    //! load back as the snapshot the path query follows, once per region.
    use std::collections::BTreeMap;
    use std::sync::Mutex;

    use indicatif::ProgressBar;

    use super::super::{Collector, RegionData};
    use crate::collect::limit::Limiter;
    use crate::testing::http_stub::HttpStub;

    const ANSWER: &str = r#"{
      "directConnectGateways": [{"directConnectGatewayId": "dxgw-1", "directConnectGatewayName": "corp",
        "ownerAccount": "123456789012", "directConnectGatewayState": "available", "amazonSideAsn": 64512}],
      "directConnectGatewayAssociations": [{"associationId": "dxgw-assoc-1", "directConnectGatewayId": "dxgw-1",
        "associationState": "associated",
        "associatedGateway": {"id": "tgw-1", "type": "transitGateway", "ownerAccount": "123456789012", "region": "us-east-1"},
        "allowedPrefixesToDirectConnectGateway": [{"cidr": "10.0.0.0/16"}]}],
      "virtualInterfaces": [{"virtualInterfaceId": "dxvif-1", "ownerAccount": "123456789012",
        "virtualInterfaceType": "transit", "virtualInterfaceState": "available", "directConnectGatewayId": "dxgw-1",
        "connectionId": "dxcon-1", "region": "us-east-1", "vlan": 101, "asn": 65000, "routeFilterPrefixes": []}]
    }"#;

    async fn collect_from(stub: &HttpStub) -> RegionData {
        let target = crate::session::Target {
            endpoint_url: Some(stub.endpoint()),
            static_credentials: Some(("testing".into(), "testing".into())),
            ..Default::default()
        };
        let config = target.base_config(Some("us-east-1")).await;
        let (bar, limit) = (ProgressBar::hidden(), Limiter::new(2));
        let col = Collector {
            account: "123456789012",
            region: "us-east-1",
            bar: &bar,
            limit: &limit,
            data: Mutex::new(RegionData {
                files: BTreeMap::new(),
                warnings: Vec::new(),
            }),
        };
        let dx = aws_sdk_directconnect::Client::new(&config);
        super::direct_connect(&col, &dx).await;
        assert_eq!(bar.position(), 3, "one progress step per listed call");
        col.data.into_inner().unwrap()
    }

    #[tokio::test]
    async fn writes_the_three_lists_the_loader_reads() {
        let stub = HttpStub::start(200, ANSWER);
        let data = collect_from(&stub).await;
        assert!(data.warnings.is_empty(), "{:?}", data.warnings);
        let names: Vec<&str> = data.files.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "DirectConnectGatewayAssociations.json",
                "DirectConnectGateways.json",
                "VirtualInterfaces.json"
            ]
        );
        // Associations are asked per gateway, as AWS requires.
        let targets: Vec<String> = stub
            .requests()
            .iter()
            .filter_map(|r| r.header("x-amz-target").map(str::to_owned))
            .collect();
        assert!(targets.contains(&"OvertureService.DescribeDirectConnectGateways".to_owned()));
        assert!(targets.contains(&"OvertureService.DescribeVirtualInterfaces".to_owned()));
        let per_gateway = stub.requests().into_iter().find(|r| {
            r.header("x-amz-target")
                == Some("OvertureService.DescribeDirectConnectGatewayAssociations")
        });
        let body = String::from_utf8(per_gateway.expect("an association call").body).unwrap();
        assert!(
            body.contains(r#""directConnectGatewayId":"dxgw-1""#),
            "{body}"
        );
        // Two regions' copies load as one gateway and one association, with no warning.
        let dir = tempfile::tempdir().unwrap();
        for region in ["us-east-1", "eu-west-1"] {
            let at = dir.path().join("aws_configs").join(region);
            std::fs::create_dir_all(&at).unwrap();
            for (name, doc) in &data.files {
                std::fs::write(at.join(name), serde_json::to_vec(doc).unwrap()).unwrap();
            }
        }
        let snap = kensa_model::Snapshot::load(dir.path()).unwrap();
        assert_eq!(snap.direct_connect_gateways.len(), 1);
        let a = &snap.direct_connect_gateway_associations["dxgw-assoc-1"];
        assert_eq!(a.gateway_id(), Some("tgw-1"));
        assert!(a.is_associated());
        assert_eq!(
            a.allowed_prefixes_to_direct_connect_gateway[0]
                .cidr
                .as_deref(),
            Some("10.0.0.0/16")
        );
        assert!(snap.virtual_interfaces["dxvif-1"].is_available());
        let dup: Vec<_> = (snap.warnings.iter())
            .filter(|w| w.message.contains("duplicate"))
            .collect();
        // The virtual interface is regional: the same one in two regions is a duplicate.
        assert_eq!(dup.len(), 1, "{dup:#?}");
        assert!(dup[0].message.contains("dxvif-1"), "{dup:#?}");
    }

    #[tokio::test]
    async fn a_failed_gateway_listing_is_a_warning_for_both_lists() {
        let stub = HttpStub::start(
            400,
            r#"{"__type":"DirectConnectClientException","message":"not authorized"}"#,
        );
        let data = collect_from(&stub).await;
        assert!(data.files.is_empty(), "{:?}", data.files.keys());
        let mut apis: Vec<&str> = data.warnings.iter().map(|w| w.api.as_str()).collect();
        apis.sort();
        assert_eq!(
            apis,
            [
                "directconnect:DescribeDirectConnectGatewayAssociations",
                "directconnect:DescribeDirectConnectGateways",
                "directconnect:DescribeVirtualInterfaces"
            ]
        );
    }
}
