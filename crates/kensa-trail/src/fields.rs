//! Fields of a CloudTrail event, with the names and semantics of Falco's cloudtrail and
//! json plugins (plus the `evt.*` fields the official rules use).

use std::borrow::Cow;

use crate::event::{self, Event};

/// An extracted value.
#[derive(Debug, Clone, PartialEq)]
pub enum Val<'a> {
    /// The field has no value for this event (`<NA>` in outputs).
    None,
    Str(Cow<'a, str>),
    Num(u64),
    List(Vec<Cow<'a, str>>),
    /// Inclusive port ranges (`ec2.ingress.world_ports`), compared numerically.
    Ranges(Vec<(u32, u32)>),
}

impl Val<'_> {
    pub fn render(&self) -> Cow<'_, str> {
        match self {
            Val::None => Cow::Borrowed("<NA>"),
            Val::Str(s) => Cow::Borrowed(s),
            Val::Num(n) => Cow::Owned(n.to_string()),
            Val::List(items) => Cow::Owned(format!("({})", items.join(","))),
            Val::Ranges(r) => Cow::Owned(format!(
                "({})",
                r.iter()
                    .map(crate::ingress::range_text)
                    .collect::<Vec<_>>()
                    .join(",")
            )),
        }
    }
}

/// The kind of value a field yields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Str,
    Num,
    List,
}

/// What a field name refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A member at a fixed path of object keys; objects render as compact JSON.
    Path(&'static [&'static str]),
    User,
    OriginalUser,
    AccountId,
    ShortSrc,
    /// `eventTime`, or Logstash's `@timestamp`.
    Time,
    Info,
    ManagementEvent,
    ReadOnly,
    Resources,
    SessionCredentialFromConsole,
    S3Uri,
    S3Bytes,
    S3BytesIn,
    S3BytesOut,
    S3CntGet,
    S3CntPut,
    S3CntOther,
    Ec2Name,
    Ec2ImageId,
    Ec2ImageIds,
    Ec2IngressWorldPorts,
    /// The family of the requested instance type (`p2` of `p2.xlarge`).
    Ec2InstanceFamily,
    /// The instance whose instance-profile credentials made the call (role session
    /// named `i-...`).
    Ec2CredsInstance,
    /// `true` when those credentials were used from an address that is not the
    /// instance's (snapshot) or not AWS's (published ranges); `false` when not.
    Ec2CredsOutside,
    JsonValue,
    JsonValues,
    EvtNum,
    EvtTime,
    EvtTimeIso,
    EvtTimeS,
    EvtDatetime,
    EvtRawTime,
    EvtSrc,
    EvtType,
    EvtPluginName,
}

#[derive(Debug)]
pub struct FieldDef {
    pub name: &'static str,
    pub source: Source,
    pub ty: FieldType,
    /// The field requires a `[argument]` (a JSON pointer).
    pub needs_arg: bool,
}

macro_rules! path {
    ($name:literal, $($seg:literal),+) => {
        FieldDef { name: $name, source: Source::Path(&[$($seg),+]), ty: FieldType::Str, needs_arg: false }
    };
}
macro_rules! special {
    ($name:literal, $src:ident, $ty:ident) => {
        FieldDef {
            name: $name,
            source: Source::$src,
            ty: FieldType::$ty,
            needs_arg: false,
        }
    };
}

