//! Running a template's packages over a loaded snapshot, streaming in-scope findings to
//! the store. A package that panics becomes an EVALUATION_ERROR exclusion; the others
//! still run.
use std::panic::{catch_unwind, AssertUnwindSafe};

use kensa_model::{Finding, Package, Snapshot};
use kensa_store::{
    clock, Exclusion, ExclusionKind, ExclusionScope, FindingWriter, RunScope, Store, StoreError,
    Template,
};

pub(crate) async fn evaluate(
    store: &Store,
    run: i64,
    template: &Template,
    snap: &Snapshot,
    scope: &RunScope,
    excluded: &mut Vec<Exclusion>,
) -> Result<(), StoreError> {
    let today = clock::today();
    let mut writer = FindingWriter::new(store, run, &template.user_attributes, &today).await?;
    let wants = |p| template.packages.contains(&p);
    let needs_analysis = wants(Package::NetworkReachability) || wants(Package::Config);
    let analysis = if needs_analysis {
        match catch_unwind(AssertUnwindSafe(|| kensa_net::analyze(snap))) {
            Ok(a) => Some(a),
            Err(p) => {
                let error = evaluation_error(Package::NetworkReachability, &panic_text(&p));
                excluded.push(error);
                None
            }
        }
    } else {
        None
    };
    if let (true, Some(analysis)) = (wants(Package::NetworkReachability), &analysis) {
        match catch_unwind(AssertUnwindSafe(|| kensa_net::findings::findings(analysis))) {
            Ok(findings) => push_all(&mut writer, scope, findings).await?,
            Err(p) => excluded.push(evaluation_error(
                Package::NetworkReachability,
                &panic_text(&p),
            )),
        }
    }
    if wants(Package::Config) {
        let name = template.framework.as_deref().unwrap_or("fsbp");
        let assessed = kensa_rules::framework::resolve(name)
            .map_err(|e| e.to_string())
            .and_then(|framework| {
                catch_unwind(AssertUnwindSafe(|| {
                    let reach = analysis.as_ref().map(kensa_rules::NetReachability::new);
                    let mut ctx = kensa_rules::Context::new(snap);
                    if let Some(r) = &reach {
                        ctx = ctx.with_reachability(r);
                    }
                    kensa_rules::assess(&ctx, &framework)
                }))
                .map_err(|p| panic_text(&p))
            });
        match assessed {
            Ok(assessment) => {
                for rule_run in assessment.runs {
                    push_all(&mut writer, scope, rule_run.findings).await?;
                }
            }
            Err(message) => excluded.push(evaluation_error(Package::Config, &message)),
        }
    }
    writer.finish().await.map(|_stored| ())
}

async fn push_all(
    writer: &mut FindingWriter<'_>,
    scope: &RunScope,
    findings: Vec<Finding>,
) -> Result<(), StoreError> {
    for f in findings.into_iter().filter(|f| scope.covers_finding(f)) {
        writer.push(f).await?;
    }
    Ok(())
}

fn evaluation_error(package: Package, message: &str) -> Exclusion {
    Exclusion {
        kind: ExclusionKind::EvaluationError,
        title: format!("The {} package failed", package.as_str()),
        description: format!("Evaluating the {} package stopped with an internal error: {message}. Its findings are missing from this run.", package.as_str()),
        recommendation: "Report the error with the snapshot (kensa -vv run start ...); the run resolves nothing until the package completes.".into(),
        scope: ExclusionScope::Package(package.as_str().into()),
        attributes: Default::default(),
    }
}

fn panic_text(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}
