//! AWS Security Finding Format (ASFF), `SchemaVersion` 2018-10-08: a JSON array that
//! `aws securityhub batch-import-findings --findings file://...` accepts.
//!
//! Every field ASFF requires is always written: `SchemaVersion`, `Id`, `ProductArn`,
//! `GeneratorId`, `AwsAccountId`, `Types`, `CreatedAt`, `UpdatedAt`, `Severity.Label`,
//! `Title`, `Description`, `Resources[].Type`, `Resources[].Id`.
use std::io::Write;

use kensa_model::{Finding, FindingStatus, Package, Severity};
use serde_json::{json, Map, Value};

use crate::report::Report;
use crate::time::created_updated;

/// The fields ASFF requires of a finding (used by the tests to check every output).
pub const REQUIRED: [&str; 12] = [
    "SchemaVersion",
    "Id",
    "ProductArn",
    "GeneratorId",
    "AwsAccountId",
    "Types",
    "CreatedAt",
    "UpdatedAt",
    "Severity",
    "Title",
    "Description",
    "Resources",
];

/// ASFF needs a 12-digit account and a region even when the snapshot did not say.
const UNKNOWN_ACCOUNT: &str = "000000000000";
const DEFAULT_REGION: &str = "us-east-1";

pub(crate) fn render(report: &Report, out: &mut dyn Write) -> Result<(), serde_json::Error> {
    let findings: Vec<Value> = report.findings.iter().map(finding).collect();
    serde_json::to_writer_pretty(&mut *out, &findings)?;
    writeln!(out).map_err(serde_json::Error::io)
}

/// One finding in ASFF.
pub fn finding(f: &Finding) -> Value {
    let account = Some(f.resource.account.as_str())
        .filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or(UNKNOWN_ACCOUNT);
    let region = Some(f.resource.region.as_str())
        .filter(|r| !r.is_empty())
        .unwrap_or(DEFAULT_REGION);
    let (created, updated) = created_updated(f);
    let types = vec![finding_type(f.package)];
    let label = label(f.severity);
    let mut product_fields = Map::new();
    product_fields.insert("kensa/RuleId".into(), json!(f.rule_id));
    product_fields.insert("kensa/Package".into(), json!(f.package.as_str()));
    for (k, v) in &f.attributes {
        product_fields.insert(format!("kensa/{k}"), json!(truncate(v, 2048)));
    }
    let mut resource = json!({
        "Type": f.resource.resource_type,
        "Id": f.resource.arn.clone().unwrap_or_else(|| f.resource.id.clone()),
        "Partition": "aws",
        "Region": region,
    });
    if !f.resource.tags.is_empty() {
        resource["Tags"] = json!(f.resource.tags);
    }
    let mut doc = json!({
        "SchemaVersion": "2018-10-08",
        "Id": format!("{region}/{account}/kensa/{}", f.id),
        "ProductArn": format!("arn:aws:securityhub:{region}:{account}:product/{account}/default"),
        "ProductName": "kensa",
        "CompanyName": "kensa",
        "GeneratorId": format!("kensa/{}", f.rule_id),
        "AwsAccountId": account,
        "Types": types,
        "CreatedAt": created,
        "UpdatedAt": updated,
        "Severity": {"Label": label, "Original": f.severity.as_str()},
        "Title": truncate(&f.title, 256),
        "Description": truncate(if f.description.is_empty() { &f.title } else { &f.description }, 1024),
        "Resources": [resource],
        "ProductFields": product_fields,
        "RecordState": if f.status == FindingStatus::Resolved { "ARCHIVED" } else { "ACTIVE" },
        "Workflow": {"Status": workflow(f.status)},
        "FindingProviderFields": {"Severity": {"Label": label, "Original": f.severity.as_str()}, "Types": types},
    });
    if !f.recommendation.is_empty() {
        let mut rec = json!({"Text": truncate(&f.recommendation, 512)});
        if let Some(url) = f.references.first() {
            rec["Url"] = json!(url);
        }
        doc["Remediation"] = json!({"Recommendation": rec});
    }
    if !f.compliance.is_empty() {
        let related: Vec<String> = f
            .compliance
            .iter()
            .map(|c| format!("{}/{}", c.framework, c.control))
            .collect();
        doc["Compliance"] = json!({
            "Status": if f.status == FindingStatus::Resolved { "PASSED" } else { "FAILED" },
            "RelatedRequirements": related,
            "SecurityControlId": f.compliance[0].control,
        });
    }
    doc
}

fn label(s: Severity) -> &'static str {
    match s {
        Severity::Informational => "INFORMATIONAL",
        Severity::Low => "LOW",
        Severity::Medium => "MEDIUM",
        Severity::High => "HIGH",
        Severity::Critical => "CRITICAL",
    }
}

fn workflow(s: FindingStatus) -> &'static str {
    match s {
        FindingStatus::Active => "NEW",
        FindingStatus::Suppressed => "SUPPRESSED",
        FindingStatus::Resolved => "RESOLVED",
    }
}

/// ASFF `Types` are `namespace/category/classifier` paths from its taxonomy.
fn finding_type(p: Package) -> &'static str {
    match p {
        Package::NetworkReachability => "Software and Configuration Checks/AWS Security Best Practices/Network Reachability",
        Package::Config | Package::SecurityBestPractices => "Software and Configuration Checks/AWS Security Best Practices",
        Package::Cve => "Software and Configuration Checks/Vulnerabilities/CVE",
        Package::CisOs => "Software and Configuration Checks/Industry and Regulatory Standards/CIS Host Hardening Benchmarks",
        Package::RuntimeBehavior => "Unusual Behaviors/Process",
        Package::Cloudtrail => "Unusual Behaviors/User",
    }
}

fn truncate(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        return s.to_string();
    }
    let mut t: String = s.chars().take(max_chars - 1).collect();
    t.push('…');
    t
}
