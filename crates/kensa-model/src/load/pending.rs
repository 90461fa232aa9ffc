//! Side data: outputs that only make sense attached to a parent resource (prefix list
//! entries, target health, TGW routes/propagations/associations, TGW VPC attachments).
//!
//! AWS prints several of them without the parent's id, so kensa accepts a wrapper object
//! that adds it (`{"TargetGroupArn": ..., "TargetHealthDescriptions": [...]}`) and
//! Batfish's grouped files (`{"LoadBalancerTargetHealth": [{"TargetGroupArn": ..., ...}]}`).
//! They are collected while reading and merged once every document is in, so file order
//! does not matter.
use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::check::Validate;
use super::parse::{Cx, Top, Val};
use super::{Builder, ItemPath, Origin};
use crate::ec2::Tag;
use crate::elb::TargetHealthDescription;
use crate::gateway::PrefixListEntry;
use crate::snapshot::{Scope, Warning};
use crate::transit::{
    TgwRouteTablePropagation, TgwVpcAttachmentOptions, TransitGatewayAttachment,
    TransitGatewayRoute,
};

/// Items read for a parent that may not have been loaded yet.
pub(crate) struct Side<T> {
    pub file: u32,
    pub path: String,
    pub parent: String,
    pub items: Vec<T>,
}

/// `describe-transit-gateway-vpc-attachments`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TgwVpcAttachment {
    pub transit_gateway_attachment_id: String,
    #[serde(default)]
    pub transit_gateway_id: Option<String>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub vpc_owner_id: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    #[serde(default)]
    pub options: Option<TgwVpcAttachmentOptions>,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

#[derive(Default)]
pub(crate) struct Pending {
    pub prefix_list_entries: Vec<Side<PrefixListEntry>>,
    pub target_health: Vec<Side<TargetHealthDescription>>,
    pub tgw_propagations: Vec<Side<TgwRouteTablePropagation>>,
    pub tgw_associations: Vec<Side<TgwRouteTablePropagation>>,
    pub tgw_routes: Vec<Side<TransitGatewayRoute>>,
    pub vpc_attachments: Vec<(u32, ItemPath, Scope, TgwVpcAttachment)>,
}

/// Which side data a key holds, with the key naming its parent's id.
#[derive(Clone, Copy)]
enum Kind {
    PrefixListEntries,
    TargetHealth,
    TgwPropagations,
    TgwAssociations,
    TgwRoutes,
    Listeners,
}

impl Kind {
    fn parent_key(self) -> &'static str {
        match self {
            Kind::PrefixListEntries => "PrefixListId",
            Kind::TargetHealth => "TargetGroupArn",
            Kind::Listeners => "LoadBalancerArn",
            // Listed, not `_`: a new kind of side data must say where its parent id is.
            Kind::TgwPropagations | Kind::TgwAssociations | Kind::TgwRoutes => {
                "TransitGatewayRouteTableId"
            }
        }
    }
}

impl Builder {
    /// Handles the side-data keys; returns false for any other key.
    pub(super) fn side_data(
        &mut self,
        cx: &Cx<'_>,
        top: &Top<'_>,
        key: &str,
        path: &str,
        raw: &Val<'_>,
    ) -> bool {
        let sibling = |k: &str| top.get(k).and_then(Val::as_string);
        let (kind, list_key) = match key {
            "TransitGatewayVpcAttachments" => {
                self.vpc_attachments(cx, path, raw);
                return true;
            }
            "PrefixListEntries" if !top.contains_key("PrefixListId") => {
                (Kind::PrefixListEntries, "Entries")
            }
            "Entries" | "PrefixListEntries" => {
                let parent = sibling("PrefixListId");
                self.side_flat(cx, Kind::PrefixListEntries, key, parent, path, raw);
                return true;
            }
            "TargetHealthDescriptions" => {
                let parent = sibling("TargetGroupArn");
                self.side_flat(cx, Kind::TargetHealth, key, parent, path, raw);
                return true;
            }
            "TransitGatewayRouteTablePropagations" | "Associations" | "Routes" => {
                let kind = match key {
                    "Associations" => Kind::TgwAssociations,
                    "Routes" => Kind::TgwRoutes,
                    _ => Kind::TgwPropagations,
                };
                let parent = sibling("TransitGatewayRouteTableId");
                self.side_flat(cx, kind, key, parent, path, raw);
                return true;
            }
            "LoadBalancerTargetHealth" => (Kind::TargetHealth, "TargetHealthDescriptions"),
            "LoadBalancerListeners" => (Kind::Listeners, "Listeners"),
            "TransitGatewayPropagations" => (
                Kind::TgwPropagations,
                "TransitGatewayRouteTablePropagations",
            ),
            "TransitGatewayStaticRoutes" | "TransitGatewayRoutes" => (Kind::TgwRoutes, "Routes"),
            "TransitGatewayAssociations" => (Kind::TgwAssociations, "Associations"),
            _ => return false,
        };
        self.side_grouped(cx, kind, list_key, path, raw);
        true
    }

