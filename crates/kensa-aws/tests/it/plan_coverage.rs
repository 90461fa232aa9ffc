//! The remediation plan fixes exactly what the checks fail: for the demo account and every
//! corpus snapshot, and every control kensa can remediate, the plan's resources are the
//! resources failing that control. No moto needed.
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use kensa_aws::collect::Extras;
use kensa_aws::remediate::{build_plan, remediable_controls, Mode, PlanRequest};
use kensa_model::Snapshot;
use kensa_rules::{find_rule, Context, Outcome};

fn snapshots() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut dirs = vec![root.join("examples/demo")];
    let corpus = std::env::var_os("KENSA_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/corpus"));
    match std::fs::read_dir(corpus.join("aws/batfish")) {
        Ok(entries) => {
            let mut cases: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.join("aws_configs").is_dir())
                .collect();
            cases.sort();
            dirs.extend(cases);
            dirs.push(corpus.join("aws/cloudmapper-demo"));
        }
        Err(_) => eprintln!(
            "notice: corpus not found at {}; demo only",
            corpus.display()
        ),
    }
    dirs
}

/// The ids a plan names for the resources a check failed (an account setting is planned
/// under its region when the snapshot names no account).
fn expected(snap: &Snapshot, control: &str) -> BTreeSet<String> {
    let rule = find_rule(control).unwrap();
    rule.evaluate(&Context::new(snap), &rule.defaults)
        .into_iter()
        .filter(|e| e.outcome == Outcome::NonCompliant)
        .map(|e| match e.resource.resource_type.as_str() {
            "AwsAccount" if e.resource.account.is_empty() => e.resource.region,
            _ => e.resource.id,
        })
        .collect()
}

#[test]
fn plans_name_exactly_the_failing_resources() {
    let mut compared = 0;
    for dir in snapshots() {
        let snap = Snapshot::load(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for control in remediable_controls() {
            let want = expected(&snap, &control);
            for mode in [Mode::Revoke, Mode::Narrow] {
                let plan = build_plan(&PlanRequest {
                    snapshot: &snap,
                    extras: &Extras::default(),
                    controls: std::slice::from_ref(&control),
                    mode,
                    source: dir.display().to_string(),
                })
                .unwrap();
                let got: BTreeSet<String> =
                    plan.actions.iter().map(|a| a.resource_id.clone()).collect();
                assert_eq!(got, want, "{control} ({mode:?}) on {}", dir.display());
                assert!(plan.actions.iter().all(|a| a.controls == [control.clone()]));
            }
            compared += usize::from(!want.is_empty());
        }
    }
    // The demo alone fails several remediable controls: the comparison is not vacuous.
    assert!(
        compared > 5,
        "only {compared} control/snapshot pairs had failures"
    );
}

#[test]
fn imdsv2_fix_never_touches_the_endpoint() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo");
    let snap = Snapshot::load(&dir).unwrap();
    let plan = build_plan(&PlanRequest {
        snapshot: &snap,
        extras: &Extras::default(),
        controls: &["EC2.8".to_string()],
        mode: Mode::Revoke,
        source: "demo".into(),
    })
    .unwrap();
    assert!(!plan.actions.is_empty());
    for a in &plan.actions {
        for c in &a.calls {
            assert!(c.params.get("HttpEndpoint").is_none(), "{c:?}");
        }
        let endpoint = snap.instances[&a.resource_id]
            .metadata()
            .and_then(|m| m.http_endpoint);
        assert_ne!(endpoint.as_deref(), Some("disabled"), "{}", a.resource_id);
    }
}
