//! The cve package in a run: each in-scope instance whose agent is healthy is assessed
//! from its latest telemetry: its packages matched against the advisory database, its
//! kernel findings classified by the running kernel, and findings of packages whose
//! programs listen where the Internet reaches them raised one band.
//!
//! Instances without usable telemetry keep the snapshot's HOST_DATA_MISSING exclusion
//! (now naming only them); instances whose OS the database has no advisories for are
//! excluded as UNSUPPORTED_OS for the package, never reported as clean.
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use kensa_host::reach::{raise_reachable, InternetListener};
use kensa_model::{Finding, Package, ResourceRef, Snapshot};
use kensa_store::{Exclusion, ExclusionKind, ExclusionScope, RunScope, Template};
use kensa_telemetry::Telemetry;
use kensa_vuln::{platform_of, Database, Filters};

/// The instances the cve package assesses from telemetry, with the database.
#[derive(Default)]
pub(crate) struct Plan<'h> {
    /// Instance id → (where the telemetry came from, the document).
    pub(crate) hosts: BTreeMap<String, (&'h str, &'h Telemetry)>,
    pub(crate) db: Database,
}

/// Chooses the instances and loads the database, rewriting the cve exclusions to match:
/// `healthy` is the healthy agents' latest telemetry (source, document).
pub(crate) fn plan<'h>(
    healthy: &'h [(String, Telemetry)],
    template: &Template,
    scope: &RunScope,
    snap: &Snapshot,
    db_path: &Path,
    excluded: &mut Vec<Exclusion>,
) -> Plan<'h> {
    if !template.packages.contains(&Package::Cve) {
        return Plan::default();
    }
    let in_scope: BTreeSet<&str> = scope.instances.iter().map(String::as_str).collect();
    let mut hosts: BTreeMap<String, (&str, &Telemetry)> = BTreeMap::new();
    for (source, doc) in healthy {
        let Some(id) = doc.host.instance_id.as_deref() else {
            continue;
        };
        // No packages read, or no OS identity: nothing to match, keep the exclusion.
        if !in_scope.contains(id) || doc.packages.is_empty() || doc.os_info().is_none() {
            continue;
        }
        let newer = hosts
            .get(id)
            .is_none_or(|(_, d)| d.collected_at <= doc.collected_at);
        if newer {
            hosts.insert(id.to_string(), (source.as_str(), doc));
        }
    }
    if hosts.is_empty() {
        return Plan::default();
    }
    let db = match Database::load(db_path) {
        Ok(db) => db,
        Err(e) => {
            excluded.push(no_database(db_path, &e.to_string(), hosts.len()));
            return Plan::default();
        }
    };
    let unsupported: BTreeMap<String, String> = hosts
        .iter()
        .filter_map(|(id, (_, doc))| Some((id.clone(), no_advisories(doc, &db)?)))
        .collect();
    hosts.retain(|id, _| !unsupported.contains_key(id));
    rewrite_missing(excluded, &hosts, scope, snap);
    if !unsupported.is_empty() {
        excluded.push(unsupported_os(&unsupported));
    }
    Plan { hosts, db }
}

/// Why the database cannot assess this host's OS, if it cannot.
fn no_advisories(doc: &Telemetry, db: &Database) -> Option<String> {
    let os = doc.os_info()?;
    let Some(pf) = platform_of(&os) else {
        return Some(format!("`{}` has no advisory source", os.id));
    };
    let has = db
        .records
        .iter()
        .any(|r| r.distro == pf.distro && r.release == pf.release);
    (!has).then(|| {
        format!(
            "the advisory database has no records for {} {}",
            pf.distro, pf.release
        )
    })
}

impl Plan<'_> {
    /// The cve findings of every planned instance, kernel-classified and raised by
    /// `exposed`, on the instance as the snapshot describes it (account, region, tags).
    pub(crate) fn findings(&self, snap: &Snapshot, exposed: &[InternetListener]) -> Vec<Finding> {
        let mut out = Vec::new();
        for (id, (source, doc)) in &self.hosts {
            let (mut inv, notes) = kensa_host::kernel::inventory(doc, source);
            for note in notes {
                tracing::warn!(instance = %id, "{note}");
            }
            inv.host = id.clone();
            let mut found = kensa_vuln::scan(&inv, &self.db.records, &Filters::default());
            kensa_host::kernel::classify(&mut found, doc);
            raise_reachable(&mut found, id, exposed);
            let resource = resource(snap, id);
            out.extend(found.into_iter().map(|f| Finding {
                resource: resource.clone(),
                ..f
            }));
        }
        out
    }
}

