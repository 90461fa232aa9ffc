//! Matching installed packages against advisory records.
//!
//! Which name and version are compared depends on the distro: Amazon Linux and the RHEL
//! family publish advisories per *binary* package; Debian, Ubuntu and Alpine per
//! *source* package (Debian `Source:`, apk origin), compared with the source version.
//! Language packages are matched against OSV records of their ecosystem.
use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};

use kensa_model::Severity;

use crate::advisory::{AdvisoryRecord, FixState};
use crate::feeds::debian::UNSTABLE;
use crate::feeds::osv::{debian_codename, normalise_package};
use crate::inventory::{InstalledPackage, Inventory, OsInfo, PackageKind};

/// Where a host's OS packages are looked up: distro key and release in the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Platform {
    /// The database's distro key (`amzn`, `debian`, `ubuntu`, `alpine`, `rhel`).
    pub distro: String,
    /// The release key in that distro (`2023`, `bookworm`, `22.04`, `3.19`).
    pub release: String,
    /// Match by source package name (Debian, Ubuntu, Alpine) instead of binary name.
    pub by_source: bool,
    /// A release to fall back to when the host's release has no statement about an
    /// (advisory, package) pair: Debian's unstable.
    pub fallback_release: Option<String>,
}

/// Maps os-release to the database's distro/release keys.
pub fn platform_of(os: &OsInfo) -> Option<Platform> {
    let major = os
        .version_id
        .split('.')
        .next()
        .unwrap_or_default()
        .to_string();
    let p = |distro: &str, release: String, by_source: bool| Platform {
        distro: distro.into(),
        release,
        by_source,
        fallback_release: None,
    };
    Some(match os.id.as_str() {
        "amzn" => {
            let release = match os.version_id.as_str() {
                v @ ("2" | "2022" | "2023") => v.to_string(),
                _ => "1".to_string(), // 2018.03, 2017.09, ...
            };
            p("amzn", release, false)
        }
        "debian" => {
            let release = if !os.version_codename.is_empty() {
                os.version_codename.clone()
            } else if !major.is_empty() {
                debian_codename(&major)
            } else {
                UNSTABLE.to_string()
            };
            Platform {
                fallback_release: (release != UNSTABLE).then(|| UNSTABLE.to_string()),
                ..p("debian", release, true)
            }
        }
        "ubuntu" => p("ubuntu", os.version_id.clone(), true),
        "alpine" => {
            let mut parts = os.version_id.split('.');
            let release = match (parts.next(), parts.next()) {
                _ if os.version_id.contains("_alpha") => "edge".to_string(),
                (Some(a), Some(b)) => format!("v{a}.{b}"),
                _ => "edge".to_string(),
            };
            p("alpine", release, true)
        }
        "rhel" | "centos" | "rocky" | "almalinux" | "ol" | "fedora" => p(&os.id, major, false),
        _ => return None,
    })
}

/// One installed package found vulnerable by one advisory.
#[derive(Debug, Clone, PartialEq)]
pub struct Match<'a> {
    /// The installed package that is affected.
    pub package: &'a InstalledPackage,
    /// The package name looked up: the source package's for Debian, Ubuntu and Alpine,
    /// else the binary's.
    pub matched_name: String,
    /// The installed version compared with the advisory's (the source version when
    /// matched by source name).
    pub compared_version: String,
    /// The advisory record that affects it.
    pub record: &'a AdvisoryRecord,
}

/// Filters as Sysdig offers them.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// Only these severities (unknown severities count as Medium).
    pub severities: Option<BTreeSet<Severity>>,
    /// Only advisories that have a fixed version.
    pub fixable_only: bool,
}

impl Filters {
    /// Whether a record passes the filters (checked before matching, so a filtered-out
    /// advisory costs no version comparison).
    pub fn keep(&self, r: &AdvisoryRecord) -> bool {
        if self.fixable_only && r.fix_state != FixState::Fixed {
            return false;
        }
        match &self.severities {
            Some(set) => set.contains(&effective_severity(r)),
            None => true,
        }
    }
}

/// The severity a finding gets: the vendor's, else Medium.
pub fn effective_severity(r: &AdvisoryRecord) -> Severity {
    r.severity.unwrap_or(Severity::Medium)
}

/// package -> records
type ByPackage<'a> = HashMap<&'a str, Vec<&'a AdvisoryRecord>>;

/// An index of advisory records by distro, release and package (nested so lookups
/// borrow the query strings without allocating).
pub struct Matcher<'a> {
    index: HashMap<&'a str, HashMap<&'a str, ByPackage<'a>>>,
}

impl<'a> Matcher<'a> {
    /// Indexes `records` (borrowed: the database is loaded once and matched many times).
    pub fn new(records: &'a [AdvisoryRecord]) -> Self {
        let mut index: HashMap<&'a str, HashMap<&'a str, ByPackage<'a>>> = HashMap::new();
        for r in records {
            index
                .entry(r.distro.as_str())
                .or_default()
                .entry(r.release.as_str())
                .or_default()
                .entry(r.package.as_str())
                .or_default()
                .push(r);
        }
        Matcher { index }
    }

    fn lookup(&self, distro: &str, release: &str, package: &str) -> &[&'a AdvisoryRecord] {
        self.index
            .get(distro)
            .and_then(|d| d.get(release))
            .and_then(|r| r.get(package))
            .map_or(&[], Vec::as_slice)
    }

