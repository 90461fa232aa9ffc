//! A stored run as an [`AssessmentReport`]: what the run recorded (its states, template,
//! target, the findings it saw and its exclusions) rather than a fresh scan. The one
//! place that maps the store's records onto the report's, shared by `kensa report --run`
//! and the server's report endpoint; kensa-report knows nothing of the store.
use std::collections::BTreeSet;

use kensa_model::{FindingStatus, Snapshot};
use kensa_report::assessment::{
    AccountRegion, AssessmentReport, Exclusion, ExclusionScope, InstanceInfo, PassedRule, RunInfo,
    StateChange, TargetInfo, TemplateInfo,
};
use kensa_store::{
    FindingFilter, Run, RunScope, SnapshotInfo, Store, StoreError, StoredFinding, Target, Template,
};

/// Findings are read from the store this many at a time.
const PAGE: i64 = 1000;

/// Why a stored run's `full` report lists no passed rules when the run recorded none.
const PASSED_RULES_UNKNOWN: &str = "This run recorded no rule outcomes (it was stored by an older kensa, or it stopped before its rules were evaluated), so the rules that passed everywhere cannot be listed. Run the template again, or `kensa report SNAPSHOT --type full` for a snapshot.";

/// A run's report could not be assembled.
#[derive(Debug, thiserror::Error)]
pub enum RunReportError {
    /// The run names a template or target the store no longer holds (or cannot read).
    #[error("run {run}: reading its {what} `{name}`")]
    Part {
        /// The run.
        run: i64,
        /// `template` or `target`.
        what: &'static str,
        /// Its name.
        name: String,
        /// What the store said.
        #[source]
        source: StoreError,
    },
    /// Reading the run, its findings or its exclusions failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl RunReportError {
    /// The store's error underneath.
    pub fn store_error(&self) -> &StoreError {
        match self {
            RunReportError::Part { source, .. } => source,
            RunReportError::Store(e) => e,
        }
    }
}

/// The report of `run`. `snapshot` is the snapshot the run assessed when the caller
/// could read it again unchanged (see [`reread_snapshot`]); it lists the instances the
/// run evaluated. Without it the report lists the instances its findings name.
pub async fn from_run(
    store: &Store,
    run: &Run,
    snapshot: Option<&Snapshot>,
    generated_at: String,
) -> Result<AssessmentReport, RunReportError> {
    let id = run.id;
    let template = store
        .template(&run.template)
        .await
        .map_err(|source| RunReportError::Part {
            run: id,
            what: "template",
            name: run.template.clone(),
            source,
        })?;
    let target = store
        .target(&template.target)
        .await
        .map_err(|source| RunReportError::Part {
            run: id,
            what: "target",
            name: template.target.clone(),
            source,
        })?;
    let findings = all_findings(store, id)
        .await?
        .into_iter()
        .map(|stored| {
            let mut f = stored.finding;
            for (k, v) in stored.user_attributes {
                f.attributes.entry(k).or_insert(v);
            }
            // The run saw it, so it was open then; a later run may have resolved it since.
            if f.status == FindingStatus::Resolved {
                f.status = FindingStatus::Active;
            }
            f
        })
        .collect();
    let exclusions = store
        .exclusions(id)
        .await?
        .into_iter()
        .map(exclusion)
        .collect();
    let (passed_rules, passed_rules_note) = match store.passed_rules(id).await? {
        Some(recorded) => (recorded.passed.into_iter().map(passed_rule).collect(), None),
        None => (Vec::new(), Some(PASSED_RULES_UNKNOWN.to_string())),
    };
    Ok(AssessmentReport {
        run: run_info(run),
        template: template_info(&template),
        target: target_info(&target, run),
        findings,
        exclusions,
        passed_rules,
        passed_rules_note,
        instances: snapshot.map_or_else(Vec::new, |s| instances(s, &target)),
        generated_at,
    })
}

/// Every finding run `id` saw, page by page.
async fn all_findings(store: &Store, id: i64) -> kensa_store::Result<Vec<StoredFinding>> {
    let mut all = Vec::new();
    loop {
        let filter = FindingFilter {
            run: Some(id),
            limit: PAGE,
            offset: all.len() as i64,
            ..FindingFilter::default()
        };
        let page = store.findings(&filter).await?;
        let done = (page.len() as i64) < PAGE;
        all.extend(page);
        if done {
            return Ok(all);
        }
    }
}

