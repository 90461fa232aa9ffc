//! Property-based API test from the OpenAPI document: schemathesis (PyPI, installed
//! into .venv by scripts/test, found through KENSA_SCHEMATHESIS) generates requests for
//! every operation against a live server on 127.0.0.1 with an admin token and fails on
//! any 5xx, any response that violates the schema, an undocumented status code or
//! content type.
use std::process::Command;

use kensa_server::auth::Role;

use crate::common::TestServer;

#[test]
fn schemathesis_finds_no_server_error_and_no_schema_violation() {
    let Some(st) = std::env::var_os("KENSA_SCHEMATHESIS") else {
        eprintln!("notice: KENSA_SCHEMATHESIS not set (scripts/test sets it); skipped");
        return;
    };
    let server = TestServer::start(|_| {});
    let schema = server.url("/api/v1/openapi.json");
    // schemathesis keeps a cache (and replays past failures) in its working directory.
    let work = tempfile::tempdir().unwrap();
    let out = Command::new(&st)
        .current_dir(work.path())
        .args(["run", &schema, "--url", &server.url("/api/v1")])
        .args(["-H", &format!("Authorization: Bearer {}", server.token(Role::Admin))])
        .args([
            "--checks",
            "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance",
            "--max-examples",
            "25",
            "--seed",
            "1",
            // The debug build on a shared machine can be slow; a timeout is not a bug.
            "--request-timeout",
            "60",
            // Revoking the token the run authenticates with would end it early.
            "--exclude-path",
            "/tokens/{name}",
        ])
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", st.to_string_lossy()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "schemathesis failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("passed"), "{stdout}");
}
