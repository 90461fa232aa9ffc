//! A writer process killed with SIGKILL mid-run, and a PostgreSQL that goes away
//! mid-run: what was stored stays, the error says what and where, the run ends FAILED.
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use kensa_model::{Package, Severity};
use kensa_store::{FindingFilter, FindingWriter, Location, RunState, Store};
use sqlx::Executor;

use crate::backends::postgres_url;
use crate::finding;
use crate::model::{target, template};

const CHILD_STORE: &str = "KENSA_STORE_TEST_CHILD";

/// Not a test of its own: the child process of the kill test. It creates a run and
/// stores findings in batches of 10 forever, printing each flush, until it is killed.
#[tokio::test]
async fn child_writer_until_killed() {
    let Ok(location) = std::env::var(CHILD_STORE) else {
        return;
    };
    let s = Store::open(&Location::parse(&location)).await.unwrap();
    s.create_target(&target("all", &[])).await.unwrap();
    let tpl = s
        .create_template(&template("tpl", "all", &["config"]))
        .await
        .unwrap();
    let run = s.create_run(&tpl).await.unwrap();
    s.set_run_state(run, RunState::EvaluatingRules, None)
        .await
        .unwrap();
    let mut w = FindingWriter::new(&s, run, &tpl.user_attributes, "2026-12-07")
        .await
        .unwrap()
        .with_batch_size(10);
    for i in 0.. {
        let rule = format!("R{i}");
        w.push(finding(Package::Config, &rule, "i-web", Severity::Low))
            .await
            .unwrap();
        if i % 10 == 9 {
            println!("flushed {} run {run}", i + 1);
        }
    }
}

/// Runs the child writer on `location`, SIGKILLs it after it reported 3 flushes, and
/// returns (run id, findings it reported stored).
fn write_then_kill(location: &str) -> (i64, i64) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "killed::child_writer_until_killed",
            "--nocapture",
        ])
        .env(CHILD_STORE, location)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut last = (0, 0);
    let mut flushes = 0;
    while flushes < 3 {
        let line = lines.next().expect("the child stopped early").unwrap();
        let Some(rest) = line.strip_prefix("flushed ") else {
            continue;
        };
        let (n, run) = rest.split_once(" run ").unwrap();
        last = (run.trim().parse().unwrap(), n.parse().unwrap());
        flushes += 1;
    }
    child.kill().unwrap(); // SIGKILL on Unix: no destructor, no flush, no goodbye.
    child.wait().unwrap();
    last
}

#[tokio::test]
async fn a_sigkilled_run_keeps_its_findings_and_is_marked_failed() {
    let dir = tempfile::tempdir().unwrap();
    let mut locations = vec![dir.path().join("store.db").display().to_string()];
    locations.extend(postgres_url().await);
    for location in locations {
        let (run, stored) = write_then_kill(&location);
        let s = Store::open(&Location::parse(&location)).await.unwrap();
        let filter = FindingFilter {
            run: Some(run),
            ..Default::default()
        };
        let kept = s.count_findings(&filter).await.unwrap();
        assert!(kept >= stored, "{location}: {kept} kept < {stored} stored");
        let recovered = s.recover_interrupted_runs().await.unwrap();
        assert_eq!(recovered.iter().map(|r| r.0).collect::<Vec<_>>(), [run]);
        let r = s.run(run).await.unwrap();
        assert_eq!(r.state, RunState::Failed, "{location}");
        let reason = r.state_reason.unwrap();
        assert!(
            reason.contains("interrupted") && reason.contains("EVALUATING_RULES"),
            "{reason}"
        );
        assert_eq!(s.count_findings(&filter).await.unwrap(), kept);
    }
}

#[tokio::test]
async fn postgres_going_away_mid_run_is_named_and_loses_nothing_stored() {
    let Some(url) = postgres_url().await else {
        return;
    };
    let database = url.rsplit('/').next().unwrap().to_string();
    let admin = sqlx::AnyPool::connect(&std::env::var("KENSA_TEST_POSTGRES").unwrap())
        .await
        .unwrap();
    let s = Store::open(&Location::Postgres(url.clone())).await.unwrap();
    s.create_target(&target("all", &[])).await.unwrap();
    let tpl = s
        .create_template(&template("tpl", "all", &["config"]))
        .await
        .unwrap();
    let run = s.create_run(&tpl).await.unwrap();
    s.set_run_state(run, RunState::EvaluatingRules, None)
        .await
        .unwrap();
    let mut w = FindingWriter::new(&s, run, &tpl.user_attributes, "2026-12-07")
        .await
        .unwrap()
        .with_batch_size(5);
    for i in 0..5 {
        let rule = format!("R{i}");
        w.push(finding(Package::Config, &rule, "i-web", Severity::High))
            .await
            .unwrap();
    }
    // The server goes away: no new connections, every open one terminated.
    let cut = format!("ALTER DATABASE {database} ALLOW_CONNECTIONS false");
    admin.execute(cut.as_str()).await.unwrap();
    let kill = format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'"
    );
    admin.execute(kill.as_str()).await.unwrap();
    let mut failed = None;
    for i in 5..10 {
        let rule = format!("R{i}");
        if let Err(e) = w
            .push(finding(Package::Config, &rule, "i-web", Severity::High))
            .await
        {
            failed = Some(e.to_string());
            break;
        }
    }
    let text = failed.expect("writing to a PostgreSQL that went away must fail");
    assert!(
        text.contains("store query failed (") || text.contains("unreachable"),
        "{text}"
    );
    drop(w);
    s.close().await;

    let back = format!("ALTER DATABASE {database} ALLOW_CONNECTIONS true");
    admin.execute(back.as_str()).await.unwrap();
    let s = Store::open(&Location::Postgres(url)).await.unwrap();
    let filter = FindingFilter {
        run: Some(run),
        ..Default::default()
    };
    assert_eq!(
        s.count_findings(&filter).await.unwrap(),
        5,
        "the first batch stays"
    );
    let recovered = s.recover_interrupted_runs().await.unwrap();
    assert_eq!(recovered.len(), 1, "{recovered:?}");
    assert_eq!(s.run(run).await.unwrap().state, RunState::Failed);
}
