//! Exclusions: what a run could not assess, and why. The ones a snapshot and a template
//! decide are computed here (so `kensa exclusions preview` shows them before a run);
//! evaluation errors are added by the run itself.
use std::collections::BTreeMap;

use kensa_model::{Package, Snapshot, WarningLevel};
use sqlx::Row;

use crate::db::Store;
use crate::error::{QueryContext, Result};
use crate::fence::FencePoint;
use crate::json::{from_json, to_json};
use crate::model::{Exclusion, ExclusionKind, ExclusionScope, Template};
use crate::scope::RunScope;

/// How many ids or messages an exclusion's description lists before "and N more".
const LISTED: usize = 5;

/// The exclusions `template` will have on `snap` before anything is evaluated.
pub fn preview(template: &Template, scope: &RunScope, snap: &Snapshot) -> Vec<Exclusion> {
    let mut out = Vec::new();
    if scope.instances.is_empty() {
        out.push(Exclusion {
            kind: ExclusionKind::NoInstancesInTarget,
            title: format!("No instances in target `{}`", template.target),
            description: format!(
                "The snapshot holds no EC2 instance that target `{}` selects (its accounts, regions and tags). Instance findings cannot be reported; account-level controls still run.",
                template.target
            ),
            recommendation: "Check the target's accounts, regions and tag pairs against the snapshot (kensa target show), or assess another snapshot.".into(),
            scope: ExclusionScope::Target(template.target.clone()),
            attributes: BTreeMap::new(),
        });
    }
    if template.packages.contains(&Package::Cve) {
        out.extend(cve_exclusions(scope, snap));
    }
    out.extend(input_incomplete(snap));
    out.sort();
    out
}

/// Package matching needs each instance's installed packages, which a snapshot of AWS
/// API outputs does not hold: every Linux instance is excluded for `cve` (one exclusion
/// for all of them), Windows instances as unsupported.
fn cve_exclusions(scope: &RunScope, snap: &Snapshot) -> Vec<Exclusion> {
    let mut out = Vec::new();
    let (windows, others): (Vec<&String>, Vec<&String>) = scope.instances.iter().partition(|id| {
        snap.instances
            .get(*id)
            .and_then(|i| i.platform.as_deref())
            .is_some_and(|p| p.eq_ignore_ascii_case("windows"))
    });
    for id in windows {
        out.push(Exclusion {
            kind: ExclusionKind::UnsupportedOs,
            title: format!("Unsupported operating system on {id}"),
            description: format!("Instance {id} runs Windows; the cve package matches rpm, dpkg and apk packages only."),
            recommendation: "Assess Windows hosts with a tool that reads Windows update state.".into(),
            scope: ExclusionScope::InstanceId(id.clone()),
            attributes: BTreeMap::new(),
        });
    }
    if !others.is_empty() {
        let mut attributes = BTreeMap::new();
        attributes.insert("INSTANCE_COUNT".into(), others.len().to_string());
        out.push(Exclusion {
            kind: ExclusionKind::HostDataMissing,
            title: "No package inventory for the cve package".into(),
            description: format!(
                "The cve package needs the installed packages of each instance; the snapshot holds none for {} instance(s) ({}).",
                others.len(),
                listed(others.iter().map(|s| s.as_str()), others.len())
            ),
            recommendation: "Collect an inventory on the hosts (kensa vuln inventory --root /) and scan it with kensa vuln scan --inventory.".into(),
            scope: ExclusionScope::Package(Package::Cve.as_str().into()),
            attributes,
        });
    }
    out
}

/// Files or items the loader had to skip: the run cannot claim to have seen everything.
fn input_incomplete(snap: &Snapshot) -> Option<Exclusion> {
    let errors: Vec<String> = snap
        .warnings
        .iter()
        .filter(|w| w.level == WarningLevel::Error)
        .map(|w| w.to_string())
        .collect();
    if errors.is_empty() {
        return None;
    }
    let mut attributes = BTreeMap::new();
    attributes.insert("ERROR_COUNT".into(), errors.len().to_string());
    Some(Exclusion {
        kind: ExclusionKind::InputIncomplete,
        title: "Snapshot input incomplete".into(),
        description: format!(
            "{} item(s) of the snapshot could not be read and were skipped: {}. The run is partial and resolves nothing.",
            errors.len(),
            listed(errors.iter().map(String::as_str), errors.len())
        ),
        recommendation: "Fix or re-collect the files named, then run the template again.".into(),
        scope: ExclusionScope::Target("snapshot".into()),
        attributes,
    })
}

fn listed<'a>(items: impl Iterator<Item = &'a str>, total: usize) -> String {
    let shown: Vec<&str> = items.take(LISTED).collect();
    if total > shown.len() {
        format!("{}, and {} more", shown.join(", "), total - shown.len())
    } else {
        shown.join(", ")
    }
}

impl Store {
    /// Records what run `run` could not assess.
    pub async fn add_exclusions(&self, run: i64, exclusions: &[Exclusion]) -> Result<()> {
        let mut tx = self.pool.begin().await.ctx("storing exclusions")?;
        self.check_fence(&mut tx, run, FencePoint::BeforeWrites)
            .await?;
        for e in exclusions {
            let (scope_type, scope_value) = e.scope.parts();
            sqlx::query("INSERT INTO exclusions (run_id, kind, title, description, recommendation, scope_type, scope_value, attributes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .bind(run)
                .bind(e.kind.as_str())
                .bind(&e.title)
                .bind(&e.description)
                .bind(&e.recommendation)
                .bind(scope_type)
                .bind(scope_value)
                .bind(to_json(&e.attributes))
                .execute(&mut *tx)
                .await
                .ctx("storing exclusions")?;
        }
        self.check_fence(&mut tx, run, FencePoint::BeforeCommit)
            .await?;
        tx.commit().await.ctx("storing exclusions")
    }

    /// What run `run` could not assess, in the order recorded.
    pub async fn exclusions(&self, run: i64) -> Result<Vec<Exclusion>> {
        self.run(run).await?;
        let rows = sqlx::query("SELECT kind, title, description, recommendation, scope_type, scope_value, attributes FROM exclusions WHERE run_id = $1 ORDER BY id")
            .bind(run)
            .fetch_all(&self.pool)
            .await
            .ctx("listing exclusions")?;
        rows.iter()
            .map(|r| {
                let text = |c: &str| r.try_get::<String, _>(c).ctx("reading an exclusion");
                Ok(Exclusion {
                    kind: text("kind")?.parse()?,
                    title: text("title")?,
                    description: text("description")?,
                    recommendation: text("recommendation")?,
                    scope: ExclusionScope::from_parts(&text("scope_type")?, text("scope_value")?)?,
                    attributes: from_json("exclusion attributes", &text("attributes")?)?,
                })
            })
            .collect()
    }
}
