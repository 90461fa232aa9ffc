//! OCSF 1.1.0: configuration findings as Compliance Findings (class_uid 2003), every other
//! finding as a Detection Finding (class_uid 2004). A JSON array of events.
//!
//! Always written: the base event's required `activity_id`, `category_uid`, `class_uid`,
//! `type_uid`, `severity_id`, `time`, `metadata` (`version`, `product.vendor_name`), the
//! finding's required `finding_info.uid`, and for Compliance Findings `compliance.standards`.
use std::io::Write;

use kensa_model::{Finding, FindingStatus, Package, Severity};
use serde_json::{json, Value};

use crate::report::Report;
use crate::time::{created_updated, epoch_millis};

/// OCSF class uid of Detection Finding (reachability, vulnerabilities).
pub const DETECTION_FINDING: u32 = 2004;
/// OCSF class uid of Compliance Finding (configuration controls).
pub const COMPLIANCE_FINDING: u32 = 2003;
const FINDINGS_CATEGORY: u32 = 2;
const ACTIVITY_CREATE: u32 = 1;
/// The OCSF schema version the events follow.
pub const SCHEMA_VERSION: &str = "1.1.0";

/// Required top-level attributes of both classes (base event + finding).
pub const REQUIRED: [&str; 8] = [
    "activity_id",
    "category_uid",
    "class_uid",
    "type_uid",
    "severity_id",
    "time",
    "metadata",
    "finding_info",
];

pub(crate) fn render(report: &Report, out: &mut dyn Write) -> Result<(), serde_json::Error> {
    let events: Vec<Value> = report.findings.iter().map(event).collect();
    serde_json::to_writer_pretty(&mut *out, &events)?;
    writeln!(out).map_err(serde_json::Error::io)
}

/// One finding as an OCSF event.
pub fn event(f: &Finding) -> Value {
    let compliance = f.package == Package::Config;
    let class_uid = if compliance {
        COMPLIANCE_FINDING
    } else {
        DETECTION_FINDING
    };
    let (created, updated) = created_updated(f);
    let (status_id, status) = match f.status {
        FindingStatus::Active => (1, "New"),
        FindingStatus::Suppressed => (3, "Suppressed"),
        FindingStatus::Resolved => (4, "Resolved"),
    };
    let mut resource = json!({
        "uid": f.resource.arn.clone().unwrap_or_else(|| f.resource.id.clone()),
        "name": f.resource.id,
        "type": f.resource.resource_type,
        "cloud_partition": "aws",
    });
    if !f.resource.region.is_empty() {
        resource["region"] = json!(f.resource.region);
    }
    if !f.resource.account.is_empty() {
        resource["owner"] =
            json!({"account": {"uid": f.resource.account, "type": "AWS Account", "type_id": 10}});
    }
    if !f.resource.tags.is_empty() {
        let tags: Vec<Value> = f
            .resource
            .tags
            .iter()
            .map(|(k, v)| json!({"name": k, "value": v}))
            .collect();
        resource["tags"] = json!(tags);
    }
    let mut ev = json!({
        "activity_id": ACTIVITY_CREATE,
        "activity_name": "Create",
        "category_uid": FINDINGS_CATEGORY,
        "category_name": "Findings",
        "class_uid": class_uid,
        "class_name": if compliance { "Compliance Finding" } else { "Detection Finding" },
        "type_uid": class_uid * 100 + ACTIVITY_CREATE,
        "severity_id": severity_id(f.severity),
        "severity": f.severity.as_str(),
        "status_id": status_id,
        "status": status,
        "time": epoch_millis(updated),
        "message": f.title,
        "metadata": {
            "version": SCHEMA_VERSION,
            "product": {"name": "kensa", "vendor_name": "kensa", "version": env!("CARGO_PKG_VERSION")},
            "log_name": f.package.as_str(),
        },
        "finding_info": {
            "uid": f.id,
            "title": f.title,
            "desc": f.description,
            "types": [f.package.as_str()],
            "analytic": {"uid": f.rule_id, "name": f.rule_id, "type_id": 1, "type": "Rule"},
            "created_time": epoch_millis(created),
            "modified_time": epoch_millis(updated),
        },
        "resources": [resource],
        "unmapped": f.attributes,
    });
    if !f.recommendation.is_empty() {
        ev["remediation"] = json!({"desc": f.recommendation, "references": f.references});
    }
    if compliance {
        let standards: Vec<&str> = f.compliance.iter().map(|c| c.framework.as_str()).collect();
        let standards = if standards.is_empty() {
            vec!["kensa"]
        } else {
            standards
        };
        ev["compliance"] = json!({
            "standards": standards,
            "control": f.compliance.first().map_or(f.rule_id.as_str(), |c| c.control.as_str()),
            "requirements": f.compliance.iter().map(|c| format!("{}/{}", c.framework, c.control)).collect::<Vec<_>>(),
            "status_id": 3,
            "status": "Fail",
        });
    } else {
        ev["is_alert"] = json!(f.status == FindingStatus::Active);
    }
    ev
}

fn severity_id(s: Severity) -> u8 {
    match s {
        Severity::Informational => 1,
        Severity::Low => 2,
        Severity::Medium => 3,
        Severity::High => 4,
        Severity::Critical => 5,
    }
}
