//! Reading one document: top-level JSON object, dispatch on its keys, tolerant per item.
use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::resource::Resource;
use super::{Builder, Document, Origin};
use crate::ec2::{NetworkAcl, RouteTable, SecurityGroup, SecurityGroupRule, Subnet, Vpc};
use crate::elb::{ClassicLoadBalancer, Listener, LoadBalancer, TargetGroup};
use crate::gateway::{EgressOnlyInternetGateway, InternetGateway, NatGateway, PrefixList};
use crate::instance::{Address, Instance, NetworkInterface};
use crate::snapshot::{Scope, Warning};
use crate::transit::{
    CustomerGateway, TransitGateway, TransitGatewayAttachment, TransitGatewayRouteTable,
    VpcEndpoint, VpcPeeringConnection, VpnConnection, VpnGateway,
};

/// Keys that only give context to a sibling key (pagination, the id a wrapper adds).
const CONTEXT_KEYS: &[&str] = &[
    "NextToken",
    "NextMarker",
    "Marker",
    "AdditionalRoutesAvailable",
    "TransitGatewayRouteTableId",
    "PrefixListId",
    "TargetGroupArn",
    "LoadBalancerArn",
    "ResponseMetadata",
];

/// Top-level keys of describe calls that reachability does not need.
const IRRELEVANT_KEYS: &[&str] = &[
    "AvailabilityZones",
    "Regions",
    "LoadBalancerAttributes",
    "Attributes",
    "VpcEndpointServices",
    "ServiceDetails",
    "ServiceNames",
    "KeyPairs",
    "Buckets",
    "Owner",
    "DhcpOptions",
    "DBInstances",
    "DBClusters",
    "Clusters",
    "ClusterSubnetGroups",
    "Functions",
    "Account",
    "Arn",
    "UserId",
];

/// The document being read: its index in `Builder::files`, its label and layout scope.
pub(crate) struct Cx<'d> {
    pub file: u32,
    pub label: &'d str,
    pub scope: &'d Scope,
}

type Top<'a> = BTreeMap<String, &'a RawValue>;