    /// All (package, advisory) matches of an inventory, sorted by package then advisory.
    pub fn match_inventory<'i>(&self, inv: &'i Inventory, filters: &Filters) -> Vec<Match<'i>>
    where
        'a: 'i,
    {
        let platform = inv.os.as_ref().and_then(platform_of);
        let mut out = Vec::new();
        for pkg in &inv.packages {
            self.match_package(pkg, platform.as_ref(), filters, &mut out);
        }
        out.sort_by(|a, b| {
            (&a.package.name, &a.package.version, &a.record.id).cmp(&(
                &b.package.name,
                &b.package.version,
                &b.record.id,
            ))
        });
        out
    }

    fn match_package<'i>(
        &self,
        pkg: &'i InstalledPackage,
        platform: Option<&Platform>,
        filters: &Filters,
        out: &mut Vec<Match<'i>>,
    ) where
        'a: 'i,
    {
        let before = out.len();
        let push = |name: &str, version: &str, r: &'a AdvisoryRecord, out: &mut Vec<Match<'i>>| {
            // Several records of one advisory (OSV ranges): one match if any range hits.
            if out[before..].iter().any(|m| m.record.id == r.id)
                || !affects(r, version)
                || !filters.keep(r)
            {
                return;
            }
            out.push(Match {
                package: pkg,
                matched_name: name.to_string(),
                compared_version: version.to_string(),
                record: r,
            });
        };
        if let Some(eco) = pkg.kind.ecosystem() {
            let name = normalise_package(eco, &pkg.name);
            for r in self.lookup(eco, "", &name) {
                push(&name, &pkg.version, r, out);
            }
            return;
        }
        let Some(pf) = platform.filter(|pf| os_kind_fits(pf, pkg.kind)) else {
            return;
        };
        let (name, version) = if pf.by_source {
            (
                pkg.source_name.as_deref().unwrap_or(&pkg.name),
                pkg.source_version.as_deref().unwrap_or(&pkg.version),
            )
        } else {
            (pkg.name.as_str(), pkg.version.as_str())
        };
        let own = self.lookup(&pf.distro, &pf.release, name);
        for r in own {
            push(name, version, r, out);
        }
        if let Some(fb) = &pf.fallback_release {
            // The release's own statement about an advisory wins over unstable's.
            for r in self.lookup(&pf.distro, fb, name) {
                if !own.iter().any(|o| o.id == r.id) {
                    push(name, version, r, out);
                }
            }
        }
    }
}

fn os_kind_fits(pf: &Platform, kind: PackageKind) -> bool {
    match kind {
        PackageKind::Deb => matches!(pf.distro.as_str(), "debian" | "ubuntu"),
        PackageKind::Apk => pf.distro == "alpine",
        PackageKind::Rpm => !matches!(pf.distro.as_str(), "debian" | "ubuntu" | "alpine"),
        _ => false,
    }
}

/// Whether an installed version is affected by a record.
pub fn affects(r: &AdvisoryRecord, installed: &str) -> bool {
    let cmp = |installed: &str, advisory: &str| r.scheme.compare_advisory(installed, advisory);
    if r.fix_state == FixState::NotAffected {
        return false;
    }
    if let Some(intro) = &r.introduced {
        if cmp(installed, intro) == Ordering::Less {
            return false;
        }
    }
    if let Some(fixed) = &r.fixed {
        return cmp(installed, fixed) == Ordering::Less;
    }
    if let Some(last) = &r.last_affected {
        return cmp(installed, last) != Ordering::Greater;
    }
    matches!(r.fix_state, FixState::NotFixed | FixState::WillNotFix)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(id: &str, version_id: &str, codename: &str) -> OsInfo {
        OsInfo {
            id: id.into(),
            version_id: version_id.into(),
            version_codename: codename.into(),
            ..Default::default()
        }
    }

    #[test]
    fn platforms_from_os_release() {
        let p = |id, v, c| platform_of(&os(id, v, c)).map(|p| (p.distro, p.release, p.by_source));
        assert_eq!(
            p("amzn", "2018.03", ""),
            Some(("amzn".into(), "1".into(), false))
        );
        assert_eq!(
            p("amzn", "2023", ""),
            Some(("amzn".into(), "2023".into(), false))
        );
        assert_eq!(
            p("debian", "12", ""),
            Some(("debian".into(), "bookworm".into(), true))
        );
        assert_eq!(
            p("debian", "", ""),
            Some(("debian".into(), "sid".into(), true))
        );
        assert_eq!(
            p("alpine", "3.19.1", ""),
            Some(("alpine".into(), "v3.19".into(), true))
        );
        assert_eq!(
            p("alpine", "3.20.0_alpha20240329", ""),
            Some(("alpine".into(), "edge".into(), true))
        );
        assert_eq!(
            p("ubuntu", "22.04", "jammy"),
            Some(("ubuntu".into(), "22.04".into(), true))
        );
        assert_eq!(
            p("rocky", "9.3", ""),
            Some(("rocky".into(), "9".into(), false))
        );
        assert_eq!(p("gentoo", "2.14", ""), None);
        let debian = platform_of(&os("debian", "12", "bookworm")).unwrap();
        assert_eq!(debian.fallback_release.as_deref(), Some("sid"));
    }
}
