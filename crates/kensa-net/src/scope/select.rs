//! Resource statements resolved against the snapshot: which ENIs and which gateways (as
//! source classes) a source or destination names, and whether a hop is a through
//! resource.
use kensa_model::IdKind;

use crate::engine::{Analysis, SourceClass};
use crate::fasthash::FastSet;
use crate::index::{Eni, Index};
use crate::path::Hop;

use super::parse::{err, ResourceStatement, ScopeError};

/// A gateway a path may start from or leave by; `id: None` is any of its class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewaySel {
    pub class: SourceClass,
    pub id: Option<String>,
}

/// What a source or destination statement selects.
#[derive(Debug, Clone, Default)]
pub struct Ends {
    /// Indices into `Index::enis` (only ENIs the engine analyses).
    pub enis: FastSet<usize>,
    pub gateways: Vec<GatewaySel>,
}

impl Ends {
    /// No statement: every analysed ENI and every gateway class.
    pub fn any(a: &Analysis) -> Self {
        Ends {
            enis: a.enis.iter().map(|r| r.eni_index).collect(),
            gateways: SourceClass::ALL
                .iter()
                .map(|&class| GatewaySel { class, id: None })
                .collect(),
        }
    }

    pub fn has_gateway(&self, class: SourceClass, id: &str) -> bool {
        self.gateways
            .iter()
            .any(|g| g.class == class && g.id.as_deref().is_none_or(|x| x == id))
    }
}

fn class_of_type(t: &str) -> Option<SourceClass> {
    Some(match t {
        "AWS::EC2::InternetGateway" => SourceClass::Internet,
        "AWS::EC2::VPCPeeringConnection" => SourceClass::PeeredVPC,
        "AWS::EC2::VPNGateway" => SourceClass::VGW,
        "AWS::EC2::TransitGateway" | "AWS::EC2::TransitGatewayAttachment" => SourceClass::TGW,
        _ => return None,
    })
}

/// Whether `eni` carries every tag (on itself or its instance).
fn tagged(idx: &Index, eni: &Eni, tags: &[(String, String)]) -> bool {
    let snap = idx.snap;
    let inst = eni.instance_id.and_then(|i| snap.instances.get(i));
    let own = snap.network_interfaces.get(eni.id.as_ref());
    tags.iter().all(|(k, v)| {
        inst.is_some_and(|i| i.tags.iter().any(|t| &t.key == k && &t.value == v))
            || own.is_some_and(|e| e.tags.iter().any(|t| &t.key == k && &t.value == v))
    })
}

/// Resolves a source or destination resource statement.
pub fn resolve(a: &Analysis, r: &ResourceStatement) -> Result<Ends, ScopeError> {
    let idx = &a.engine.idx;
    let analysed: Vec<usize> = a.enis.iter().map(|r| r.eni_index).collect();
    let mut ends = Ends::default();
    let pick = |ends: &mut Ends, f: &dyn Fn(&Eni) -> bool| {
        ends.enis.extend(analysed.iter().copied().filter(|&i| {
            let e = &idx.enis[i];
            f(e) && tagged(idx, e, &r.tags)
        }));
    };
    if r.resources.is_empty() && r.types.is_empty() {
        pick(&mut ends, &|_| true);
    }
    for (i, t) in r.types.iter().enumerate() {
        let path = format!("{}.ResourceTypes[{i}]", r.path);
        if let Some(class) = class_of_type(t) {
            if !r.tags.is_empty() {
                return Err(err(
                    &path,
                    "kensa:Tags selects instances and ENIs, not gateways",
                ));
            }
            ends.gateways.push(GatewaySel { class, id: None });
            continue;
        }
        match t.as_str() {
            "AWS::EC2::Instance" => pick(&mut ends, &|e| e.instance_id.is_some()),
            "AWS::EC2::NetworkInterface" | "AWS::EC2::Subnet" | "AWS::EC2::VPC" => {
                pick(&mut ends, &|_| true)
            }
            other => {
                return Err(err(&path, format!("`{other}` is not supported as a source or destination (supported: AWS::EC2::Instance, AWS::EC2::NetworkInterface, AWS::EC2::Subnet, AWS::EC2::VPC, AWS::EC2::InternetGateway, AWS::EC2::VPNGateway, AWS::EC2::VPCPeeringConnection, AWS::EC2::TransitGateway, AWS::EC2::TransitGatewayAttachment)")))
            }
        }
    }
    for (i, id) in r.resources.iter().enumerate() {
        let path = format!("{}.Resources[{i}]", r.path);
        resolve_id(a, id, &path, &mut ends)?;
    }
    Ok(ends)
}