pub static FIELDS: &[FieldDef] = &[
    path!("ct.id", "eventID"),
    path!("ct.error", "errorCode"),
    path!("ct.errormessage", "errorMessage"),
    special!("ct.time", Time, Str),
    path!("ct.src", "eventSource"),
    special!("ct.shortsrc", ShortSrc, Str),
    path!("ct.name", "eventName"),
    special!("ct.user", User, Str),
    special!("ct.user.accountid", AccountId, Str),
    path!("ct.user.identitytype", "userIdentity", "type"),
    path!("ct.user.principalid", "userIdentity", "principalId"),
    path!("ct.user.arn", "userIdentity", "arn"),
    special!("ct.originaluser", OriginalUser, Str),
    path!("ct.region", "awsRegion"),
    path!("ct.response.subnetid", "responseElements", "subnetId"),
    path!(
        "ct.response.reservationid",
        "responseElements",
        "reservationId"
    ),
    path!("ct.response", "responseElements"),
    path!(
        "ct.request.availabilityzone",
        "requestParameters",
        "availabilityZone"
    ),
    path!("ct.request.cluster", "requestParameters", "cluster"),
    path!(
        "ct.request.functionname",
        "requestParameters",
        "functionName"
    ),
    path!("ct.request.groupname", "requestParameters", "groupName"),
    path!("ct.request.host", "requestParameters", "Host"),
    path!("ct.request.name", "requestParameters", "name"),
    path!("ct.request.policy", "requestParameters", "policy"),
    path!(
        "ct.request.serialnumber",
        "requestParameters",
        "serialNumber"
    ),
    path!("ct.request.servicename", "requestParameters", "serviceName"),
    path!("ct.request.subnetid", "requestParameters", "subnetId"),
    path!(
        "ct.request.taskdefinition",
        "requestParameters",
        "taskDefinition"
    ),
    path!("ct.request.username", "requestParameters", "userName"),
    path!("ct.request", "requestParameters"),
    path!("ct.srcip", "sourceIPAddress"),
    path!("ct.useragent", "userAgent"),
    special!("ct.info", Info, Str),
    special!("ct.managementevent", ManagementEvent, Str),
    special!("ct.readonly", ReadOnly, Str),
    path!("ct.requestid", "requestID"),
    path!("ct.eventtype", "eventType"),
    path!("ct.apiversion", "apiVersion"),
    special!("ct.resources", Resources, Str),
    path!("ct.recipientaccountid", "recipientAccountId"),
    path!("ct.serviceeventdetails", "serviceEventDetails"),
    path!("ct.sharedeventid", "sharedEventID"),
    path!("ct.vpcendpointid", "vpcEndpointId"),
    path!("ct.eventcategory", "eventCategory"),
    path!("ct.addendum.reason", "addendum", "reason"),
    path!("ct.addendum.updatedfields", "addendum", "updatedFields"),
    path!(
        "ct.addendum.originalrequestid",
        "addendum",
        "originalRequestID"
    ),
    path!("ct.addendum.originaleventid", "addendum", "originalEventID"),
    special!(
        "ct.sessioncredentialfromconsole",
        SessionCredentialFromConsole,
        Str
    ),
    path!("ct.edgedevicedetails", "edgeDeviceDetails"),
    path!("ct.tlsdetails.tlsversion", "tlsDetails", "tlsVersion"),
    path!("ct.tlsdetails.ciphersuite", "tlsDetails", "cipherSuite"),
    path!(
        "ct.tlsdetails.clientprovidedhostheader",
        "tlsDetails",
        "clientProvidedHostHeader"
    ),
    path!("ct.additionaleventdata", "additionalEventData"),
    special!("s3.uri", S3Uri, Str),
    path!("s3.bucket", "requestParameters", "bucketName"),
    path!("s3.key", "requestParameters", "key"),
    special!("s3.bytes", S3Bytes, Num),
    special!("s3.bytes.in", S3BytesIn, Num),
    special!("s3.bytes.out", S3BytesOut, Num),
    special!("s3.cnt.get", S3CntGet, Num),
    special!("s3.cnt.put", S3CntPut, Num),
    special!("s3.cnt.other", S3CntOther, Num),
    special!("ec2.name", Ec2Name, Str),
    special!("ec2.imageid", Ec2ImageId, Str),
    special!("ec2.imageids", Ec2ImageIds, List),
    special!("ec2.ingress.world_ports", Ec2IngressWorldPorts, List),
    special!("ec2.instancefamily", Ec2InstanceFamily, Str),
    special!("ec2.creds.instance", Ec2CredsInstance, Str),
    special!("ec2.creds.outside", Ec2CredsOutside, Str),
    path!("ecr.repository", "requestParameters", "repositoryName"),
    path!("ecr.imagetag", "requestParameters", "imageTag"),
    path!("iam.role", "requestParameters", "roleName"),
    path!("iam.policy", "requestParameters", "policyName"),
    FieldDef {
        name: "json.value",
        source: Source::JsonValue,
        ty: FieldType::Str,
        needs_arg: true,
    },
    FieldDef {
        name: "json.values",
        source: Source::JsonValues,
        ty: FieldType::List,
        needs_arg: true,
    },
    special!("evt.num", EvtNum, Num),
    special!("evt.time", EvtTime, Str),
    special!("evt.time.iso8601", EvtTimeIso, Str),
    special!("evt.time.s", EvtTimeS, Str),
    special!("evt.datetime", EvtDatetime, Str),
    special!("evt.rawtime", EvtRawTime, Num),
    special!("evt.plugininfo", Info, Str),
    special!("evt.source", EvtSrc, Str),
    special!("evt.type", EvtType, Str),
    special!("evt.pluginname", EvtPluginName, Str),
];

pub fn lookup(name: &str) -> Option<&'static FieldDef> {
    FIELDS.iter().find(|f| f.name == name)
}

