//! The derived view both renderers draw: counts, findings grouped by rule with every
//! affected resource, and per-instance sections. Computed once so HTML and PDF agree.
use std::collections::{BTreeMap, BTreeSet};

use kensa_model::{Finding, FindingStatus, IdKind, Package, ResourceType, Severity};

use super::input::{AssessmentReport, InstanceInfo};

/// One rule's finding as a report lists it: the shared text, then every resource.
pub(crate) struct FindingGroup<'a> {
    pub severity: Severity,
    pub package: Package,
    pub rule_id: &'a str,
    pub title: &'a str,
    /// The description when every affected resource shares it.
    pub shared_description: Option<&'a str>,
    pub recommendation: &'a str,
    pub findings: Vec<&'a Finding>,
    /// Anchor / bookmark id (`f3`).
    pub anchor: String,
}

/// One instance (or other resource) with the findings that name it.
pub(crate) struct ResourceSection<'a> {
    pub instance: InstanceInfo,
    /// `(group index, finding)`, most severe first.
    pub findings: Vec<(usize, &'a Finding)>,
}

pub(crate) struct Digest<'a> {
    pub groups: Vec<FindingGroup<'a>>,
    /// Active findings per package and severity.
    pub counts: BTreeMap<(Package, Severity), usize>,
    /// Template packages, then any other package a finding came from.
    pub packages: Vec<Package>,
    pub instances: Vec<ResourceSection<'a>>,
    /// Findings about resources that are not instances (groups, volumes, the account).
    pub other_resources: usize,
    pub active: usize,
    pub suppressed: usize,
    pub resolved: usize,
}

impl<'a> Digest<'a> {
    pub fn new(report: &'a AssessmentReport) -> Self {
        let groups = group(&report.findings);
        let mut counts = BTreeMap::new();
        let (mut active, mut suppressed, mut resolved) = (0, 0, 0);
        for f in &report.findings {
            match f.status {
                FindingStatus::Active => {
                    active += 1;
                    *counts.entry((f.package, f.severity)).or_insert(0) += 1;
                }
                FindingStatus::Suppressed => suppressed += 1,
                FindingStatus::Resolved => resolved += 1,
            }
        }
        let mut packages = report.template.packages.clone();
        for f in &report.findings {
            if !packages.contains(&f.package) {
                packages.push(f.package);
            }
        }
        let instances = instance_sections(report, &groups);
        let other_resources = report
            .findings
            .iter()
            .filter(|f| instance_id(f).is_none())
            .map(|f| &f.resource.id)
            .collect::<BTreeSet<_>>()
            .len();
        Digest {
            groups,
            counts,
            packages,
            instances,
            other_resources,
            active,
            suppressed,
            resolved,
        }
    }

    pub fn count(&self, package: Package, severity: Severity) -> usize {
        self.counts.get(&(package, severity)).copied().unwrap_or(0)
    }

    pub fn severity_total(&self, severity: Severity) -> usize {
        self.packages.iter().map(|p| self.count(*p, severity)).sum()
    }

    pub fn package_total(&self, package: Package) -> usize {
        Severity::ALL.iter().map(|s| self.count(package, *s)).sum()
    }
}

/// Groups by (severity, package, rule, title), most severe first, then by package,
/// rule and title so that the order never depends on the input order.
fn group(findings: &[Finding]) -> Vec<FindingGroup<'_>> {
    type Key<'k> = (std::cmp::Reverse<Severity>, Package, &'k str, &'k str);
    let mut by_key: BTreeMap<Key<'_>, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        let key = (
            std::cmp::Reverse(f.severity),
            f.package,
            f.rule_id.as_str(),
            f.title.as_str(),
        );
        by_key.entry(key).or_default().push(f);
    }
    by_key
        .into_iter()
        .enumerate()
        .map(|(i, ((sev, package, rule_id, title), mut members))| {
            members.sort_by(|a, b| {
                (&a.resource.id, &a.id, a.status).cmp(&(&b.resource.id, &b.id, b.status))
            });
            let first = members[0];
            let shared_description = members
                .iter()
                .all(|f| f.description == first.description)
                .then_some(first.description.as_str());
            FindingGroup {
                severity: sev.0,
                package,
                rule_id,
                title,
                shared_description,
                recommendation: first.recommendation.as_str(),
                findings: members,
                anchor: format!("f{}", i + 1),
            }
        })
        .collect()
}

/// The instance a finding is about: the resource itself, or the instance behind the
/// network interface a reachability finding names.
pub(crate) fn instance_id(f: &Finding) -> Option<&str> {
    if f.resource.resource_type == ResourceType::Instance.asff_name()
        || IdKind::Instance.matches(&f.resource.id)
    {
        return Some(f.resource.id.as_str());
    }
    f.attributes.get("INSTANCE_ID").map(String::as_str)
}

fn instance_sections<'a>(
    report: &'a AssessmentReport,
    groups: &[FindingGroup<'a>],
) -> Vec<ResourceSection<'a>> {
    let mut sections: BTreeMap<String, ResourceSection<'a>> = report
        .instances
        .iter()
        .map(|i| {
            let section = ResourceSection {
                instance: i.clone(),
                findings: Vec::new(),
            };
            (i.id.clone(), section)
        })
        .collect();
    for (gi, g) in groups.iter().enumerate() {
        for f in &g.findings {
            let Some(id) = instance_id(f) else { continue };
            let section = sections
                .entry(id.to_string())
                .or_insert_with(|| ResourceSection {
                    instance: instance_from_finding(id, f),
                    findings: Vec::new(),
                });
            section.findings.push((gi, *f));
        }
    }
    // Groups are already most severe first, so the per-instance lists are too.
    sections.into_values().collect()
}

fn instance_from_finding(id: &str, f: &Finding) -> InstanceInfo {
    let named_here = f.resource.id == id;
    InstanceInfo {
        id: id.to_string(),
        name: if named_here {
            f.resource.tags.get("Name").cloned().unwrap_or_default()
        } else {
            String::new()
        },
        account: f.resource.account.clone(),
        region: f.resource.region.clone(),
        ..InstanceInfo::default()
    }
}
