//! Schedules, account roles and `serve --worker` through the binary: what they store,
//! and the clear refusals (bad cron, a role of another account, a SQLite worker).
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn kensa(store: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kensa"))
        .args(args)
        .env("KENSA_STORE", store)
        .env_remove("XDG_DATA_HOME")
        .output()
        .expect("run kensa")
}

fn ok(store: &Path, args: &[&str]) -> String {
    let out = kensa(store, args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "kensa {args:?} failed: {err}");
    String::from_utf8(out.stdout).unwrap()
}

fn refused(store: &Path, args: &[&str]) -> String {
    let out = kensa(store, args);
    assert!(!out.status.success(), "kensa {args:?} should fail");
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn schedules_and_account_roles_are_stored_and_bad_ones_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store.db");
    ok(&store, &["target", "create", "all"]);
    ok(
        &store,
        &[
            "template",
            "create",
            "nightly",
            "--target",
            "all",
            "--package",
            "config",
        ],
    );
    let err = refused(&store, &["schedule", "set", "nightly", "--cron", "0 3 * *"]);
    assert!(err.contains("expected five fields"), "{err}");
    let err = refused(
        &store,
        &["schedule", "set", "absent", "--cron", "0 3 * * *"],
    );
    assert!(err.contains("absent"), "{err}");
    ok(
        &store,
        &["schedule", "set", "nightly", "--cron", "0 3 * * *"],
    );
    let listed: Value =
        serde_json::from_str(&ok(&store, &["schedule", "list", "-f", "json"])).unwrap();
    assert_eq!(listed[0]["cron"], "0 3 * * *");
    assert!(listed[0]["next_due_at"]
        .as_str()
        .unwrap()
        .ends_with("T03:00:00.000Z"));

    let err = refused(
        &store,
        &[
            "account",
            "set-role",
            "111122223333",
            "--role-arn",
            "arn:aws:iam::444455556666:role/x",
        ],
    );
    assert!(
        err.contains("not an IAM role of account 111122223333"),
        "{err}"
    );
    ok(
        &store,
        &[
            "account",
            "set-role",
            "111122223333",
            "--role-arn",
            "arn:aws:iam::111122223333:role/kensa-audit",
            "--external-id",
            "ext-1",
        ],
    );
    let roles: Value =
        serde_json::from_str(&ok(&store, &["account", "roles", "-f", "json"])).unwrap();
    assert_eq!(roles[0]["external_id"], "ext-1");
    ok(&store, &["schedule", "delete", "nightly"]);
}

#[test]
fn a_worker_refuses_a_sqlite_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store.db");
    let err = refused(&store, &["serve", "--worker"]);
    assert!(
        err.contains("--worker needs a PostgreSQL store") && err.contains("store.db"),
        "{err}"
    );
    assert!(!store.exists(), "nothing was created");
}
