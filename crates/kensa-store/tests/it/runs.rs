//! Runs: states, two runs and their diff, resolution rules, interrupted runs.
use std::collections::HashSet;

use kensa_model::{Document, Finding, FindingStatus, Package, Scope, Severity, Snapshot};
use kensa_store::{
    DiffKind, FindingFilter, FindingWriter, NewSnapshot, Resolution, RunScope, RunState, Store,
    Template,
};

use crate::backends::stores;
use crate::finding;
use crate::model::{target, template};

/// A snapshot of two instances: i-web (env=prod, in sg-web) and i-db (env=dev).
pub fn snapshot() -> Snapshot {
    let json = r#"{"Reservations": [{"Instances": [
        {"InstanceId": "i-web", "SubnetId": "subnet-1", "VpcId": "vpc-1",
         "SecurityGroups": [{"GroupId": "sg-web"}], "Tags": [{"Key": "env", "Value": "prod"}]},
        {"InstanceId": "i-db", "SubnetId": "subnet-2", "VpcId": "vpc-1",
         "SecurityGroups": [{"GroupId": "sg-db"}], "Tags": [{"Key": "env", "Value": "dev"}]}
    ]}]}"#;
    let scope = Scope {
        account: "111122223333".into(),
        region: "us-east-1".into(),
    };
    Snapshot::from_documents([Document::new(
        "aws_configs/us-east-1/Instances.json".to_string(),
        scope,
        json,
    )])
}

/// Runs `tpl` over `findings` and ends it in `state` (resolving when COMPLETED).
pub async fn run_with(s: &Store, tpl: &Template, findings: Vec<Finding>, state: RunState) -> i64 {
    let snap = snapshot();
    let tgt = s.target(&tpl.target).await.unwrap();
    let scope = RunScope::of(&tgt, &snap);
    let run = s.create_run(tpl).await.unwrap();
    s.set_run_state(run, RunState::CollectingData, None)
        .await
        .unwrap();
    s.attach_snapshot(
        run,
        &NewSnapshot::describe(&snap, "directory", Some("/snap".into()), "h".into()),
    )
    .await
    .unwrap();
    s.set_run_state(run, RunState::DataCollected, None)
        .await
        .unwrap();
    s.set_run_state(run, RunState::EvaluatingRules, None)
        .await
        .unwrap();
    let mut w = FindingWriter::new(s, run, &tpl.user_attributes, "2026-12-07")
        .await
        .unwrap()
        .with_batch_size(2);
    for f in findings.into_iter().filter(|f| scope.covers_finding(f)) {
        w.push(f).await.unwrap();
    }
    w.finish().await.unwrap();
    let resolution = Resolution {
        packages: tpl.packages.clone(),
        scope: &scope,
        excluded_resources: HashSet::new(),
    };
    s.finish_run(run, state, None, Some(resolution))
        .await
        .unwrap();
    run
}

fn a() -> Finding {
    finding(Package::Config, "EC2.19", "sg-web", Severity::High)
}
fn b() -> Finding {
    finding(Package::Config, "EC2.18", "sg-web", Severity::Low)
}
fn c() -> Finding {
    finding(
        Package::NetworkReachability,
        "NetworkExposure",
        "i-web",
        Severity::Medium,
    )
}
fn d() -> Finding {
    finding(Package::Config, "EC2.8", "i-web", Severity::Low)
}

#[tokio::test]
async fn two_runs_diff_exactly_and_keep_ids() {
    for t in stores().await {
        let s = &t.store;
        s.create_target(&target("all", &[])).await.unwrap();
        let tpl = s
            .create_template(&template("tpl", "all", &["config", "network-reachability"]))
            .await
            .unwrap();
        let r1 = run_with(s, &tpl, vec![a(), b(), c()], RunState::Completed).await;
        let first = s.finding(&a().id).await.unwrap();
        let mut c_critical = c();
        c_critical.severity = Severity::Critical;
        let r2 = run_with(s, &tpl, vec![a(), c_critical, d()], RunState::Completed).await;

        let diff = s.diff_runs(r1, r2).await.unwrap();
        let kinds: Vec<(DiffKind, String)> = diff
            .entries
            .iter()
            .map(|e| (e.kind, e.id.clone()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (DiffKind::New, d().id),
                (DiffKind::Resolved, b().id),
                (DiffKind::ChangedSeverity, c().id),
                (DiffKind::Unchanged, a().id),
            ],
            "{}",
            t.name
        );
        let changed = &diff.entries[2];
        assert_eq!(
            (changed.severity_a, changed.severity_b),
            (Some(Severity::Medium), Some(Severity::Critical))
        );
        // The dashboard's summary agrees with the full diff, on both backends.
        let summary = s.diff_summary(r1, r2, 10).await.unwrap();
        for kind in [
            DiffKind::New,
            DiffKind::Resolved,
            DiffKind::ChangedSeverity,
            DiffKind::Unchanged,
        ] {
            assert_eq!(
                summary.count(kind),
                diff.count(kind) as i64,
                "{kind:?} in {}",
                t.name
            );
        }
        let changed_entries: Vec<_> = diff
            .entries
            .iter()
            .filter(|e| e.kind != DiffKind::Unchanged)
            .cloned()
            .collect();
        assert_eq!(summary.entries, changed_entries, "{}", t.name);
        let capped = s.diff_summary(r1, r2, 0).await.unwrap();
        assert!(capped.entries.is_empty() && capped.new == 1, "{}", t.name);

        let again = s.finding(&a().id).await.unwrap();
        assert_eq!(again.finding.id, first.finding.id);
        assert_eq!(
            again.finding.first_seen, first.finding.first_seen,
            "{}",
            t.name
        );
        assert!(again.finding.last_seen >= first.finding.last_seen);
        assert_eq!(again.runs, vec![r1, r2]);
        assert_eq!((again.first_run, again.last_run), (r1, r2));
        assert_eq!(again.user_attributes["owner"], "team-a");
        let gone = s.finding(&b().id).await.unwrap();
        assert_eq!(gone.finding.status, FindingStatus::Resolved, "{}", t.name);
        assert_eq!(gone.resolved_by_run, Some(r2));

        let run = s.run(r2).await.unwrap();
        assert_eq!(run.state, RunState::Completed);
        assert_eq!(
            (run.counts.critical, run.counts.high, run.counts.low),
            (1, 1, 1)
        );
        assert_eq!(run.resolved, 1);
        let states: Vec<RunState> = run.states.iter().map(|c| c.state).collect();
        assert_eq!(
            states,
            vec![
                RunState::Created,
                RunState::CollectingData,
                RunState::DataCollected,
                RunState::EvaluatingRules,
                RunState::Completed
            ]
        );
        assert!(run.states.windows(2).all(|w| w[0].at <= w[1].at));
        assert_eq!(
            run.snapshot.unwrap().accounts,
            vec!["111122223333".to_string()]
        );
        // A finding seen again after being resolved is active again.
        run_with(s, &tpl, vec![a(), b()], RunState::Completed).await;
        assert_eq!(
            s.finding(&b().id).await.unwrap().finding.status,
            FindingStatus::Active
        );
        let err = s
            .set_run_state(r2, RunState::Failed, None)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("already COMPLETED"), "{err}");
    }
}