    /// Batfish's grouping: `[{"<ParentId>": ..., "<ListKey>": [...]}, ...]`.
    fn side_grouped(&mut self, cx: &Cx<'_>, kind: Kind, list_key: &str, path: &str, raw: &Val<'_>) {
        let Some(groups) = self.array(cx, path, raw) else {
            return;
        };
        for (g, group) in groups.into_iter().enumerate() {
            let group_path = format!("{path}[{g}]");
            let Some(fields) =
                self.parse_item::<BTreeMap<String, &RawValue>>(cx, &group_path, group)
            else {
                continue;
            };
            let parent = fields
                .get(kind.parent_key())
                .and_then(|v| serde_json::from_str::<String>(v.get()).ok());
            match fields.get(list_key) {
                Some(list) => {
                    let list_path = format!("{group_path}.{list_key}");
                    self.side_flat(cx, kind, list_key, parent, &list_path, &Val::Raw(list));
                }
                None => {
                    let msg = format!("group without {list_key}; skipped");
                    self.warn(Warning::error(cx.label, group_path, msg));
                }
            }
        }
    }

    /// A plain list of side items for the parent `parent`.
    fn side_flat(
        &mut self,
        cx: &Cx<'_>,
        kind: Kind,
        key: &str,
        parent: Option<String>,
        path: &str,
        raw: &Val<'_>,
    ) {
        if let Kind::Listeners = kind {
            return self.listeners(cx, path, raw, parent.as_deref());
        }
        let Some(parent) = parent.filter(|p| !p.is_empty()) else {
            let id_key = kind.parent_key();
            let msg = format!(
                "{key} without {id_key}: cannot tell what they belong to; wrap the output as \
                 {{\"{id_key}\": ..., \"{key}\": [...]}}; skipped"
            );
            return self.warn(Warning::warning(cx.label, path, msg));
        };
        match kind {
            Kind::PrefixListEntries => {
                let side = self.side_items(cx, path, parent, raw);
                self.pending.prefix_list_entries.push(side);
            }
            Kind::TargetHealth => {
                let side = self.side_items(cx, path, parent, raw);
                self.pending.target_health.push(side);
            }
            Kind::TgwPropagations => {
                let side = self.side_items(cx, path, parent, raw);
                self.pending.tgw_propagations.push(side);
            }
            Kind::TgwAssociations => {
                let side = self.side_items(cx, path, parent, raw);
                self.pending.tgw_associations.push(side);
            }
            Kind::TgwRoutes => {
                let side = self.side_items(cx, path, parent, raw);
                self.pending.tgw_routes.push(side);
            }
            Kind::Listeners => unreachable!("handled above"),
        }
    }

    fn side_items<T: DeserializeOwned + Validate>(
        &mut self,
        cx: &Cx<'_>,
        path: &str,
        parent: String,
        raw: &Val<'_>,
    ) -> Side<T> {
        let mut items = Vec::new();
        for (i, item) in self
            .array(cx, path, raw)
            .unwrap_or_default()
            .into_iter()
            .enumerate()
        {
            let item_path = format!("{path}[{i}]");
            let Some(value) = self.parse_item::<T>(cx, &item_path, item) else {
                continue;
            };
            match value.validate() {
                Ok(()) => items.push(value),
                Err(invalid) => {
                    let msg = format!("{}; item skipped", invalid.message);
                    let at = format!("{item_path}.{}", invalid.path);
                    self.warn(Warning::error(cx.label, at, msg));
                }
            }
        }
        Side {
            file: cx.file,
            path: path.to_string(),
            parent,
            items,
        }
    }