fn passed_rule(p: kensa_store::PassedRule) -> PassedRule {
    PassedRule {
        id: p.rule_id,
        title: p.title,
        severity: p.severity,
        package: p.package,
        resources_evaluated: usize::try_from(p.resources_evaluated).unwrap_or(0),
    }
}

fn run_info(run: &Run) -> RunInfo {
    RunInfo {
        id: run.id.to_string(),
        // Inspector named runs after their template and start time.
        name: format!(
            "{} {}",
            run.template,
            run.created_at.get(..10).unwrap_or(&run.created_at)
        ),
        state: match &run.state_reason {
            Some(reason) => format!("{} ({reason})", run.state),
            None => run.state.to_string(),
        },
        started_at: Some(run.created_at.clone()),
        completed_at: run.completed_at.clone(),
        state_history: run
            .states
            .iter()
            .map(|s| StateChange {
                state: s.state.to_string(),
                at: s.at.clone(),
            })
            .collect(),
    }
}

fn template_info(t: &Template) -> TemplateInfo {
    TemplateInfo {
        name: t.name.clone(),
        packages: t.packages.clone(),
        framework: t.framework.clone(),
        user_attributes: t.user_attributes.clone(),
    }
}

fn target_info(t: &Target, run: &Run) -> TargetInfo {
    let list = |v: &[String], what: &str| {
        if v.is_empty() {
            format!("every {what} of the snapshot")
        } else {
            format!("{what}s {}", v.join(", "))
        }
    };
    let mut description = format!(
        "instances in {}, {}",
        list(&t.accounts, "account"),
        list(&t.regions, "region")
    );
    if !t.tags.is_empty() {
        let tags: Vec<String> = t
            .tags
            .iter()
            .map(|p| format!("{}={}", p.key, p.value))
            .collect();
        description.push_str(&format!(" tagged {}", tags.join(" or ")));
    }
    // The target's own accounts and regions, else those of the snapshot the run assessed.
    let snap = run.snapshot.as_ref();
    let pick = |own: &[String], seen: Option<&Vec<String>>| -> Vec<String> {
        if own.is_empty() {
            seen.cloned().unwrap_or_default()
        } else {
            own.to_vec()
        }
    };
    let accounts = pick(&t.accounts, snap.map(|s| &s.accounts));
    let regions = pick(&t.regions, snap.map(|s| &s.regions));
    let scopes: BTreeSet<AccountRegion> = accounts
        .iter()
        .flat_map(|a| {
            regions.iter().map(move |r| AccountRegion {
                account: a.clone(),
                region: r.clone(),
            })
        })
        .collect();
    TargetInfo {
        name: t.name.clone(),
        description,
        scopes: scopes.into_iter().collect(),
    }
}

fn exclusion(e: kensa_store::Exclusion) -> Exclusion {
    let scope = match e.scope {
        kensa_store::ExclusionScope::InstanceId(id) => vec![ExclusionScope::Instance(id)],
        kensa_store::ExclusionScope::Package(p) => match kensa_store::parse_package(&p) {
            Ok(p) => vec![ExclusionScope::Package(p)],
            Err(_) => Vec::new(),
        },
        // The whole target: no narrower scope to show.
        kensa_store::ExclusionScope::Target(_) => Vec::new(),
    };
    Exclusion {
        exclusion_type: e.kind.as_str().to_string(),
        title: e.title,
        description: e.description,
        recommendation: e.recommendation,
        scope,
    }
}

/// The snapshot a run assessed, when it can be read again unchanged: the demo of this
/// version, or a directory whose content hash still matches. `None` otherwise (the run
/// loaded no snapshot, or its directory changed or went away).
pub fn reread_snapshot(info: &SnapshotInfo) -> Option<Snapshot> {
    match (info.source.as_str(), &info.location) {
        ("demo", _) if info.content_hash == demo_hash() => Some(kensa_model::demo::snapshot()),
        (_, Some(dir)) => {
            let path = std::path::Path::new(dir);
            match kensa_store::hash_directory(path) {
                Ok(h) if h == info.content_hash => Snapshot::load(path).ok(),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The content hash a run of the bundled demo records.
fn demo_hash() -> String {
    format!("demo-{}", env!("CARGO_PKG_VERSION"))
}

/// The instances of `snap` inside `target`'s scope.
fn instances(snap: &Snapshot, target: &Target) -> Vec<InstanceInfo> {
    let scope = RunScope::of(target, snap);
    kensa_report::assessment::scan::instances(snap)
        .into_iter()
        .filter(|i| scope.instances.binary_search(&i.id).is_ok())
        .collect()
}
