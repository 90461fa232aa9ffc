//! One CloudTrail record, as far as watching the network needs it.
use serde_json::Value;

use crate::json::{get, path, text};

/// Why a record cannot be read as an event.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EventError {
    /// The record is not an object.
    #[error("record is not a JSON object")]
    NotObject,
    /// A member every event has is missing.
    #[error("record has no `{0}`")]
    Missing(&'static str),
}

/// A CloudTrail record: who did what, when, with which parameters and result.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeEvent {
    /// `eventID`: what recognises a redelivery.
    pub event_id: String,
    /// `eventName`: the API call.
    pub event_name: String,
    /// `eventSource` (`ec2.amazonaws.com`).
    pub event_source: String,
    /// `eventTime` as CloudTrail writes it (`2026-12-07T10:42:07Z`).
    pub time: String,
    /// `userIdentity.arn`, else the principal, else the identity type.
    pub actor: String,
    /// `awsRegion`.
    pub region: Option<String>,
    /// `recipientAccountId`, else the caller's account.
    pub account: Option<String>,
    /// `errorCode`: a failed call changed nothing.
    pub error_code: Option<String>,
    /// `requestParameters`.
    pub request: Value,
    /// `responseElements`.
    pub response: Value,
}

impl ChangeEvent {
    /// Reads one record.
    pub fn from_record(record: &Value) -> Result<Self, EventError> {
        if !record.is_object() {
            return Err(EventError::NotObject);
        }
        let must = |key: &'static str| text(record, key).ok_or(EventError::Missing(key));
        let identity = get(record, "userIdentity");
        let actor = identity
            .and_then(|i| text(i, "arn").or_else(|| text(i, "principalId")))
            .or_else(|| identity.and_then(|i| text(i, "type")))
            .unwrap_or_else(|| "unknown principal".to_string());
        Ok(ChangeEvent {
            event_id: text(record, "eventID").unwrap_or_default(),
            event_name: must("eventName")?,
            event_source: text(record, "eventSource").unwrap_or_default(),
            time: must("eventTime")?,
            actor,
            region: text(record, "awsRegion"),
            account: text(record, "recipientAccountId")
                .or_else(|| identity.and_then(|i| text(i, "accountId"))),
            error_code: text(record, "errorCode"),
            request: get(record, "requestParameters")
                .cloned()
                .unwrap_or(Value::Null),
            response: get(record, "responseElements")
                .cloned()
                .unwrap_or(Value::Null),
        })
    }

    /// The event as a CloudTrail record again (the fields watching reads), for the
    /// journal a live watcher rebuilds its model from.
    pub fn to_record(&self) -> Value {
        let mut r = serde_json::json!({
            "eventID": self.event_id,
            "eventName": self.event_name,
            "eventSource": self.event_source,
            "eventTime": self.time,
            "userIdentity": {"arn": self.actor},
            "requestParameters": self.request,
            "responseElements": self.response,
        });
        for (key, v) in [
            ("awsRegion", &self.region),
            ("recipientAccountId", &self.account),
            ("errorCode", &self.error_code),
        ] {
            if let Some(v) = v {
                r[key] = Value::String(v.clone());
            }
        }
        r
    }

    /// A request parameter by path.
    pub fn req(&self, keys: &[&str]) -> Option<&Value> {
        path(&self.request, keys)
    }

    /// A request parameter's text.
    pub fn req_text(&self, key: &str) -> Option<String> {
        text(&self.request, key)
    }

    /// A response element's text.
    pub fn resp_text(&self, key: &str) -> Option<String> {
        text(&self.response, key)
    }
}

/// The time of day of a CloudTrail timestamp for alert lines (`10:42:07`), or the whole
/// text when it has another shape.
pub fn clock(time: &str) -> &str {
    time.split_once('T')
        .map(|(_, t)| t.trim_end_matches('Z'))
        .map(|t| t.split('.').next().unwrap_or(t))
        .unwrap_or(time)
}
