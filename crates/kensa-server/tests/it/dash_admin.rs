//! The administration page: tokens created (secret shown once) and revoked, the audit
//! log, and no way in below the admin role.
use kensa_server::auth::Role;

use crate::common::TestServer;
use crate::dash_client::{csrf_of, Browser};

#[test]
fn admin_creates_and_revokes_a_token_and_reads_the_audit_log() {
    let server = TestServer::start(|_| {});
    let mut viewer = Browser::new(&server);
    viewer.post("/login", &format!("token={}", server.token(Role::Viewer)));
    assert_eq!(
        viewer.get("/admin").status,
        403,
        "viewers have no admin page"
    );
    assert!(!viewer.get("/").body.contains("href=\"/admin\""));

    let mut b = Browser::new(&server);
    b.post("/login", &format!("token={}", server.token(Role::Admin)));
    let admin = b.get("/admin");
    assert_eq!(admin.status, 200, "{}", admin.body);
    assert!(admin.body.contains("test-viewer"));
    assert!(
        admin.body.contains("session.create"),
        "the logins are audited"
    );
    let csrf = csrf_of(&admin.body);
    let created = b.post(
        "/admin/tokens",
        &format!("csrf_token={csrf}&name=dash-made&role=viewer"),
    );
    assert_eq!(created.status, 200, "{}", created.body);
    let at = created
        .body
        .find("kensa_")
        .expect("the secret is shown once");
    let secret: String = created.body[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    let mut newcomer = Browser::new(&server);
    let signed_in = newcomer.post("/login", &format!("token={secret}"));
    assert_eq!(signed_in.status, 303, "the new token signs in");
    assert_eq!(newcomer.get("/").status, 200);

    let revoked = b.post(
        "/admin/tokens/dash-made/revoke",
        &format!("csrf_token={csrf}"),
    );
    assert_eq!(revoked.location.as_deref(), Some("/admin"));
    assert_eq!(newcomer.get("/").status, 303, "its session ended with it");
    let after = b.get("/admin");
    assert!(after.body.contains("token.revoke"));
    assert!(after.body.contains("token:dash-made"));
    let dup = b.post(
        "/admin/tokens",
        &format!("csrf_token={csrf}&name=dash-made&role=viewer"),
    );
    assert_eq!(dup.status, 409, "a name is used once: {}", dup.body);
}
