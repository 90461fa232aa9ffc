//! SARIF 2.1.0 (OASIS). Cloud resources have no source file, so each result carries a
//! logical location (the resource id and ARN) and a stable partial fingerprint (the
//! finding id) so code-scanning dashboards track a finding across runs.
use std::collections::BTreeMap;
use std::io::Write;

use kensa_model::{Finding, FindingStatus, Severity};
use serde_json::{json, Value};

use crate::report::Report;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/kensa-sec/kensa";

pub(crate) fn render(report: &Report, out: &mut dyn Write) -> Result<(), serde_json::Error> {
    serde_json::to_writer_pretty(&mut *out, &document(report))?;
    writeln!(out).map_err(serde_json::Error::io)
}

pub(crate) fn document(report: &Report) -> Value {
    // One rule entry per rule id, described by its first (most severe) finding.
    let mut rules: BTreeMap<&str, &Finding> = BTreeMap::new();
    for f in &report.findings {
        rules
            .entry(f.rule_id.as_str())
            .and_modify(|seen| {
                if f.severity > seen.severity {
                    *seen = f;
                }
            })
            .or_insert(f);
    }
    let rule_index: BTreeMap<&str, usize> =
        rules.keys().enumerate().map(|(i, id)| (*id, i)).collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| result(f, rule_index[f.rule_id.as_str()]))
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "kensa",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": rules.values().map(|f| rule(f)).collect::<Vec<_>>(),
            }},
            "results": results,
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": report.warnings.iter().map(|w| json!({
                    "level": "warning",
                    "message": {"text": w.to_string()},
                })).collect::<Vec<_>>(),
            }],
        }],
    })
}

fn rule(f: &Finding) -> Value {
    json!({
        "id": f.rule_id,
        "shortDescription": {"text": f.title},
        "fullDescription": {"text": f.description},
        "help": {"text": f.recommendation},
        "defaultConfiguration": {"level": level(f.severity)},
        "properties": {
            "security-severity": security_severity(f.severity),
            "tags": ["security", f.package.as_str()],
        },
    })
}

fn result(f: &Finding, rule_index: usize) -> Value {
    let mut location = json!({"name": f.resource.id, "kind": "resource"});
    if let Some(arn) = &f.resource.arn {
        location["fullyQualifiedName"] = json!(arn);
    }
    let mut result = json!({
        "ruleId": f.rule_id,
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": {"text": format!("{}: {}", f.resource.id, f.title)},
        "locations": [{"logicalLocations": [location]}],
        "partialFingerprints": {"kensaFindingId/v1": f.id},
        "properties": {
            "severity": f.severity.as_str(),
            "package": f.package.as_str(),
            "resourceType": f.resource.resource_type,
            "account": f.resource.account,
            "region": f.resource.region,
            "attributes": f.attributes,
        },
    });
    if f.status == FindingStatus::Suppressed {
        result["suppressions"] = json!([{"kind": "external"}]);
    }
    result
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Informational => "note",
    }
}

/// GitHub's `security-severity` scale (0.0–10.0).
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Informational => "0.0",
    }
}
