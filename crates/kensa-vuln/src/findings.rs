//! Turning matches into `cve` findings (DESIGN.md's finding schema).
use std::collections::BTreeMap;

use kensa_model::{finding_id, Evidence, Finding, FindingStatus, Package, ResourceRef};
use kensa_model::{IdKind, ResourceType};
use serde_json::json;

use crate::advisory::FixState;
use crate::inventory::{InstalledPackage, PackageKind};
use crate::matcher::{effective_severity, Match};

/// The resource findings are about: an EC2 instance when the host id is an instance id.
pub fn resource_of(host: &str) -> ResourceRef {
    ResourceRef {
        resource_type: if IdKind::Instance.matches(host) {
            ResourceType::Instance.asff_name().into()
        } else {
            "Host".into()
        },
        id: host.to_string(),
        ..Default::default()
    }
}

fn upgrade_hint(p: &InstalledPackage) -> String {
    match p.kind {
        PackageKind::Rpm => format!("dnf upgrade {} (or yum update {})", p.name, p.name),
        PackageKind::Deb => format!("apt-get install --only-upgrade {}", p.name),
        PackageKind::Apk => format!("apk upgrade {}", p.name),
        PackageKind::Python => format!("pip install --upgrade {}", p.name),
        PackageKind::Npm => format!("npm update {}", p.name),
        PackageKind::Gem => format!("gem update {}", p.name),
        PackageKind::Jar => format!("update the {} dependency and rebuild", p.name),
    }
}

/// One finding per (installed package, advisory), sorted by severity then id.
pub fn to_findings(host: &str, matches: &[Match<'_>]) -> Vec<Finding> {
    let resource = resource_of(host);
    let mut out: Vec<Finding> = matches.iter().map(|m| finding(&resource, m)).collect();
    distinguish_versions(&mut out);
    out.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.id.cmp(&b.id)));
    out
}

/// Packages installed in several versions at once (kernels: rpm's installonly packages)
/// share name, kind and arch, so their findings would share an id and a store would keep
/// one of them. Only those findings get the version in their id; every other id stays
/// as it was.
fn distinguish_versions(findings: &mut [Finding]) {
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for f in findings.iter() {
        *count.entry(f.id.clone()).or_default() += 1;
    }
    for f in findings.iter_mut().filter(|f| count[&f.id] > 1) {
        let version = f.attributes["INSTALLED_VERSION"].clone();
        f.id = finding_id(&f.rule_id, &f.id, &[&version]);
    }
}

fn finding(resource: &ResourceRef, m: &Match<'_>) -> Finding {
    let r = m.record;
    let p = m.package;
    let severity = effective_severity(r);
    let fixed = r.fixed.clone().unwrap_or_default();
    let installed = &p.version;
    let recommendation = match r.fix_state {
        FixState::Fixed => format!(
            "Update {} to {} or later: {}.",
            p.name,
            fixed,
            upgrade_hint(p)
        ),
        FixState::WillNotFix => format!(
            "The vendor will not fix {} in this release; remove the package, mitigate, or accept the risk.",
            p.name
        ),
        _ => format!(
            "No fixed version of {} is published yet; watch {} and mitigate meanwhile.",
            p.name, r.url
        ),
    };
    let cves = r.cves.join(", ");
    let description = format!(
        "{} {} is affected by {}{}{}. {}",
        p.name,
        installed,
        r.id,
        if cves.is_empty() || cves == r.id {
            String::new()
        } else {
            format!(" ({cves})")
        },
        if r.title.is_empty() {
            String::new()
        } else {
            format!(": {}", r.title)
        },
        match r.fix_state {
            FixState::Fixed => format!("Fixed in {fixed}."),
            FixState::WillNotFix => "The vendor will not fix it.".to_string(),
            _ => "No fix is available.".to_string(),
        }
    );
    let mut attributes = BTreeMap::from([
        ("PACKAGE_NAME".to_string(), p.name.clone()),
        ("PACKAGE_KIND".to_string(), p.kind.as_str().to_string()),
        ("INSTALLED_VERSION".to_string(), installed.clone()),
        ("ADVISORY_ID".to_string(), r.id.clone()),
        ("FIX_STATE".to_string(), r.fix_state.as_str().to_string()),
        ("DISTRO".to_string(), r.distro.clone()),
    ]);
    let optional = [
        ("FIXED_VERSION", fixed.clone()),
        ("CVE_IDS", cves.clone()),
        ("RELEASE", r.release.clone()),
        ("ARCH", p.arch.clone()),
        (
            "VENDOR_SEVERITY",
            r.vendor_severity.clone().unwrap_or_default(),
        ),
        (
            "SEVERITY_ASSUMED",
            if r.severity.is_none() {
                "true".into()
            } else {
                String::new()
            },
        ),
    ];
    for (k, v) in optional {
        if !v.is_empty() {
            attributes.insert(k.to_string(), v);
        }
    }
    if m.matched_name != p.name {
        attributes.insert("SOURCE_PACKAGE".into(), m.matched_name.clone());
    }
    let mut references = vec![r.url.clone()];
    references.extend(
        r.cves
            .iter()
            .map(|c| format!("https://nvd.nist.gov/vuln/detail/{c}")),
    );
    references.dedup();
    Finding {
        id: finding_id(
            &r.id,
            &resource.id,
            &[
                p.kind.as_str(),
                &p.name,
                &p.arch,
                p.location.as_deref().unwrap_or(""),
            ],
        ),
        package: Package::Cve,
        rule_id: r.id.clone(),
        title: format!("{} - {} {}", r.id, p.name, installed),
        severity,
        description,
        recommendation,
        resource: resource.clone(),
        attributes,
        evidence: Some(Evidence::Package(json!({
            "package": p.name,
            "package_kind": p.kind,
            "arch": p.arch,
            "source_package": m.matched_name,
            "installed": installed,
            "compared_version": m.compared_version,
            "fixed": r.fixed,
            "introduced": r.introduced,
            "last_affected": r.last_affected,
            "advisory": r.id,
            "advisory_url": r.url,
            "cves": r.cves,
            "severity": severity,
            "vendor_severity": r.vendor_severity,
            "fix_state": r.fix_state,
            "distro": r.distro,
            "release": r.release,
            "location": p.location,
            "source": r.source,
        }))),
        compliance: Vec::new(),
        references,
        first_seen: None,
        last_seen: None,
        status: FindingStatus::Active,
    }
}