/// Per-event context the `evt.*` fields need.
pub struct Ctx<'e, 'a> {
    pub ev: &'e Event<'a>,
    pub num: u64,
    /// Where instance credentials may be used from (None: bundled AWS ranges only).
    pub origin: Option<&'e crate::origin::CredentialOrigin>,
}

/// Extracts a field; `ptr` is the pre-split JSON pointer for `json.value[s]`.
pub fn extract<'a>(ctx: &Ctx<'_, 'a>, src: Source, ptr: &[String]) -> Val<'a> {
    let ev = ctx.ev;
    let s = |v: Option<Cow<'a, str>>| v.map_or(Val::None, Val::Str);
    match src {
        Source::Path(p) => s(ev.path_text(p)),
        Source::User => s(user(ev)),
        Source::OriginalUser => s(original_user(ev)),
        Source::AccountId => s(ev
            .path_text(&["userIdentity", "accountId"])
            .or_else(|| ev.top_text("recipientAccountId"))),
        Source::Time => s(ev.time_text()),
        Source::ShortSrc => s(ev.top_text("eventSource").map(|v| match v {
            Cow::Borrowed(b) => Cow::Borrowed(b.strip_suffix(".amazonaws.com").unwrap_or(b)),
            Cow::Owned(o) => Cow::Owned(o.strip_suffix(".amazonaws.com").unwrap_or(&o).to_owned()),
        })),
        Source::Info => Val::Str(Cow::Owned(info(ev))),
        Source::ManagementEvent => s(bool_text(ev, "managementEvent")),
        Source::SessionCredentialFromConsole => s(bool_text(ev, "sessionCredentialFromConsole")),
        Source::ReadOnly => {
            s(read_only(ev).map(|b| Cow::Borrowed(if b { "true" } else { "false" })))
        }
        Source::Resources => s(resources(ev)),
        Source::S3Uri => match (
            ev.path_text(&["requestParameters", "bucketName"]),
            ev.path_text(&["requestParameters", "key"]),
        ) {
            (Some(b), Some(k)) => Val::Str(Cow::Owned(format!("s3://{b}/{k}"))),
            _ => Val::None,
        },
        Source::S3Bytes => {
            let (i, o) = (
                bytes(ev, "bytesTransferredIn"),
                bytes(ev, "bytesTransferredOut"),
            );
            if i.is_none() && o.is_none() {
                Val::None
            } else {
                Val::Num(i.unwrap_or(0) + o.unwrap_or(0))
            }
        }
        Source::S3BytesIn => bytes(ev, "bytesTransferredIn").map_or(Val::None, Val::Num),
        Source::S3BytesOut => bytes(ev, "bytesTransferredOut").map_or(Val::None, Val::Num),
        Source::S3CntGet => count_if(ev.top_text("eventName").as_deref() == Some("GetObject")),
        Source::S3CntPut => count_if(ev.top_text("eventName").as_deref() == Some("PutObject")),
        Source::S3CntOther => count_if(!matches!(
            ev.top_text("eventName").as_deref(),
            Some("GetObject") | Some("PutObject")
        )),
        Source::Ec2Name => s(ec2_name(ev)),
        Source::Ec2ImageId => s(ec2_image_id(ev)),
        Source::Ec2ImageIds => list(
            ev,
            &["requestParameters", "instancesSet", "items", "*", "imageId"],
        ),
        Source::Ec2IngressWorldPorts => Val::Ranges(crate::ingress::world_ports(ev)),
        Source::Ec2CredsInstance => s(creds_instance(ev)),
        Source::Ec2InstanceFamily => s(instance_family(ev)),
        Source::Ec2CredsOutside => {
            let outside = creds_instance(ev).and_then(|id| {
                let origin = ctx
                    .origin
                    .unwrap_or_else(|| crate::origin::default_origin());
                origin.outside(&id, &ev.top_text("sourceIPAddress")?)
            });
            outside.map_or(Val::None, |o| {
                Val::Str(Cow::Borrowed(if o { "true" } else { "false" }))
            })
        }
        Source::JsonValue => s(ev.pointer(ptr).and_then(event::text)),
        Source::JsonValues => {
            let mut raws = Vec::new();
            ev.pointer_all(ptr, &mut raws);
            Val::List(raws.into_iter().filter_map(event::text).collect())
        }
        Source::EvtNum => Val::Num(ctx.num),
        Source::EvtTime => time_field(ev, crate::time::clock),
        Source::EvtTimeIso => time_field(ev, crate::time::iso8601),
        Source::EvtTimeS => time_field(ev, |ns| (ns.div_euclid(1_000_000_000)).to_string()),
        Source::EvtDatetime => time_field(ev, crate::time::datetime),
        Source::EvtRawTime => event_ns(ev).map_or(Val::None, |ns| Val::Num(ns.max(0) as u64)),
        Source::EvtSrc => Val::Str(Cow::Borrowed(crate::SOURCE)),
        Source::EvtType => Val::Str(Cow::Borrowed("pluginevent")),
        Source::EvtPluginName => Val::Str(Cow::Borrowed("cloudtrail")),
    }
}