fn resolve_id(a: &Analysis, id: &str, path: &str, ends: &mut Ends) -> Result<(), ScopeError> {
    let idx = &a.engine.idx;
    let snap = idx.snap;
    let missing = || err(path, format!("`{id}` is not in the snapshot"));
    let gateway = |class| GatewaySel {
        class,
        id: Some(id.to_string()),
    };
    let before = ends.enis.len();
    let by = |ends: &mut Ends, f: &dyn Fn(&Eni) -> bool| {
        ends.enis.extend(
            a.enis
                .iter()
                .map(|r| r.eni_index)
                .filter(|&i| f(&idx.enis[i])),
        );
    };
    if id.starts_with("arn:") {
        return Err(err(
            path,
            "ARNs are not supported here; name the resource by its id",
        ));
    }
    let kind = IdKind::detect(id);
    match kind {
        Some(IdKind::TransitGatewayAttachment | IdKind::TransitGatewayRouteTable) => {
            return Err(err(path, "name the transit gateway (tgw-...) as a source or destination; attachments and route tables go in ThroughResources"));
        }
        Some(IdKind::InternetGateway) => {
            snap.internet_gateways.get(id).ok_or_else(missing)?;
            ends.gateways.push(gateway(SourceClass::Internet));
        }
        Some(IdKind::VpnGateway) => {
            snap.vpn_gateways.get(id).ok_or_else(missing)?;
            ends.gateways.push(gateway(SourceClass::VGW));
        }
        Some(IdKind::VpcPeeringConnection) => {
            idx.peerings.get(id).ok_or_else(missing)?;
            ends.gateways.push(gateway(SourceClass::PeeredVPC));
        }
        Some(IdKind::TransitGateway) => {
            if !idx.tgw.tgws.contains(id) {
                return Err(missing());
            }
            ends.gateways.push(gateway(SourceClass::TGW));
        }
        Some(IdKind::Instance) => {
            snap.instances.get(id).ok_or_else(missing)?;
            by(ends, &|e| e.instance_id == Some(id));
        }
        Some(IdKind::NetworkInterface) => by(ends, &|e| e.id == id),
        Some(IdKind::Subnet) => {
            snap.subnets.get(id).ok_or_else(missing)?;
            by(ends, &|e| e.subnet_id == Some(id));
        }
        Some(IdKind::Vpc) => {
            snap.vpcs.get(id).ok_or_else(missing)?;
            by(ends, &|e| e.vpc_id == Some(id));
        }
        Some(IdKind::SecurityGroup) => {
            snap.security_groups.get(id).ok_or_else(missing)?;
            by(ends, &|e| e.groups.contains(&id));
        }
        _ => return Err(err(path, format!("`{id}` is not supported as a source or destination (instance, ENI, subnet, VPC, security group, igw-, vgw-, pcx- or tgw- id)"))),
    }
    if kind == Some(IdKind::NetworkInterface) && ends.enis.len() == before {
        return Err(err(path, format!("`{id}` is not an analysed network interface of the snapshot (instance ENIs; NAT, load balancer and endpoint interfaces are not path ends)")));
    }
    Ok(())
}

/// A through statement: matches a hop by id or CloudFormation type.
#[derive(Debug, Clone)]
pub struct Through {
    ids: Vec<String>,
    types: Vec<String>,
}

const THROUGH_TYPES: &[&str] = &[
    "AWS::EC2::InternetGateway",
    "AWS::EC2::NatGateway",
    "AWS::EC2::VPCPeeringConnection",
    "AWS::EC2::VPNGateway",
    "AWS::EC2::TransitGateway",
    "AWS::EC2::TransitGatewayAttachment",
    "AWS::EC2::TransitGatewayRouteTable",
    "AWS::EC2::VPCEndpoint",
    "AWS::EC2::EgressOnlyInternetGateway",
];

pub fn through(a: &Analysis, r: &ResourceStatement) -> Result<Through, ScopeError> {
    if !r.tags.is_empty() {
        return Err(err(
            &format!("{}.kensa:Tags", r.path),
            "kensa:Tags is for sources and destinations, not through resources",
        ));
    }
    for (i, t) in r.types.iter().enumerate() {
        if !THROUGH_TYPES.contains(&t.as_str()) {
            return Err(err(
                &format!("{}.ResourceTypes[{i}]", r.path),
                format!(
                    "`{t}` is not supported as a through resource (supported: {})",
                    THROUGH_TYPES.join(", ")
                ),
            ));
        }
    }
    let snap = a.engine.idx.snap;
    for (i, id) in r.resources.iter().enumerate() {
        let known = ["igw-", "nat-", "pcx-", "vgw-", "tgw-", "vpce-", "eigw-"]
            .iter()
            .any(|p| id.starts_with(p));
        let path = format!("{}.Resources[{i}]", r.path);
        if !known {
            return Err(err(&path, format!("`{id}` is not supported as a through resource (igw-, nat-, pcx-, vgw-, tgw-, tgw-attach-, tgw-rtb-, vpce- or eigw- id)")));
        }
        let present = snap.internet_gateways.contains_key(id)
            || snap.nat_gateways.contains_key(id)
            || snap.vpn_gateways.contains_key(id)
            || snap.vpc_endpoints.contains_key(id)
            || a.engine.idx.peerings.contains_key(id)
            || a.engine.idx.tgw.tgws.contains(id)
            || a.engine.idx.tgw.attachments.contains_key(id)
            || a.engine.idx.tgw.tables.contains_key(id)
            || snap.egress_only_internet_gateways.contains_key(id);
        if !present {
            return Err(err(&path, format!("`{id}` is not in the snapshot")));
        }
    }
    Ok(Through {
        ids: r.resources.clone(),
        types: r.types.clone(),
    })
}

impl Through {
    pub fn matches(&self, hops: &[Hop]) -> bool {
        hops.iter()
            .any(|h| self.ids.contains(&h.component_id) || self.types.contains(&h.component_type))
    }
}