fn resource(snap: &Snapshot, id: &str) -> ResourceRef {
    let mut r = ResourceRef {
        resource_type: "AwsEc2Instance".into(),
        id: id.into(),
        ..Default::default()
    };
    if let Some(i) = snap.instances.get(id) {
        r.account = i.scope.account.clone();
        r.region = i.scope.region.clone();
        r.tags = i
            .tags
            .iter()
            .map(|t| (t.key.clone(), t.value.clone()))
            .collect();
    }
    r
}

/// The snapshot's HOST_DATA_MISSING exclusion names every Linux instance; keep it for
/// those without telemetry only (or drop it when every one has some).
fn rewrite_missing(
    excluded: &mut Vec<Exclusion>,
    covered: &BTreeMap<String, (&str, &Telemetry)>,
    scope: &RunScope,
    snap: &Snapshot,
) {
    let cve_scope = ExclusionScope::Package(Package::Cve.as_str().into());
    let before = excluded.len();
    excluded.retain(|e| !(e.kind == ExclusionKind::HostDataMissing && e.scope == cve_scope));
    if excluded.len() == before {
        return;
    }
    let missing: BTreeSet<&str> = scope
        .instances
        .iter()
        .map(String::as_str)
        .filter(|id| !covered.contains_key(*id) && !is_windows(snap, id))
        .collect();
    if missing.is_empty() {
        return;
    }
    let list: Vec<&str> = missing.iter().copied().collect();
    let mut attributes = BTreeMap::new();
    attributes.insert("INSTANCE_COUNT".into(), list.len().to_string());
    attributes.insert("INSTANCES".into(), list.join(","));
    excluded.push(Exclusion {
        kind: ExclusionKind::HostDataMissing,
        title: "No package inventory for the cve package".into(),
        description: format!(
            "The cve package needs the installed packages of each instance; {} in-scope instance(s) have no telemetry from a healthy agent ({}), so they were not assessed. {} instance(s) were assessed from their agents' telemetry.",
            list.len(),
            list.join(", "),
            covered.len()
        ),
        recommendation: "Install kensa-agent on these instances (kensa-agent run --server URL --token T), or scan their root filesystems with kensa vuln scan --root.".into(),
        scope: cve_scope,
        attributes,
    });
}

fn is_windows(snap: &Snapshot, id: &str) -> bool {
    snap.instances
        .get(id)
        .and_then(|i| i.platform.as_deref())
        .is_some_and(|p| p.eq_ignore_ascii_case("windows"))
}

fn unsupported_os(hosts: &BTreeMap<String, String>) -> Exclusion {
    let described: Vec<String> = hosts
        .iter()
        .map(|(id, why)| format!("{id}: {why}"))
        .collect();
    let mut attributes = BTreeMap::new();
    attributes.insert("INSTANCE_COUNT".into(), hosts.len().to_string());
    attributes.insert(
        "INSTANCES".into(),
        hosts.keys().cloned().collect::<Vec<_>>().join(","),
    );
    Exclusion {
        kind: ExclusionKind::UnsupportedOs,
        title: "No advisories for the operating system of some instances".into(),
        description: format!(
            "The cve package could not match the packages of {} instance(s) for want of advisories ({}); they were not assessed, not found clean.",
            hosts.len(),
            described.join("; ")
        ),
        recommendation: "Import the distribution's advisories (kensa db update, or kensa db import) and run again.".into(),
        scope: ExclusionScope::Package(Package::Cve.as_str().into()),
        attributes,
    }
}

fn no_database(path: &Path, error: &str, hosts: usize) -> Exclusion {
    let mut attributes = BTreeMap::new();
    attributes.insert("DATABASE".into(), path.display().to_string());
    Exclusion {
        kind: ExclusionKind::EvaluationError,
        title: "The cve package has no advisory database".into(),
        description: format!(
            "{hosts} instance(s) have package telemetry, but the advisory database could not be read ({error}); the cve package assessed none of them."
        ),
        recommendation: "Create the database with kensa db update (or kensa db import), or point KENSA_VULN_DB at it, and run again.".into(),
        scope: ExclusionScope::Package(Package::Cve.as_str().into()),
        attributes,
    }
}
