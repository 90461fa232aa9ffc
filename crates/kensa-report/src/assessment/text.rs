//! The words both renderers print, so the HTML and the PDF say the same things.
use std::fmt;
use std::str::FromStr;

use kensa_model::{Finding, FindingStatus};

use super::digest::{Digest, FindingGroup};
use super::input::{AssessmentReport, InstanceInfo};

/// Inspector Classic's two report types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReportType {
    /// Summary, findings with every affected resource, instances, exclusions.
    #[default]
    Findings,
    /// The same, plus the rules that passed on every resource.
    Full,
}

impl ReportType {
    /// The name `--type` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportType::Findings => "findings",
            ReportType::Full => "full",
        }
    }
}

impl fmt::Display for ReportType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ReportType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "findings" => Ok(ReportType::Findings),
            "full" => Ok(ReportType::Full),
            other => Err(format!(
                "unknown report type `{other}` (expected findings or full)"
            )),
        }
    }
}

pub(crate) fn document_title(r: &AssessmentReport, kind: ReportType) -> String {
    let run = if r.run.name.is_empty() {
        &r.run.id
    } else {
        &r.run.name
    };
    let kind = match kind {
        ReportType::Findings => "Findings report",
        ReportType::Full => "Full report",
    };
    format!("{kind}: {run}")
}

/// The executive summary's key facts, in order.
pub(crate) fn facts(r: &AssessmentReport, d: &Digest<'_>) -> Vec<(String, String)> {
    let mut out = vec![
        (
            "Run".to_string(),
            format!("{} ({})", r.run.id, or_dash(&r.run.state)),
        ),
        ("Template".to_string(), r.template.name.clone()),
        (
            "Target".to_string(),
            if r.target.description.is_empty() {
                r.target.name.clone()
            } else {
                format!("{}: {}", r.target.name, r.target.description)
            },
        ),
        (
            "Packages".to_string(),
            d.packages
                .iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        ),
    ];
    if let Some(f) = &r.template.framework {
        out.push(("Framework".into(), f.clone()));
    }
    let scopes: Vec<String> = r
        .target
        .scopes
        .iter()
        .map(|s| format!("{} / {}", s.account, s.region))
        .collect();
    out.push((
        "Accounts / regions".into(),
        or_dash(&scopes.join(", ")).to_string(),
    ));
    out.push((
        "Started".into(),
        or_dash(r.run.started_at.as_deref().unwrap_or("")).to_string(),
    ));
    out.push((
        "Completed".into(),
        or_dash(r.run.completed_at.as_deref().unwrap_or("")).to_string(),
    ));
    out.push(("Instances evaluated".into(), d.instances.len().to_string()));
    out.push((
        "Findings".into(),
        format!(
            "{} active, {} suppressed, {} resolved; {} rules",
            d.active,
            d.suppressed,
            d.resolved,
            d.groups.len()
        ),
    ));
    if d.other_resources > 0 {
        out.push((
            "Other resources with findings".into(),
            d.other_resources.to_string(),
        ));
    }
    out.push(("Exclusions".into(), r.exclusions.len().to_string()));
    if !r.template.user_attributes.is_empty() {
        let attrs: Vec<String> = r
            .template
            .user_attributes
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        out.push(("User attributes".into(), attrs.join(", ")));
    }
    out
}

fn or_dash(s: &str) -> &str {
    if s.is_empty() {
        "-"
    } else {
        s
    }
}

/// `fsbp EC2.19, cis-aws-3.0 5.2` for a group whose findings map to controls.
pub(crate) fn compliance_line(g: &FindingGroup<'_>) -> Option<String> {
    let first = g.findings.first()?;
    if first.compliance.is_empty() {
        return None;
    }
    let items: Vec<String> = first
        .compliance
        .iter()
        .map(|c| format!("{} {}", c.framework, c.control))
        .collect();
    Some(items.join(", "))
}

/// A finding's attributes worth showing next to its resource. Left out: the template's
/// user attributes (the summary lists them once), the rule type (the group says it), and
/// when the path is drawn, the attributes the drawing already shows.
pub(crate) fn attributes<'f>(
    r: &AssessmentReport,
    f: &'f Finding,
    drawn: bool,
) -> Vec<(&'f str, &'f str)> {
    let drawn_ids = if drawn {
        super::netpath::component_ids(f)
    } else {
        Vec::new()
    };
    f.attributes
        .iter()
        .filter(|(k, v)| r.template.user_attributes.get(*k) != Some(*v))
        .filter(|(k, _)| k.as_str() != "RULE_TYPE" && !(drawn && k.as_str() == "REACHABILITY_PATH"))
        .filter(|(_, v)| {
            !(drawn
                && v.split(',')
                    .all(|id| drawn_ids.iter().any(|d| d == id.trim())))
        })
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

pub(crate) fn status(s: FindingStatus) -> &'static str {
    match s {
        FindingStatus::Active => "active",
        FindingStatus::Suppressed => "suppressed",
        FindingStatus::Resolved => "resolved",
    }
}

pub(crate) fn instance_heading(i: &InstanceInfo) -> String {
    if i.name.is_empty() {
        i.id.clone()
    } else {
        format!("{} ({})", i.name, i.id)
    }
}

pub(crate) fn instance_facts(i: &InstanceInfo) -> String {
    let mut parts = vec![format!("{} / {}", or_dash(&i.account), or_dash(&i.region))];
    if !i.platform.is_empty() {
        parts.push(i.platform.clone());
    }
    if !i.state.is_empty() {
        parts.push(i.state.clone());
    }
    if let Some(ip) = &i.private_ip {
        parts.push(format!("private {ip}"));
    }
    if let Some(ip) = &i.public_ip {
        parts.push(format!("public {ip}"));
    }
    parts.join(" · ")
}