    fn vpc_attachments(&mut self, cx: &Cx<'_>, path: &str, raw: &Val<'_>) {
        let Some(list) = self.array(cx, path, raw) else {
            return;
        };
        let prefix = self.segment(path);
        for (i, item) in list.into_iter().enumerate() {
            let at = ItemPath {
                prefix,
                index: i as u32,
                nested: None,
                eni: None,
            };
            let item_path = self.render(&at);
            if let Some(att) = self.parse_item::<TgwVpcAttachment>(cx, &item_path, item) {
                let entry = (cx.file, at, cx.scope.clone(), att);
                self.pending.vpc_attachments.push(entry);
            }
        }
    }

    /// Attaches every side item to its parent; side data of an unknown parent is dropped.
    pub(super) fn merge_pending(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        for side in pending.prefix_list_entries {
            let parent = self.snapshot.prefix_lists.get_mut(&side.parent);
            if let Some(list) = parent {
                list.merge_entries(side.items);
            } else {
                self.dropped(side.file, side.path, "prefix list entries", &side.parent);
            }
        }
        for side in pending.target_health {
            match self.snapshot.target_groups.get_mut(&side.parent) {
                Some(tg) => tg.target_health_descriptions.extend(side.items),
                None => self.dropped(side.file, side.path, "target health", &side.parent),
            }
        }
        let tables = &mut self.snapshot.transit_gateway_route_tables;
        let mut unknown = Vec::new();
        for (side, what) in pending
            .tgw_propagations
            .into_iter()
            .map(|s| (s, "propagations"))
            .chain(
                pending
                    .tgw_associations
                    .into_iter()
                    .map(|s| (s, "associations")),
            )
        {
            match tables.get_mut(&side.parent) {
                Some(t) if what == "propagations" => t.propagations.extend(side.items),
                Some(t) => t.associations.extend(side.items),
                None => unknown.push((side.file, side.path, what, side.parent)),
            }
        }
        for side in pending.tgw_routes {
            match tables.get_mut(&side.parent) {
                Some(t) => t.routes.extend(side.items),
                None => unknown.push((side.file, side.path, "routes", side.parent)),
            }
        }
        for (file, path, what, parent) in unknown {
            self.dropped(
                file,
                path,
                &format!("transit gateway route table {what}"),
                &parent,
            );
        }
        for (file, path, scope, att) in pending.vpc_attachments {
            self.merge_vpc_attachment(file, path, scope, att);
        }
    }

    fn dropped(&mut self, file: u32, path: String, what: &str, parent: &str) {
        let msg = format!("{what} for {parent}, which is not in the snapshot; dropped");
        let label = self.files[file as usize].clone();
        self.warn(Warning::warning(label, path, msg));
    }

    /// Adds the VPC attachment's subnets to the generic attachment record, or creates the
    /// record when `describe-transit-gateway-attachments` was not collected.
    fn merge_vpc_attachment(
        &mut self,
        file: u32,
        path: ItemPath,
        scope: Scope,
        att: TgwVpcAttachment,
    ) {
        let id = att.transit_gateway_attachment_id.clone();
        let table = &mut self.snapshot.transit_gateway_attachments;
        if let Some(existing) = table.get_mut(&id) {
            if existing.subnet_ids.is_empty() {
                existing.subnet_ids = att.subnet_ids;
            }
            if existing.options.is_none() {
                existing.options = att.options;
            }
            existing.vpc_id = existing.vpc_id.take().or(att.vpc_id.clone());
            existing.resource_id = existing.resource_id.take().or(att.vpc_id);
            existing
                .resource_type
                .get_or_insert_with(|| "vpc".to_string());
            return;
        }
        // `VpcOwnerId` is the attached VPC's owner, not necessarily the account whose
        // snapshot this is (the transit gateway's account lists the attachment too): an
        // account-less layout leaves the account to `fill_missing_accounts`.
        let record = TransitGatewayAttachment {
            transit_gateway_attachment_id: id.clone(),
            transit_gateway_id: att.transit_gateway_id,
            resource_type: Some("vpc".to_string()),
            resource_id: att.vpc_id.clone(),
            resource_owner_id: att.vpc_owner_id,
            state: att.state,
            association: None,
            subnet_ids: att.subnet_ids,
            vpc_id: att.vpc_id,
            options: att.options,
            tags: att.tags,
            scope,
        };
        table.insert(id.clone(), record);
        self.set_origin(&id, Origin { file, path });
    }
}