impl Builder {
    pub fn add_document(&mut self, doc: &Document<'_>) {
        let file = self.files.len() as u32;
        self.files.push(doc.label.clone());
        let cx = Cx {
            file,
            label: &doc.label,
            scope: &doc.scope,
        };
        let text = match std::str::from_utf8(&doc.json) {
            Ok(text) => text,
            Err(e) => {
                let msg = format!(
                    "not UTF-8 text (a binary file?): invalid byte at offset {}; skipped",
                    e.valid_up_to()
                );
                return self.warn(Warning::error(cx.label, "", msg));
            }
        };
        if text.trim().is_empty() {
            return self.warn(Warning::warning(cx.label, "", "empty file; nothing loaded"));
        }
        match serde_json::from_str::<Top<'_>>(text) {
            Ok(top) => self.dispatch(&cx, &top),
            Err(e) => {
                let msg = if e.is_data() {
                    format!("expected a JSON object with a describe-* result key: {e}; skipped")
                } else {
                    format!("invalid JSON: {e}; skipped")
                };
                self.warn(Warning::error(cx.label, "$", msg));
            }
        }
    }

    fn dispatch(&mut self, cx: &Cx<'_>, top: &Top<'_>) {
        let mut recognised = false;
        let mut irrelevant = Vec::new();
        let mut unknown = Vec::new();
        for (key, &raw) in top {
            let path = format!("$.{key}");
            match key.as_str() {
                "Vpcs" => self.items::<Vpc>(cx, &path, raw),
                "Subnets" => self.items::<Subnet>(cx, &path, raw),
                "RouteTables" => self.items::<RouteTable>(cx, &path, raw),
                "NetworkAcls" => self.items::<NetworkAcl>(cx, &path, raw),
                "SecurityGroups" => self.items::<SecurityGroup>(cx, &path, raw),
                "SecurityGroupRules" => self.items::<SecurityGroupRule>(cx, &path, raw),
                "NetworkInterfaces" => self.items::<NetworkInterface>(cx, &path, raw),
                "Reservations" => self.reservations(cx, &path, raw),
                "Addresses" => self.items::<Address>(cx, &path, raw),
                "InternetGateways" => self.items::<InternetGateway>(cx, &path, raw),
                "EgressOnlyInternetGateways" => {
                    self.items::<EgressOnlyInternetGateway>(cx, &path, raw)
                }
                "NatGateways" => self.items::<NatGateway>(cx, &path, raw),
                "PrefixLists" | "ManagedPrefixLists" => self.items::<PrefixList>(cx, &path, raw),
                "VpcPeeringConnections" => self.items::<VpcPeeringConnection>(cx, &path, raw),
                "VpnGateways" => self.items::<VpnGateway>(cx, &path, raw),
                "VpnConnections" => self.items::<VpnConnection>(cx, &path, raw),
                "CustomerGateways" => self.items::<CustomerGateway>(cx, &path, raw),
                "TransitGateways" => self.items::<TransitGateway>(cx, &path, raw),
                "TransitGatewayAttachments" => {
                    self.items::<TransitGatewayAttachment>(cx, &path, raw)
                }
                "TransitGatewayRouteTables" => {
                    self.items::<TransitGatewayRouteTable>(cx, &path, raw)
                }
                "VpcEndpoints" => self.items::<VpcEndpoint>(cx, &path, raw),
                "LoadBalancers" => self.items::<LoadBalancer>(cx, &path, raw),
                "LoadBalancerDescriptions" => self.items::<ClassicLoadBalancer>(cx, &path, raw),
                "Listeners" => self.listeners(cx, &path, raw, None),
                "TargetGroups" => self.items::<TargetGroup>(cx, &path, raw),
                k if self.side_data(cx, top, k, &path, raw) => {}
                k if self.compute_data(cx, top, k, &path, raw) => {}
                k if CONTEXT_KEYS.contains(&k) => continue,
                k if IRRELEVANT_KEYS.contains(&k) => {
                    irrelevant.push(k);
                    continue;
                }
                k => {
                    unknown.push(k);
                    continue;
                }
            }
            recognised = true;
        }
        if recognised {
            return;
        }
        let msg = if !irrelevant.is_empty() && unknown.is_empty() {
            format!(
                "skipped: {} not needed for reachability",
                irrelevant.join(", ")
            )
        } else {
            let mut keys = irrelevant;
            keys.extend(unknown);
            format!(
                "skipped: no recognised describe-* result key (found: {})",
                keys.join(", ")
            )
        };
        self.warn(Warning::info(cx.label, "", msg));
    }

    /// Parses `raw` as an array of `T`, each element on its own, and stores them.
    pub(super) fn items<T: Resource>(&mut self, cx: &Cx<'_>, path: &str, raw: &RawValue) {
        let Some(list) = self.array(cx, path, raw) else {
            return;
        };
        for (i, item) in list.into_iter().enumerate() {
            let item_path = format!("{path}[{i}]");
            if let Some(resource) = self.parse_item::<T>(cx, &item_path, item) {
                self.insert(cx, item_path, resource);
            }
        }
    }

    /// Parses `raw` as a JSON array of raw elements; warns and returns `None` otherwise.
    pub(super) fn array<'a>(
        &mut self,
        cx: &Cx<'_>,
        path: &str,
        raw: &'a RawValue,
    ) -> Option<Vec<&'a RawValue>> {
        match serde_json::from_str::<Vec<&RawValue>>(raw.get()) {
            Ok(list) => Some(list),
            Err(e) => {
                let msg = format!("expected an array: {}; skipped", strip_position(&e));
                self.warn(Warning::error(cx.label, path, msg));
                None
            }
        }
    }

    /// Deserialises one element; on failure warns with the JSON path down to the bad field.
    pub(super) fn parse_item<'a, T: Deserialize<'a>>(
        &mut self,
        cx: &Cx<'_>,
        path: &str,
        raw: &'a RawValue,
    ) -> Option<T> {
        let mut de = serde_json::Deserializer::from_str(raw.get());
        match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Ok(value) => Some(value),
            Err(e) => {
                let inner = e.path().to_string();
                let full = if inner == "." || inner.is_empty() {
                    path.to_string()
                } else if inner.starts_with('[') {
                    format!("{path}{inner}")
                } else {
                    format!("{path}.{inner}")
                };
                let msg = format!("{}; item skipped", strip_position(e.inner()));
                self.warn(Warning::error(cx.label, full, msg));
                None
            }
        }
    }

    /// Stores a resource under its id with its scope filled in; first one wins on duplicates.
    pub(super) fn insert<T: Resource>(&mut self, cx: &Cx<'_>, path: String, mut resource: T) {
        let id = resource.id().to_string();
        if id.trim().is_empty() {
            let msg = format!("{} without an id; item skipped", T::KIND);
            return self.warn(Warning::error(cx.label, path, msg));
        }
        let mut scope = cx.scope.clone();
        if scope.account.is_empty() {
            if let Some(owner) = resource.owner_account().filter(|o| is_account_id(o)) {
                scope.account = owner.to_string();
            }
        }
        *resource.scope_mut() = scope;
        let table = T::table(&mut self.snapshot);
        if let Some(first) = table.get_mut(&id) {
            if first.absorb_duplicate(resource) {
                return;
            }
            let msg = format!("duplicate {} {id}: the first one loaded is kept", T::KIND);
            return self.warn(Warning::warning(cx.label, path, msg));
        }
        table.insert(id.clone(), resource);
        self.origins.insert(
            id,
            Origin {
                file: cx.file,
                path,
            },
        );
    }

    /// `describe-instances`: reservations flattened, each instance parsed on its own.
    fn reservations(&mut self, cx: &Cx<'_>, path: &str, raw: &RawValue) {
        #[derive(Deserialize)]
        #[serde(rename_all = "PascalCase")]
        struct RawReservation<'a> {
            #[serde(default)]
            owner_id: Option<String>,
            #[serde(default, borrow)]
            instances: Vec<&'a RawValue>,
        }
        let Some(list) = self.array(cx, path, raw) else {
            return;
        };
        for (r, item) in list.into_iter().enumerate() {
            let res_path = format!("{path}[{r}]");
            let Some(reservation) = self.parse_item::<RawReservation<'_>>(cx, &res_path, item)
            else {
                continue;
            };
            for (i, raw_instance) in reservation.instances.into_iter().enumerate() {
                let inst_path = format!("{res_path}.Instances[{i}]");
                if let Some(mut instance) =
                    self.parse_item::<Instance>(cx, &inst_path, raw_instance)
                {
                    if instance.owner_id.is_none() {
                        instance.owner_id.clone_from(&reservation.owner_id);
                    }
                    self.insert(cx, inst_path, instance);
                }
            }
        }
    }

    /// `describe-listeners`; `lb_arn` fills a missing `LoadBalancerArn` (Batfish's wrapper).
    pub(super) fn listeners(
        &mut self,
        cx: &Cx<'_>,
        path: &str,
        raw: &RawValue,
        lb_arn: Option<&str>,
    ) {
        let Some(list) = self.array(cx, path, raw) else {
            return;
        };
        for (i, item) in list.into_iter().enumerate() {
            let item_path = format!("{path}[{i}]");
            if let Some(mut listener) = self.parse_item::<Listener>(cx, &item_path, item) {
                if listener.load_balancer_arn.is_empty() {
                    listener.load_balancer_arn = lb_arn.unwrap_or_default().to_string();
                }
                self.insert(cx, item_path, listener);
            }
        }
    }
}

/// A 12-digit AWS account id.
pub(crate) fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// serde_json's message without its "at line 1 column 57" suffix, which would point into
/// the re-parsed element rather than the file (the JSON path says where instead).
pub(crate) fn strip_position(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg,
    }
}
