//! What the dashboard's pages cost over a large store: a SQLite store with
//! KENSA_BENCH_FINDINGS findings (default 100,000; copies of the demo run's findings
//! under new ids, all seen by one run), each page rendered in-process through the
//! router with a bearer token (auth, queries, HTML).
//!
//! `cargo bench -p kensa-server --bench dashboard`
use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request};
use criterion::{criterion_group, criterion_main, Criterion};
use kensa_server::auth::{token, Role};
use kensa_server::{AppState, ServerConfig};
use kensa_store::{
    FindingFilter, FindingWriter, Location, NewTarget, NewTemplate, RunState, Store,
};
use tower::ServiceExt;

struct Fixture {
    rt: tokio::runtime::Runtime,
    app: axum::Router,
    token: String,
    run: i64,
    demo_run: i64,
    n: usize,
    finding: String,
    _dir: tempfile::TempDir,
}

/// The demo run (it has a snapshot: the compliance page), the big run, a finding id.
async fn populate(store: &Store, n: usize) -> (i64, i64, String) {
    let target = store
        .create_target(&NewTarget {
            name: "bench".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let template = store
        .create_template(&NewTemplate {
            name: "bench".into(),
            target: "bench".into(),
            packages: vec!["network-reachability".into(), "config".into()],
            ..Default::default()
        })
        .await
        .unwrap();
    let demo = store.create_run(&template).await.unwrap();
    kensa_assess::execute(store, demo, &template, &target, async {
        Ok(kensa_assess::Input::Demo)
    })
    .await
    .unwrap();
    let base = store
        .findings(&FindingFilter {
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap();
    let run = store.create_run(&template).await.unwrap();
    for state in [
        RunState::CollectingData,
        RunState::DataCollected,
        RunState::EvaluatingRules,
    ] {
        store.set_run_state(run, state, None).await.unwrap();
    }
    let mut writer = FindingWriter::new(store, run, &BTreeMap::new(), "2026-12-07")
        .await
        .unwrap();
    for i in 0..n {
        let mut f = base[i % base.len()].finding.clone();
        f.id = format!("{:032x}", i + 1);
        writer.push(f).await.unwrap();
    }
    writer.finish().await.unwrap();
    store
        .finish_run(run, RunState::Completed, None, None)
        .await
        .unwrap();
    (demo, run, format!("{:032x}", n / 2 + 1))
}

fn fixture() -> Fixture {
    let n: usize = std::env::var("KENSA_BENCH_FINDINGS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let location = Location::File(dir.path().join("bench.db"));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (app, token, demo_run, run, finding) = rt.block_on(async {
        let store = Store::open(&location).await.unwrap();
        let started = std::time::Instant::now();
        let (demo_run, run, finding) = populate(&store, n).await;
        eprintln!("stored {n} findings in {:.1?}", started.elapsed());
        let (_, secret) = token::create(&store, "bench", Role::Viewer).await.unwrap();
        let state = AppState::new(store, Arc::new(ServerConfig::new(location.clone())));
        (kensa_server::router(state), secret, demo_run, run, finding)
    });
    Fixture {
        rt,
        app,
        token,
        run,
        demo_run,
        n,
        finding,
        _dir: dir,
    }
}

impl Fixture {
    /// A cursor halfway down the list (the API's `next_cursor`), for a deep page.
    fn deep_cursor(&self, depth: usize) -> String {
        let body = self.body(&format!("/api/v1/findings?limit=1&offset={depth}"));
        let page: serde_json::Value = serde_json::from_slice(&body).unwrap();
        page["next_cursor"].as_str().unwrap().to_string()
    }

    fn get(&self, path: &str) -> usize {
        self.body(path).len()
    }

    fn body(&self, path: &str) -> Vec<u8> {
        self.rt.block_on(async {
            let req = Request::get(path)
                .header(header::AUTHORIZATION, format!("Bearer {}", self.token))
                .body(Body::empty())
                .unwrap();
            let res = self.app.clone().oneshot(req).await.unwrap();
            assert_eq!(res.status(), 200, "{path}");
            axum::body::to_bytes(res.into_body(), usize::MAX)
                .await
                .unwrap()
                .to_vec()
        })
    }
}

fn pages(c: &mut Criterion) {
    let fx = fixture();
    let paths = [
        ("overview", "/".to_string()),
        ("findings first page", "/findings".to_string()),
        (
            "findings filtered",
            format!(
                "/findings?severity=high&package=network-reachability&status=active&run={}",
                fx.run
            ),
        ),
        (
            "findings deep page",
            format!("/findings?cursor={}", fx.deep_cursor(fx.n / 2)),
        ),
        (
            "findings page before a deep one",
            format!("/findings?before={}", fx.deep_cursor(fx.n / 2)),
        ),
        (
            "compliance",
            format!("/compliance?run={}&framework=fsbp", fx.demo_run),
        ),
        (
            "findings by attribute",
            "/findings?attribute=PORT%3D22".to_string(),
        ),
        ("finding", format!("/findings/{}", fx.finding)),
        ("run", format!("/runs/{}", fx.run)),
        ("runs", "/runs".to_string()),
    ];
    let mut group = c.benchmark_group("dashboard");
    group.sample_size(10);
    for (name, path) in &paths {
        group.bench_function(*name, |b| b.iter(|| fx.get(path)));
    }
    group.finish();
}

criterion_group!(benches, pages);
criterion_main!(benches);
