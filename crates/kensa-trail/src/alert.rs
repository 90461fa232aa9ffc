//! What the engine produces: alerts, input errors and counters.

use serde::{Deserialize, Serialize};

use crate::event;
use crate::fields::{self, Ctx};
use crate::rules::{Priority, Rule};

/// A resource named in the record's `resources` list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertResource {
    /// The resource's `ARN`, when the record gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// The resource's `type` (`AWS::EC2::Instance`, ...).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    /// The account that owns the resource (`accountId`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
}

/// A rule matched an event: who, what, when, where, and the rendered output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    /// The name of the rule that matched.
    pub rule: String,
    /// The rule's priority (Falco's levels, `EMERGENCY` to `DEBUG`).
    pub priority: Priority,
    /// The rule's tags (MITRE ATT&CK technique ids, `aws`, ...).
    pub tags: Vec<String>,
    /// The rule source, `aws_cloudtrail`.
    pub source: String,
    /// The rule's output with fields filled in (`<NA>` for missing ones).
    pub output: String,
    /// `eventTime` as recorded (Logstash's `@timestamp` for its exports).
    pub time: Option<String>,
    /// `eventID`: CloudTrail's unique id of the record, for finding it again.
    pub event_id: Option<String>,
    /// `eventName`, the API call (`AuthorizeSecurityGroupIngress`).
    pub event_name: Option<String>,
    /// `eventSource`, the service endpoint called (`ec2.amazonaws.com`).
    pub event_source: Option<String>,
    /// `awsRegion` the call was made to.
    pub aws_region: Option<String>,
    /// The account the event belongs to (`recipientAccountId`, else the caller's).
    pub account_id: Option<String>,
    /// The caller as Falco's `ct.user` names it.
    pub user: Option<String>,
    /// `userIdentity.arn` of the caller.
    pub user_arn: Option<String>,
    /// `userIdentity.type` (`IAMUser`, `AssumedRole`, `Root`, ...).
    pub user_type: Option<String>,
    /// `sourceIPAddress`: the caller's address, or the AWS service that called on its behalf.
    pub src_ip: Option<String>,
    /// `userAgent` of the caller (CLI, SDK, console).
    pub user_agent: Option<String>,
    /// The record's `resources` list, when CloudTrail gives one.
    pub resources: Vec<AlertResource>,
    /// `requestParameters` as compact JSON.
    pub request: Option<String>,
    /// Where the event came from (file path, S3 URI, queue), as given by the caller.
    pub origin: String,
}

impl Alert {
    pub(crate) fn new(rule: &Rule, ctx: &Ctx<'_, '_>, origin: &str) -> Alert {
        let ev = ctx.ev;
        let top = |k: &str| ev.top_text(k).map(|c| c.into_owned());
        let path = |p: &[&str]| ev.path_text(p).map(|c| c.into_owned());
        Alert {
            rule: rule.name.clone(),
            priority: rule.priority,
            tags: rule.tags.clone(),
            source: rule.source.clone(),
            output: rule.output.render(ctx),
            time: ev.time_text().map(|c| c.into_owned()),
            event_id: top("eventID"),
            event_name: top("eventName"),
            event_source: top("eventSource"),
            aws_region: top("awsRegion"),
            account_id: top("recipientAccountId").or_else(|| path(&["userIdentity", "accountId"])),
            user: fields::user(ev).map(|c| c.into_owned()),
            user_arn: path(&["userIdentity", "arn"]),
            user_type: path(&["userIdentity", "type"]),
            src_ip: top("sourceIPAddress"),
            user_agent: top("userAgent"),
            resources: resources(ctx),
            request: top("requestParameters"),
            origin: origin.to_string(),
        }
    }

    /// Falco's text line: `<time>: <Priority> <output>`.
    pub fn text_line(&self) -> String {
        kensa_report::stream::Record::text_line(self)
    }
}

impl kensa_report::stream::Record for Alert {
    /// Falco's text line: `<time>: <Priority> <output>`.
    fn text_line(&self) -> String {
        let time = self
            .time
            .as_deref()
            .and_then(crate::time::parse_rfc3339)
            .map_or_else(|| "<NA>".to_string(), crate::time::iso8601);
        format!("{time}: {} {}", self.priority, self.output)
    }

    /// `<PRIORITY> <rule>`, the SNS subject.
    fn subject(&self) -> String {
        format!("{} {}", self.priority, self.rule)
    }
}

fn resources(ctx: &Ctx<'_, '_>) -> Vec<AlertResource> {
    let Some(arr) = ctx.ev.top("resources").and_then(event::array) else {
        return Vec::new();
    };
    arr.iter()
        .filter_map(|r| event::object(r))
        .map(|o| {
            let get = |k: &str| o.get(k).and_then(event::text).map(|c| c.into_owned());
            AlertResource {
                arn: get("ARN"),
                resource_type: get("type"),
                account_id: get("accountId"),
            }
        })
        .collect()
}

/// Input that could not be evaluated, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputError {
    /// The input (file path, S3 URI), as given by the caller.
    pub origin: String,
    /// `record N (byte B)`, `byte B`, ...
    pub location: String,
    /// What is wrong with it, and what was done (`record skipped`, ...).
    pub message: String,
}

impl InputError {
    /// An error in the input `origin` at `location`.
    pub fn new(origin: &str, location: String, message: String) -> InputError {
        InputError {
            origin: origin.to_string(),
            location,
            message,
        }
    }
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}: {}", self.origin, self.location, self.message)
    }
}

/// Counters for one or more inputs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Records evaluated.
    pub events: u64,
    /// Alerts raised.
    pub alerts: u64,
    /// Input errors (records or files that could not be evaluated).
    pub errors: u64,
    /// CloudTrail digest files recognised and skipped (they hold no events).
    pub digests: u64,
    /// JSON bytes read (after decompression).
    pub bytes: u64,
}

impl std::ops::AddAssign for Stats {
    fn add_assign(&mut self, o: Stats) {
        self.events += o.events;
        self.alerts += o.alerts;
        self.errors += o.errors;
        self.digests += o.digests;
        self.bytes += o.bytes;
    }
}
