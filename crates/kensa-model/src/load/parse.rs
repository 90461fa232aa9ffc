//! Reading one document: top-level JSON object, dispatch on its keys, tolerant per item.
use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::resource::{visit_list, ListVisitor, Resource};
use super::{Builder, Document, ItemPath, Origin};
use crate::elb::Listener;
use crate::instance::Instance;
use crate::snapshot::{Scope, Warning};

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

/// A document's top-level object. A key given twice is kept apart in `repeated` rather
/// than replacing the first value (as JSON parsers differ on which one wins, both load
/// and the repetition is reported).
#[derive(Default)]
pub(crate) struct Top<'a> {
    pub map: BTreeMap<String, Val<'a>>,
    pub repeated: Vec<(String, Val<'a>)>,
}

impl<'a> Top<'a> {
    pub fn insert(&mut self, key: String, value: Val<'a>) {
        match self.map.entry(key) {
            std::collections::btree_map::Entry::Occupied(e) => {
                self.repeated.push((e.key().clone(), value));
            }
            std::collections::btree_map::Entry::Vacant(e) => {
                e.insert(value);
            }
        }
    }
}

impl<'a> std::ops::Deref for Top<'a> {
    type Target = BTreeMap<String, Val<'a>>;
    fn deref(&self) -> &Self::Target {
        &self.map
    }
}

impl<'de> Deserialize<'de> for Top<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TopVisitor;
        impl<'de> serde::de::Visitor<'de> for TopVisitor {
            type Value = Top<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Top<'de>, A::Error> {
                let mut top = Top::default();
                while let Some(key) = map.next_key::<String>()? {
                    let value = map.next_value::<Val<'de>>()?;
                    top.insert(key, value);
                }
                Ok(top)
            }
        }
        deserializer.deserialize_map(TopVisitor)
    }
}

/// A top-level value, read in the same pass as the object: arrays (the describe results)
/// are split into raw elements straight away; anything else (a wrapper's parent id, a
/// setting, a small object) is kept whole. `Raw` holds a nested value read on demand.
pub(crate) enum Val<'a> {
    List(Vec<&'a RawValue>),
    Value(Box<RawValue>),
    Raw(&'a RawValue),
    /// A list already parsed into its resource type (`Vec<T>`) by [`super::fast`]; taken
    /// out once by the code that stores it.
    Typed(std::cell::Cell<Option<Box<dyn std::any::Any>>>),
}

impl Val<'_> {
    /// The value as JSON text (an array's elements joined back together).
    pub fn json(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Val::List(items) => {
                let parts: Vec<&str> = items.iter().map(|r| r.get()).collect();
                format!("[{}]", parts.join(",")).into()
            }
            Val::Value(raw) => raw.get().into(),
            Val::Raw(raw) => raw.get().into(),
            // Only resource lists are typed, and they are not read as text.
            Val::Typed(_) => "null".into(),
        }
    }

    /// The string value, when it is one.
    pub fn as_string(&self) -> Option<String> {
        serde_json::from_str(&self.json()).ok()
    }
}

impl<'de> Deserialize<'de> for Val<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValVisitor)
    }
}

struct ValVisitor;

fn whole<'a, E: serde::de::Error>(value: serde_json::Value) -> Result<Val<'a>, E> {
    serde_json::value::to_raw_value(&value)
        .map(Val::Value)
        .map_err(E::custom)
}

impl<'de> serde::de::Visitor<'de> for ValVisitor {
    type Value = Val<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Val<'de>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element::<&'de RawValue>()? {
            items.push(item);
        }
        Ok(Val::List(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Val<'de>, A::Error> {
        let value =
            serde_json::Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        whole(value)
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Val<'de>, E> {
        whole(serde_json::Value::String(v.to_string()))
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Val<'de>, E> {
        whole(serde_json::Value::Bool(v))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Val<'de>, E> {
        whole(serde_json::Value::from(v))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Val<'de>, E> {
        whole(serde_json::Value::from(v))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Val<'de>, E> {
        whole(serde_json::Value::from(v))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Val<'de>, E> {
        whole(serde_json::Value::Null)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Val<'de>, E> {
        whole(serde_json::Value::Null)
    }
}

/// Reads the list of a key of the resource table item by item.
struct ListItems<'b, 'c, 'p, 'v, 'a>(&'b mut Builder, &'c Cx<'c>, &'p str, &'v Val<'a>);

impl ListVisitor for ListItems<'_, '_, '_, '_, '_> {
    type Out = ();
    fn visit<T: Resource>(self) {
        let ListItems(builder, cx, path, raw) = self;
        builder.items::<T>(cx, path, raw);
    }
}

