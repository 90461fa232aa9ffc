//! `kensa report --run ID`: an [`AssessmentReport`] filled from a stored run, so the
//! report shows what the run recorded (its states, template, target, the findings it saw
//! and its exclusions) rather than a fresh scan. The one place that maps the store's
//! records onto the report's; kensa-report knows nothing of the store.
use std::collections::BTreeSet;

use anyhow::Context as _;
use kensa_model::{FindingStatus, Snapshot};
use kensa_report::assessment::{
    AccountRegion, AssessmentReport, Exclusion, ExclusionScope, InstanceInfo, PassedRule, RunInfo,
    StateChange, TargetInfo, TemplateInfo,
};
use kensa_store::{FindingFilter, Run, RunScope, Store, Target, Template};

use super::store_common::Db;

/// Findings are read from the store this many at a time.
const PAGE: i64 = 1000;

/// Why a stored run's `full` report lists no passed rules when the run recorded none.
const PASSED_RULES_UNKNOWN: &str = "This run recorded no rule outcomes (it was stored by an older kensa, or it stopped before its rules were evaluated), so the rules that passed everywhere cannot be listed. Run the template again, or `kensa report SNAPSHOT --type full` for a snapshot.";

/// Reads run `id` and everything the report shows about it.
pub fn from_run(db: &Db, id: i64, generated_at: String) -> anyhow::Result<AssessmentReport> {
    let store = &db.store;
    let run = db.call(store.run(id))?;
    let template = db
        .call(store.template(&run.template))
        .with_context(|| format!("run {id}: reading its template `{}`", run.template))?;
    let target = db
        .call(store.target(&template.target))
        .with_context(|| format!("run {id}: reading its target `{}`", template.target))?;
    let mut findings = Vec::new();
    for stored in db.call(all_findings(store, id))? {
        let mut f = stored.finding;
        for (k, v) in stored.user_attributes {
            f.attributes.entry(k).or_insert(v);
        }
        // The run saw it, so it was open then; a later run may have resolved it since.
        if f.status == FindingStatus::Resolved {
            f.status = FindingStatus::Active;
        }
        findings.push(f);
    }
    let exclusions = db
        .call(store.exclusions(id))?
        .into_iter()
        .map(exclusion)
        .collect();
    let (passed_rules, passed_rules_note) = match db.call(store.passed_rules(id))? {
        Some(recorded) => (recorded.passed.into_iter().map(passed_rule).collect(), None),
        None => (Vec::new(), Some(PASSED_RULES_UNKNOWN.to_string())),
    };
    Ok(AssessmentReport {
        run: run_info(&run),
        template: template_info(&template),
        target: target_info(&target, &run),
        findings,
        exclusions,
        passed_rules,
        passed_rules_note,
        instances: instances(&run, &target),
        generated_at,
    })
}

/// Every finding run `id` saw, page by page.
async fn all_findings(
    store: &Store,
    id: i64,
) -> kensa_store::Result<Vec<kensa_store::StoredFinding>> {
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

/// The instances the run evaluated, when its snapshot can be read again unchanged (the
/// demo of this version, or a directory whose content hash still matches). Otherwise
/// none: the report then lists the instances its findings name.
fn instances(run: &Run, target: &Target) -> Vec<InstanceInfo> {
    let Some(info) = &run.snapshot else {
        return Vec::new();
    };
    let snap = match (info.source.as_str(), &info.location) {
        ("demo", _) if info.content_hash == format!("demo-{}", env!("CARGO_PKG_VERSION")) => {
            kensa_model::demo::snapshot()
        }
        (_, Some(dir)) => {
            let path = std::path::Path::new(dir);
            match kensa_store::hash_directory(path) {
                Ok(h) if h == info.content_hash => match Snapshot::load(path) {
                    Ok(s) => s,
                    Err(_) => return Vec::new(),
                },
                _ => return Vec::new(),
            }
        }
        _ => return Vec::new(),
    };
    let scope = RunScope::of(target, &snap);
    kensa_report::assessment::scan::instances(&snap)
        .into_iter()
        .filter(|i| scope.instances.binary_search(&i.id).is_ok())
        .collect()
}
