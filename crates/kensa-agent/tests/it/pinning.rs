//! Certificate pinning against a local HTTPS server whose certificate is signed by a
//! private CA (made with rcgen): the right pin delivers, a wrong pin refuses during the
//! handshake, nothing is uploaded and the report stays in the spool.
use std::path::Path;

use kensa_agent::deliver::{Agent, Settings, SpkiPin};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair, PublicKeyData};
use sha2::Digest;

use crate::delivery::small_report;
use crate::server::Server;

struct Pki {
    ca_pem: std::path::PathBuf,
    tls: kensa_server::TlsConfig,
    /// The server key's pin, computed here from rcgen's SPKI, not by the agent's code.
    server_pin: String,
    /// Another key's pin (the CA's): valid base64 SHA-256, wrong key.
    other_pin: String,
}

fn pin_of(key: &KeyPair) -> String {
    use base64::Engine;
    let digest = sha2::Sha256::digest(key.subject_public_key_info());
    format!(
        "sha256//{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

fn make_pki(dir: &Path) -> Pki {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let other_pin = pin_of(&ca_key);
    let ca = CertifiedIssuer::self_signed(ca_params, ca_key).unwrap();
    let server_key = KeyPair::generate().unwrap();
    let server_cert = CertificateParams::new(vec!["127.0.0.1".to_string()])
        .unwrap()
        .signed_by(&server_key, &ca)
        .unwrap();
    let (ca_pem, cert, key) = (
        dir.join("ca.pem"),
        dir.join("server.pem"),
        dir.join("server.key"),
    );
    std::fs::write(&ca_pem, ca.pem()).unwrap();
    std::fs::write(&cert, server_cert.pem()).unwrap();
    std::fs::write(&key, server_key.serialize_pem()).unwrap();
    Pki {
        ca_pem,
        tls: kensa_server::TlsConfig { cert, key },
        server_pin: pin_of(&server_key),
        other_pin,
    }
}

fn pinned_agent(server: &Server, token: &str, spool: &Path, pki: &Pki, pin: &str) -> Agent {
    Agent::new(Settings {
        server: server.url(),
        enrollment_token: token.into(),
        spool: spool.into(),
        ca_cert: Some(pki.ca_pem.clone()),
        pins: vec![SpkiPin::parse(pin).unwrap()],
        allow_http: false,
    })
    .unwrap()
}

#[test]
fn right_pin_delivers_wrong_pin_refuses_and_keeps_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let pki = make_pki(dir.path());
    let server = Server::start_tls(&dir.path().join("store.db"), pki.tls.clone());
    let token = server.enrollment_token("pinned");
    let uploads = async |store: kensa_store::Store| store.agents().await.unwrap();

    // Wrong pin: the chain is valid (private CA) but the key is not the pinned one.
    let wrong_spool = dir.path().join("wrong");
    let wrong = pinned_agent(&server, &token, &wrong_spool, &pki, &pki.other_pin);
    wrong.enqueue(&small_report("pinned-1")).unwrap();
    let refused = wrong.deliver("pinned-1").unwrap();
    let reason = refused.stopped.clone().unwrap_or_default();
    assert!(reason.contains("certificate pin mismatch"), "{reason}");
    assert!(
        reason.contains(&pki.server_pin),
        "names the key seen: {reason}"
    );
    assert!(!refused.enrolled && refused.delivered.is_empty());
    assert_eq!(refused.pending, 1, "the report stays in the spool");
    assert!(!wrong_spool.join("credential.json").exists());
    assert!(
        server.store(uploads).is_empty(),
        "nothing reached the server"
    );

    // Right pin (curl's form): enrolls and delivers.
    let right_spool = dir.path().join("right");
    let right = pinned_agent(&server, &token, &right_spool, &pki, &pki.server_pin);
    right.enqueue(&small_report("pinned-1")).unwrap();
    let delivered = right.deliver("pinned-1").unwrap();
    assert!(delivered.enrolled, "{delivered:?}");
    assert_eq!(
        (delivered.delivered.as_slice(), delivered.pending),
        (&[1][..], 0)
    );
    assert_eq!(server.store(uploads).len(), 1);
}

#[test]
fn pins_still_require_a_valid_chain_and_https() {
    let dir = tempfile::tempdir().unwrap();
    let pki = make_pki(dir.path());
    let server = Server::start_tls(&dir.path().join("store.db"), pki.tls.clone());
    // The right key, but no trust in the private CA (web roots): the chain fails first.
    let agent = Agent::new(Settings {
        server: server.url(),
        enrollment_token: "unused".into(),
        spool: dir.path().join("spool"),
        ca_cert: None,
        pins: vec![SpkiPin::parse(&pki.server_pin).unwrap()],
        allow_http: false,
    })
    .unwrap();
    let r = agent.deliver("h").unwrap();
    let reason = r.stopped.unwrap_or_default();
    assert!(reason.contains("certificate refused"), "{reason}");
    assert!(!reason.contains("pin mismatch"), "{reason}");

    let plain = Agent::new(Settings {
        server: "http://127.0.0.1:9".into(),
        enrollment_token: "unused".into(),
        spool: dir.path().join("spool2"),
        ca_cert: None,
        pins: vec![SpkiPin::parse(&pki.server_pin).unwrap()],
        allow_http: false,
    });
    let err = plain.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("need an https://"), "{err}");
}