fn count_if(b: bool) -> Val<'static> {
    if b {
        Val::Num(1)
    } else {
        Val::None
    }
}

fn list<'a>(ev: &Event<'a>, ptr: &[&str]) -> Val<'a> {
    let mut raws = Vec::new();
    ev.pointer_all(ptr, &mut raws);
    Val::List(raws.into_iter().filter_map(event::text).collect())
}

/// The family of the instance type a RunInstances asked for (request, else the first
/// launched instance of the response, for launches from a launch template).
fn instance_family<'a>(ev: &Event<'a>) -> Option<Cow<'a, str>> {
    let ty = ev
        .path_text(&["requestParameters", "instanceType"])
        .or_else(|| {
            ev.pointer(&[
                "responseElements",
                "instancesSet",
                "items",
                "0",
                "instanceType",
            ])
            .and_then(event::text)
        })?;
    match ty {
        Cow::Borrowed(t) => Some(Cow::Borrowed(t.split('.').next().unwrap_or(t))),
        Cow::Owned(t) => Some(Cow::Owned(t.split('.').next().unwrap_or(&t).to_string())),
    }
}

/// The instance of an instance-profile session (`assumed-role/<role>/i-...`).
fn creds_instance<'a>(ev: &Event<'a>) -> Option<Cow<'a, str>> {
    let arn = ev.path_text(&["userIdentity", "arn"])?;
    match arn {
        Cow::Borrowed(a) => crate::origin::session_instance(a).map(Cow::Borrowed),
        Cow::Owned(a) => crate::origin::session_instance(&a).map(|s| Cow::Owned(s.to_string())),
    }
}

pub fn event_ns(ev: &Event<'_>) -> Option<i64> {
    crate::time::parse_rfc3339(&ev.time_text()?)
}

fn time_field<'a>(ev: &Event<'a>, f: impl Fn(i64) -> String) -> Val<'a> {
    event_ns(ev).map_or(Val::None, |ns| Val::Str(Cow::Owned(f(ns))))
}

/// The user as the cloudtrail plugin names it.
pub fn user<'a>(ev: &Event<'a>) -> Option<Cow<'a, str>> {
    let ty = ev.path_text(&["userIdentity", "type"])?;
    match ty.as_ref() {
        "Root" | "IAMUser" => ev.path_text(&["userIdentity", "userName"]),
        "AWSService" => ev.path_text(&["userIdentity", "invokedBy"]),
        "AssumedRole" => Some(
            ev.path_text(&[
                "userIdentity",
                "sessionContext",
                "sessionIssuer",
                "userName",
            ])
            .unwrap_or(Cow::Borrowed("AssumedRole")),
        ),
        "AWSAccount" => Some(Cow::Borrowed("AWSAccount")),
        "FederatedUser" => Some(Cow::Borrowed("FederatedUser")),
        _ => None,
    }
}

/// The person behind a role session: the source identity if set, else the role session
/// name (last part of an assumed-role ARN), else the user.
fn original_user<'a>(ev: &Event<'a>) -> Option<Cow<'a, str>> {
    if let Some(id) = ev.path_text(&["userIdentity", "sessionContext", "sourceIdentity"]) {
        return Some(id);
    }
    let arn = ev.path_text(&["userIdentity", "arn"]);
    if let Some(arn) = arn.as_deref() {
        if arn.contains(":assumed-role/") {
            if let Some(session) = arn.rsplit('/').next() {
                return Some(Cow::Owned(session.to_owned()));
            }
        }
    }
    user(ev)
}

fn bool_text<'a>(ev: &Event<'a>, key: &str) -> Option<Cow<'a, str>> {
    let raw = ev.top(key)?;
    Some(Cow::Borrowed(if raw == "true" { "true" } else { "false" }))
}