#[tokio::test]
async fn only_complete_runs_in_scope_of_the_package_resolve() {
    for t in stores().await {
        let s = &t.store;
        s.create_target(&target("all", &[])).await.unwrap();
        s.create_target(&target("prod", &["env=prod"]))
            .await
            .unwrap();
        let both = s
            .create_template(&template(
                "both",
                "all",
                &["config", "network-reachability"],
            ))
            .await
            .unwrap();
        let net = s
            .create_template(&template("net", "all", &["network-reachability"]))
            .await
            .unwrap();
        let prod = s
            .create_template(&template(
                "prod",
                "prod",
                &["config", "network-reachability"],
            ))
            .await
            .unwrap();
        let on_db = finding(Package::Config, "EC2.19", "sg-db", Severity::High);
        run_with(s, &both, vec![a(), c(), on_db.clone()], RunState::Completed).await;
        // A partial run resolves nothing.
        run_with(s, &both, vec![], RunState::CompletedWithErrors).await;
        // A run without the config package does not resolve config findings.
        run_with(s, &net, vec![], RunState::Completed).await;
        let status = |id: String| async move { s.finding(&id).await.unwrap().finding.status };
        assert_eq!(status(a().id).await, FindingStatus::Active, "{}", t.name);
        assert_eq!(status(c().id).await, FindingStatus::Resolved, "{}", t.name);
        // A tag target covers i-web and what it uses (sg-web), not sg-db.
        run_with(s, &prod, vec![], RunState::Completed).await;
        assert_eq!(status(a().id).await, FindingStatus::Resolved, "{}", t.name);
        assert_eq!(
            status(on_db.id.clone()).await,
            FindingStatus::Active,
            "{}",
            t.name
        );
    }
}

#[tokio::test]
async fn a_killed_run_keeps_its_findings_and_is_marked_failed() {
    for t in stores().await {
        let s = &t.store;
        s.create_target(&target("all", &[])).await.unwrap();
        let tpl = s
            .create_template(&template("tpl", "all", &["config"]))
            .await
            .unwrap();
        let run = s.create_run(&tpl).await.unwrap();
        s.set_run_state(run, RunState::EvaluatingRules, None)
            .await
            .unwrap();
        let mut w = FindingWriter::new(s, run, &tpl.user_attributes, "2026-12-07")
            .await
            .unwrap()
            .with_batch_size(2);
        for rule in ["R1", "R2", "R3", "R4", "R5"] {
            w.push(finding(Package::Config, rule, "i-web", Severity::Low))
                .await
                .unwrap();
        }
        // The process dies here: the fifth finding was never flushed, the run never ended.
        drop(w);
        let filter = FindingFilter {
            run: Some(run),
            ..Default::default()
        };
        assert_eq!(s.count_findings(&filter).await.unwrap(), 4, "{}", t.name);
        let recovered = s.recover_interrupted_runs().await.unwrap();
        assert_eq!(recovered.len(), 1);
        let r = s.run(run).await.unwrap();
        assert_eq!(r.state, RunState::Failed);
        let reason = r.state_reason.unwrap();
        assert!(
            reason.contains("interrupted") && reason.contains("EVALUATING_RULES"),
            "{reason}"
        );
        assert_eq!(s.count_findings(&filter).await.unwrap(), 4);
        assert!(s.recover_interrupted_runs().await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn a_run_without_a_live_owner_is_canceled_at_once() {
    for t in stores().await {
        let s = &t.store;
        s.create_target(&target("all", &[])).await.unwrap();
        let tpl = s
            .create_template(&template("tpl", "all", &["config"]))
            .await
            .unwrap();
        let run = s.create_run(&tpl).await.unwrap();
        assert!(s.cancel_run(run).await.unwrap(), "{}", t.name);
        assert_eq!(s.run(run).await.unwrap().state, RunState::Canceled);
        let err = s.cancel_run(run).await.unwrap_err();
        assert!(err.to_string().contains("already CANCELED"), "{err}");
        assert_eq!(s.runs(Some("tpl")).await.unwrap().len(), 1);
    }
}
