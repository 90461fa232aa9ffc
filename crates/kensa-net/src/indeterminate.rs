//! `IndeterminateExposure` findings (kensa's own rule type, Medium): traffic that the
//! parts kensa evaluates (security groups, network ACLs, routes) let through towards an
//! ENI, but that passes a component kensa does not evaluate (a Gateway Load Balancer or
//! Network Firewall endpoint, an unknown route target) or depends on one the snapshot
//! does not hold (a missing security group). Neither confirmed nor ruled out: a person
//! must look. Never silently dropped, never reported as safe.
use std::collections::BTreeMap;

use kensa_model::{finding_id, Finding, Package, Severity};

use crate::engine::{Analysis, EniReach, IndeterminateExposure};
use crate::findings::{compact_sources, describe_flows, resource};
use crate::flow::all_sources;

/// Rule id of a finding for exposure kensa can neither confirm nor rule out.
pub const RULE_INDETERMINATE: &str = "IndeterminateExposure";

/// One finding per ENI and unevaluated component.
pub fn indeterminate_findings(analysis: &Analysis, out: &mut Vec<Finding>) {
    for r in &analysis.enis {
        for x in r.indeterminate.iter() {
            out.push(finding(analysis, r, x));
        }
    }
}

pub(crate) fn finding(analysis: &Analysis, r: &EniReach, x: &IndeterminateExposure) -> Finding {
    let u = &x.unevaluated;
    let eni = &analysis.engine.idx.enis[r.eni_index];
    let res = resource(analysis, eni);
    let open: Vec<String> = describe_flows(&x.flows)
        .into_iter()
        .map(|(p, ports)| format!("{p} {ports}"))
        .collect();
    let (sources, except) = compact_sources(&all_sources(&x.flows));
    let mut attrs = BTreeMap::new();
    attrs.insert("COMPONENT".to_string(), u.component.clone());
    attrs.insert("COMPONENT_TYPE".to_string(), u.component_type.to_string());
    attrs.insert("EXPLANATION_CODE".to_string(), u.code.to_string());
    attrs.insert("ENI".to_string(), r.eni.clone());
    attrs.insert("SUBNET".to_string(), r.subnet_id.clone());
    attrs.insert("VPC".to_string(), r.vpc_id.clone());
    attrs.insert("SECURITY_GROUP".to_string(), r.groups.join(","));
    attrs.insert("OPEN_PORT_RANGES".to_string(), open.join("; "));
    attrs.insert("SOURCE_CIDRS".to_string(), sources.join(","));
    if !except.is_empty() {
        attrs.insert("EXCEPT_CIDRS".to_string(), except.join(","));
    }
    Finding {
        id: finding_id(RULE_INDETERMINATE, &r.eni, &[&u.component]),
        package: Package::NetworkReachability,
        rule_id: RULE_INDETERMINATE.into(),
        title: format!(
            "{} (ENI {}): reachability through {} cannot be determined",
            res.id, r.eni, u.component
        ),
        severity: Severity::Medium,
        description: format!(
            "{}. The security groups and network ACL of ENI {} let {} through from {}{}; whether it arrives depends on {}.",
            u.reason,
            r.eni,
            open.join("; "),
            short(&sources),
            if except.is_empty() { String::new() } else { format!(" except {}", short(&except)) },
            u.component
        ),
        recommendation: format!(
            "Check what {} lets through (appliance or firewall rules, or the missing resource), or collect it into the snapshot; narrow the security groups of {} if the exposure is not intended.",
            u.component, r.eni
        ),
        resource: res,
        attributes: attrs,
        evidence: None,
        compliance: Vec::new(),
        references: vec![
            "https://docs.aws.amazon.com/vpc/latest/reachability/explanation-codes.html".into(),
        ],
        first_seen: None,
        last_seen: None,
        status: Default::default(),
    }
}

fn short(cidrs: &[String]) -> String {
    match cidrs.len() {
        0..=4 => cidrs.join(", "),
        n => format!("{}, ... ({} more)", cidrs[..4].join(", "), n - 4),
    }
}