const WRITE_PREFIXES: &[&str] = &[
    "Start",
    "Stop",
    "Create",
    "Destroy",
    "Delete",
    "Add",
    "Remove",
    "Terminate",
    "Put",
    "Associate",
    "Disassociate",
    "Attach",
    "Detach",
    "Open",
    "Close",
    "Wipe",
    "Update",
    "Upgrade",
    "Unlink",
    "Assign",
    "Unassign",
    "Suspend",
    "Set",
    "Run",
    "Register",
    "Deregister",
    "Reboot",
    "Purchase",
    "Modify",
    "Initialize",
    "Enable",
    "Disable",
    "Cancel",
    "Admin",
    "Activate",
];

/// `readOnly` if present; otherwise the plugin's guess from the event name's verb.
pub fn read_only(ev: &Event<'_>) -> Option<bool> {
    if let Some(raw) = ev.top("readOnly") {
        return Some(raw == "true");
    }
    let name = ev.top_text("eventName")?;
    Some(!WRITE_PREFIXES.iter().any(|p| name.starts_with(p)))
}

fn resources<'a>(ev: &Event<'a>) -> Option<Cow<'a, str>> {
    let arr = event::array(ev.top("resources")?)?;
    if arr.is_empty() {
        return None;
    }
    let parts: Vec<_> = arr.iter().map(|r| crate::scan::minify(r)).collect();
    Some(Cow::Owned(parts.join(",")))
}

fn bytes(ev: &Event<'_>, key: &str) -> Option<u64> {
    let raw = ev.path(&["additionalEventData", key])?;
    let s = raw;
    Some(
        s.parse::<u64>()
            .ok()
            .or_else(|| s.parse::<f64>().ok().map(|f| f as u64))
            .unwrap_or(0),
    )
}

fn ec2_name<'a>(ev: &Event<'a>) -> Option<Cow<'a, str>> {
    let items = event::array(ev.path(&["requestParameters", "tagSpecificationSet", "items"])?)?;
    for item in items {
        let Some(obj) = event::object(item) else {
            continue;
        };
        if obj.get("resourceType").and_then(event::text).as_deref() != Some("instance") {
            continue;
        }
        let Some(tags) = obj.get("tags").and_then(event::array) else {
            continue;
        };
        for tag in tags {
            let Some(tag) = event::object(tag) else {
                continue;
            };
            if tag.get("key").and_then(event::text).as_deref() == Some("Name") {
                return tag
                    .get("value")
                    .and_then(event::text)
                    .filter(|v| !v.is_empty());
            }
        }
    }
    None
}

/// The image of the first launched instance (`responseElements.instancesSet`), else the
/// image requested.
fn ec2_image_id<'a>(ev: &Event<'a>) -> Option<Cow<'a, str>> {
    for base in ["responseElements", "requestParameters"] {
        let ptr = [base, "instancesSet", "items", "0", "imageId"];
        if let Some(v) = ev.pointer(&ptr).and_then(event::text) {
            if !v.is_empty() {
                return Some(v);
            }
        }
    }
    None
}

/// `ct.info`: "who via where →/← what" plus S3 details, as the plugin writes it.
fn info(ev: &Event<'_>) -> String {
    let Some(who) = user(ev) else {
        return "<invalid cloudtrail event: userIdentity field missing>".into();
    };
    let Some(ip) = ev.top_text("sourceIPAddress") else {
        return "<invalid cloudtrail event: eventSource field missing>".into();
    };
    let Some(name) = ev.top_text("eventName") else {
        return "<invalid cloudtrail event: eventName field missing>".into();
    };
    let err = if ev.top_text("errorCode").is_some() {
        "!"
    } else {
        ""
    };
    let rw = if read_only(ev) == Some(false) {
        "→"
    } else {
        "←"
    };
    let mut out = if who == ip {
        format!("{who} {err}{rw} {name}")
    } else {
        format!("{who} via {ip} {err}{rw} {name}")
    };
    let (b, k) = (
        ev.path_text(&["requestParameters", "bucketName"]),
        ev.path_text(&["requestParameters", "key"]),
    );
    let ctx = Ctx {
        ev,
        num: 0,
        origin: None,
    };
    if let Val::Num(n) = extract(&ctx, Source::S3Bytes, &[]) {
        out.push_str(&format!(" Size={n}"));
    }
    match (b, k) {
        (Some(b), Some(k)) => out.push_str(&format!(" URI=s3://{b}/{k}")),
        (Some(b), None) => out.push_str(&format!(" Bucket={b}")),
        (None, Some(k)) => out.push_str(&format!(" Key={k}")),
        (None, None) => {
            if let Some(h) = ev.path_text(&["requestParameters", "Host"]) {
                out.push_str(&format!(" Host={h}"));
            }
        }
    }
    out
}