impl Builder {
    pub fn add_document(&mut self, doc: &Document<'_>) {
        let file = self.files.len() as u32;
        self.files.push(doc.label.clone());
        let cx = Cx {
            file,
            label: &doc.label,
            scope: &doc.scope,
        };
        // A byte-order mark is what PowerShell's redirection writes; JSON forbids it, AWS
        // CLI output never has it, and nothing is lost by skipping it.
        let text = match std::str::from_utf8(super::strip_bom(&doc.json)) {
            Ok(text) => text,
            Err(e) => {
                let msg = format!(
                    "not UTF-8 text (a binary file?): invalid byte at offset {}; file skipped",
                    e.valid_up_to()
                );
                return self.warn(Warning::error(cx.label, "", msg));
            }
        };
        if text.trim().is_empty() {
            return self.warn(Warning::warning(cx.label, "", "empty file; nothing loaded"));
        }
        if let Some(top) = super::fast::read_top(text).filter(|_| !self.tolerant_only) {
            return self.dispatch(&cx, &top);
        }
        match serde_json::from_str::<Top<'_>>(text) {
            Ok(top) => self.dispatch(&cx, &top),
            Err(e) => {
                let msg = if e.is_data() {
                    format!(
                        "expected a JSON object with a describe-* result key: {e}; file skipped"
                    )
                } else {
                    format!("invalid JSON: {e}; file skipped")
                };
                self.warn(Warning::error(cx.label, "$", msg));
            }
        }
    }

    fn dispatch(&mut self, cx: &Cx<'_>, top: &Top<'_>) {
        let mut recognised = false;
        let mut irrelevant = Vec::new();
        let mut unknown = Vec::new();
        for (key, _) in top.repeated.iter() {
            let msg = format!(
                "top-level key `{key}` appears more than once: every occurrence is loaded \
                 (JSON readers disagree on which one wins)"
            );
            self.warn(Warning::warning(cx.label, format!("$.{key}"), msg));
        }
        let all = top
            .map
            .iter()
            .chain(top.repeated.iter().map(|(k, v)| (k, v)));
        for (key, raw) in all {
            let path = format!("$.{key}");
            match key.as_str() {
                k if visit_list(k, ListItems(self, cx, &path, raw)).is_some() => {}
                "Reservations" => self.reservations(cx, &path, raw),
                "Listeners" => self.listeners(cx, &path, raw, None),
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
            self.documents += 1;
            if !unknown.is_empty() {
                let msg = format!(
                    "ignored unrecognised top-level key(s): {}",
                    unknown.join(", ")
                );
                self.warn(Warning::info(cx.label, "", msg));
            }
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
    pub(super) fn items<T: Resource>(&mut self, cx: &Cx<'_>, path: &str, raw: &Val<'_>) {
        if let Some(parsed) = super::fast::take_list::<T>(raw) {
            let prefix = self.segment(path);
            self.saw(T::TYPE, parsed.len());
            self.staged::<T>().reserve(parsed.len());
            for (i, resource) in parsed.into_iter().enumerate() {
                self.insert(cx, ItemPath::top(prefix, i), resource);
            }
            return;
        }
        let Some(list) = self.array(cx, path, raw) else {
            return self.lost(T::TYPE);
        };
        let prefix = self.segment(path);
        self.saw(T::TYPE, list.len());
        self.staged::<T>().reserve(list.len());
        for (i, item) in list.into_iter().enumerate() {
            let at = ItemPath::top(prefix, i);
            match parse_value::<T>(item) {
                Ok(resource) => self.insert(cx, at, resource),
                Err(e) => {
                    self.lost(T::TYPE);
                    self.item_error(cx, self.render(&at), e);
                }
            }
        }
    }

    /// The raw elements of an array value; warns and returns `None` for anything else.
    pub(super) fn array<'a>(
        &mut self,
        cx: &Cx<'_>,
        path: &str,
        value: &Val<'a>,
    ) -> Option<Vec<&'a RawValue>> {
        let found = match value {
            Val::List(list) => return Some(list.clone()),
            Val::Raw(raw) => match serde_json::from_str::<Vec<&RawValue>>(raw.get()) {
                Ok(list) => return Some(list),
                Err(e) => strip_position(&e),
            },
            Val::Value(raw) => {
                let kind = match raw.get().as_bytes().first() {
                    Some(b'{') => "an object",
                    Some(b'"') => "a string",
                    Some(b't' | b'f') => "a boolean",
                    Some(b'n') => "null",
                    _ => "a number",
                };
                format!("found {kind}")
            }
            Val::Typed(_) => "found a list that was already read".to_string(),
        };
        let msg = format!("expected an array: {found}; skipped");
        self.warn(Warning::error(cx.label, path, msg));
        None
    }

    /// Deserialises one element; on failure warns with the JSON path down to the bad field.
    pub(super) fn parse_item<'a, T: Deserialize<'a>>(
        &mut self,
        cx: &Cx<'_>,
        path: &str,
        raw: &'a RawValue,
    ) -> Option<T> {
        match parse_value(raw) {
            Ok(value) => Some(value),
            Err(e) => {
                self.item_error(cx, path.to_string(), e);
                None
            }
        }
    }

    fn item_error(&mut self, cx: &Cx<'_>, path: String, e: ItemError) {
        let full = if e.inner.is_empty() || e.inner == "." {
            path
        } else if e.inner.starts_with('[') {
            format!("{path}{}", e.inner)
        } else {
            format!("{path}.{}", e.inner)
        };
        let msg = format!("{}; item skipped", e.message);
        self.warn(Warning::error(cx.label, full, msg));
    }

    /// Stores a resource under its id with its scope filled in; first one wins on duplicates.
    pub(super) fn insert<T: Resource>(&mut self, cx: &Cx<'_>, at: ItemPath, mut resource: T) {
        if resource.id().trim().is_empty() {
            self.lost(T::TYPE);
            let msg = format!("{} without an id; item skipped", T::TYPE.human_name());
            return self.warn(Warning::error(cx.label, self.render(&at), msg));
        }
        if let Err(invalid) = super::check::check(&resource) {
            self.lost(T::TYPE);
            let base = self.render(&at);
            let path = if invalid.path.is_empty() {
                base
            } else {
                format!("{base}.{}", invalid.path)
            };
            let msg = format!("{}; item skipped", invalid.message);
            return self.warn(Warning::error(cx.label, path, msg));
        }
        if cx.scope.account.is_empty() {
            let owner = resource.owner_account().filter(|o| is_account_id(o));
            let account = owner.unwrap_or_default().to_string();
            *resource.scope_mut() = Scope {
                account,
                region: cx.scope.region.clone(),
            };
        } else {
            resource.scope_mut().clone_from(cx.scope);
        }
        let staged = self.staged::<T>();
        if let Some(first) = staged.get_mut(resource.id()) {
            if !first.absorb_duplicate(resource) {
                let id = first.id().to_string();
                let msg = format!(
                    "duplicate {} {id}: the first one loaded is kept",
                    T::TYPE.human_name()
                );
                self.warn(Warning::warning(cx.label, self.render(&at), msg));
            }
            return;
        }
        let id = resource.id().to_string();
        self.origins.insert(
            super::id_key(&id),
            Origin {
                file: cx.file,
                path: at,
            },
        );
        self.staged::<T>().push(id, resource);
    }

    /// `describe-instances`: reservations flattened, each instance parsed on its own.
    fn reservations(&mut self, cx: &Cx<'_>, path: &str, raw: &Val<'_>) {
        #[derive(Deserialize)]
        #[serde(rename_all = "PascalCase")]
        struct RawReservation<'a> {
            #[serde(default)]
            owner_id: Option<String>,
            #[serde(default, borrow)]
            instances: Vec<&'a RawValue>,
        }
        let (prefix, nested) = (self.segment(path), self.segment("Instances"));
        if let Some(parsed) = super::fast::take_list::<super::fast::Reservation>(raw) {
            let n = parsed.iter().map(|r| r.instances.len()).sum();
            self.saw(Instance::TYPE, n);
            self.staged::<Instance>().reserve(parsed.len());
            for (r, reservation) in parsed.into_iter().enumerate() {
                for (i, mut instance) in reservation.instances.into_iter().enumerate() {
                    if instance.owner_id.is_none() {
                        instance.owner_id.clone_from(&reservation.owner_id);
                    }
                    let at = ItemPath::nested(prefix, r, nested, i);
                    self.insert(cx, at, instance);
                }
            }
            return;
        }
        let Some(list) = self.array(cx, path, raw) else {
            return self.lost(Instance::TYPE);
        };
        self.saw(Instance::TYPE, 0);
        self.staged::<Instance>().reserve(list.len());
        for (r, item) in list.into_iter().enumerate() {
            let Some(reservation) =
                self.parse_item::<RawReservation<'_>>(cx, &format!("{path}[{r}]"), item)
            else {
                self.lost(Instance::TYPE);
                continue;
            };
            self.saw(Instance::TYPE, reservation.instances.len());
            for (i, raw_instance) in reservation.instances.into_iter().enumerate() {
                let at = ItemPath {
                    prefix,
                    index: r as u32,
                    nested: Some((nested, i as u32)),
                    eni: None,
                };
                match parse_value::<Instance>(raw_instance) {
                    Ok(mut instance) => {
                        if instance.owner_id.is_none() {
                            instance.owner_id.clone_from(&reservation.owner_id);
                        }
                        self.insert(cx, at, instance);
                    }
                    Err(e) => {
                        self.lost(Instance::TYPE);
                        self.item_error(cx, self.render(&at), e);
                    }
                }
            }
        }
    }

    /// `describe-listeners`; `lb_arn` fills a missing `LoadBalancerArn` (Batfish's wrapper).
    pub(super) fn listeners(
        &mut self,
        cx: &Cx<'_>,
        path: &str,
        raw: &Val<'_>,
        lb_arn: Option<&str>,
    ) {
        let Some(list) = self.array(cx, path, raw) else {
            return self.lost(Listener::TYPE);
        };
        let prefix = self.segment(path);
        self.saw(Listener::TYPE, list.len());
        for (i, item) in list.into_iter().enumerate() {
            let at = ItemPath {
                prefix,
                index: i as u32,
                nested: None,
                eni: None,
            };
            match parse_value::<Listener>(item) {
                Ok(mut listener) => {
                    if listener.load_balancer_arn.is_empty() {
                        listener.load_balancer_arn = lb_arn.unwrap_or_default().to_string();
                    }
                    self.insert(cx, at, listener);
                }
                Err(e) => {
                    self.lost(Listener::TYPE);
                    self.item_error(cx, self.render(&at), e);
                }
            }
        }
    }
}

/// Why an element did not deserialise: the path inside it and serde's message.
pub(crate) struct ItemError {
    inner: String,
    message: String,
}

/// Deserialises one element: fast, and again with path tracking only when it fails.
pub(crate) fn parse_value<'a, T: Deserialize<'a>>(raw: &'a RawValue) -> Result<T, ItemError> {
    if let Ok(value) = serde_json::from_str::<T>(raw.get()) {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_str(raw.get());
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(value) => Ok(value),
        Err(e) => Err(ItemError {
            inner: e.path().to_string(),
            message: strip_position(e.inner()),
        }),
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
