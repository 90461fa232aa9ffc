//! Remediation end to end against moto, in real headless Chromium: a security group
//! with SSH open to 0.0.0.0/0; the library plans its fix from a collected snapshot,
//! applies it (journal on disk first) and records the journal in the server's store;
//! an operator signs in, opens the journal and presses Rollback; moto then holds the
//! group exactly as it was. A viewer sees no button and is refused the rollback.
use std::path::{Path, PathBuf};

use kensa_aws::collect::{collect, CollectOptions, Extras};
use kensa_aws::remediate::{
    apply_plan, build_plan, ApplyOptions, Mode, PlanRequest, RuleSpec, Source,
};
use kensa_aws::testing::{MotoServer, TEST_REGION};
use kensa_server::auth::Role;
use kensa_store::{Location, Store};

use crate::common::{call, TestServer};
use crate::dash_cdp::{chromium_path, Chromium};

fn screenshot_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"))
        .join("kensa-screenshots")
}

fn ssh_from_world() -> RuleSpec {
    RuleSpec {
        egress: false,
        ip_protocol: "tcp".into(),
        from_port: Some(22),
        to_port: Some(22),
        source: Source::CidrIpv4("0.0.0.0/0".into()),
        description: Some("ssh from anywhere".into()),
        rule_id: None,
    }
}

/// Collects moto, plans EC2.13 (no SSH from the world), applies it with a journal under
/// `journals`, and records that journal in the store at `store`. Returns its id.
async fn apply_and_record(moto: &MotoServer, journals: &Path, store: &Location) -> String {
    let snap_dir = tempfile::tempdir().unwrap();
    let target = moto.target(&[TEST_REGION]);
    collect(&target, &CollectOptions::quiet(snap_dir.path()))
        .await
        .expect("collect from moto");
    let snapshot = kensa_model::Snapshot::load(snap_dir.path()).unwrap();
    let extras = Extras::load(snap_dir.path()).unwrap();
    let plan = build_plan(&PlanRequest {
        snapshot: &snapshot,
        extras: &extras,
        controls: &["EC2.13".to_string()],
        mode: Mode::Revoke,
        source: "moto".into(),
    })
    .unwrap();
    assert_eq!(plan.actions.len(), 1, "{}", plan.render_text());
    let opts = ApplyOptions {
        apply: true,
        journal_root: journals.to_owned(),
        now: std::time::SystemTime::now(),
    };
    let report = apply_plan(&target, &plan, &opts).await.expect("apply");
    assert_eq!(report.failed(), 0, "{}", report.render_text());
    let id = report.journal_id.expect("a journal");
    let store = Store::open(store).await.unwrap();
    kensa_server::remediation::import_journal(&store, journals, &id, "cli")
        .await
        .unwrap();
    id
}

fn sign_in(b: &mut Chromium, server: &TestServer, role: Role, next: &str) {
    b.goto(&server.url(next));
    b.wait_for("location.pathname === '/login'", 10);
    b.eval(&format!(
        "document.querySelector('#token').value = '{}'; document.querySelector('form.login').submit(); true",
        server.token(role)
    ));
    b.wait_for(
        &format!("location.pathname === '{next}' && document.readyState === 'complete'"),
        10,
    );
}

#[test]
fn operator_rolls_back_a_moto_journal_from_the_dashboard() {
    let Some(chromium) = chromium_path() else {
        eprintln!("notice: no Chromium (KENSA_CHROMIUM or /usr/bin/chromium); skipped");
        return;
    };
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let group = rt.block_on(moto.create_group("web-ssh", &[ssh_from_world()]));
    let original = rt.block_on(moto.group_json(&group));

    let mut store = None;
    let server = TestServer::start(|c| {
        store = Some(c.store.clone());
        c.aws = moto.target(&[TEST_REGION]);
    });
    let journals = tempfile::tempdir().unwrap();
    let id = rt.block_on(apply_and_record(&moto, journals.path(), &store.unwrap()));
    let applied = rt.block_on(moto.group_json(&group));
    assert_ne!(applied, original, "the apply removed the SSH rule");
    let page = format!("/remediation/{id}");

    // A viewer sees the journal but no button, and the server refuses the form anyway.
    let shots = screenshot_dir();
    let mut viewer = Chromium::launch(&chromium, 1280, 900);
    sign_in(&mut viewer, &server, Role::Viewer, &page);
    let buttons = viewer.eval("document.querySelectorAll('form.rollback').length");
    assert_eq!(buttons.as_u64(), Some(0), "no rollback button for a viewer");
    drop(viewer);
    let token = server.token(Role::Viewer);
    let refused = call(
        "POST",
        &server.url(&format!("{page}/rollback")),
        Some(token),
        &[],
        None,
    );
    assert_eq!(refused.status, 403, "{}", refused.body);
    let api = format!("/api/v1/remediation/journals/{id}/rollback");
    assert_eq!(
        call("POST", &server.url(&api), Some(token), &[], None).status,
        403
    );

    let mut b = Chromium::launch(&chromium, 1280, 900);
    sign_in(&mut b, &server, Role::Operator, "/remediation");
    b.wait_for("document.querySelector('table.journals a')", 10);
    b.screenshot(&shots.join("20-remediation.png"));
    b.eval("document.querySelector('table.journals a').click(); true");
    b.wait_for(
        &format!(
            "decodeURIComponent(location.pathname) === '{page}' && document.readyState === 'complete'"
        ),
        10,
    );
    let state = b.eval("document.querySelector('h1 .state').textContent");
    assert_eq!(state.as_str(), Some("applied"));
    b.screenshot(&shots.join("21-journal-applied.png"));
    // The form asks for confirmation (window.confirm); answer yes.
    b.eval(
        "window.confirm = () => true; document.querySelector('form.rollback button').click(); true",
    );
    b.wait_for(
        "document.querySelector('h1 .state') && document.querySelector('h1 .state').textContent === 'rolled-back'",
        60,
    );
    let action = b.eval(
        "document.querySelector('table.journal-actions tbody tr td:nth-child(2)').textContent",
    );
    assert_eq!(action.as_str(), Some("rolled-back"));
    assert_eq!(
        b.eval("document.querySelectorAll('form.rollback').length")
            .as_u64(),
        Some(0)
    );
    b.screenshot(&shots.join("22-journal-rolled-back.png"));

    assert_eq!(
        rt.block_on(moto.group_json(&group)),
        original,
        "moto holds the group exactly as before the apply"
    );
    let operator = server.token(Role::Operator);
    let journal = call(
        "GET",
        &server.url(&format!("/api/v1/remediation/journals/{id}")),
        Some(operator),
        &[],
        None,
    )
    .json();
    assert_eq!(journal["state"], "rolled-back");
    assert_eq!(journal["rolled_back_by"], "test-operator");
    assert_eq!(journal["actions"][0]["rollback"]["restored"], true);
    let again = call("POST", &server.url(&api), Some(operator), &[], None);
    assert_eq!(again.status, 409, "{}", again.body);
    let audit = call(
        "GET",
        &server.url("/api/v1/audit"),
        Some(server.token(Role::Admin)),
        &[],
        None,
    );
    assert!(
        audit.body.contains("remediation.rollback"),
        "{}",
        audit.body
    );
    let csp: Vec<&String> = b
        .console
        .iter()
        .filter(|m| m.contains("Content Security Policy") || m.contains("Refused"))
        .collect();
    assert!(csp.is_empty(), "CSP violations: {csp:?}");
    eprintln!("screenshots in {}", shots.display());
}
