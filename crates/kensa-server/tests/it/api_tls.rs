//! `serve` over TLS (rustls): a self-signed certificate made with the `openssl` command,
//! HTTPS answers with HSTS, and a missing certificate file is an error naming it.
use std::process::Command;

use kensa_server::{ServerConfig, TlsConfig};
use kensa_store::Location;

#[test]
fn serves_https_with_hsts_and_names_a_missing_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output();
    if !made.as_ref().is_ok_and(|o| o.status.success()) {
        eprintln!("notice: no working `openssl` command; TLS test skipped");
        return;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut config = ServerConfig::new(Location::File(dir.path().join("store.db")));
    config.bind = ([127, 0, 0, 1], port).into();
    config.tls = Some(TlsConfig {
        cert: cert.clone(),
        key: key.clone(),
    });
    let rt = tokio::runtime::Runtime::new().unwrap();
    let serving = config.clone();
    // `serve` runs until the process ends; its own thread and runtime (the future is
    // not `Send`-general enough for `spawn`).
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let _ = rt.block_on(kensa_server::serve(serving));
    });

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .tls_config(
            ureq::tls::TlsConfig::builder()
                .disable_verification(true)
                .build(),
        )
        .build()
        .into();
    let url = format!("https://127.0.0.1:{port}/healthz");
    let mut reply = None;
    for _ in 0..100 {
        match agent.get(&url).call() {
            Ok(r) => {
                reply = Some(r);
                break;
            }
            Err(_) => std::thread::sleep(std::time::Duration::from_millis(100)),
        }
    }
    let mut reply = reply.expect("the HTTPS server answers");
    assert_eq!(reply.status().as_u16(), 200);
    assert_eq!(
        reply.headers().get("strict-transport-security").unwrap(),
        "max-age=31536000"
    );
    assert_eq!(reply.body_mut().read_to_string().unwrap(), "ok\n");

    config.tls = Some(TlsConfig {
        cert: dir.path().join("absent.pem"),
        key,
    });
    config.bind = ([127, 0, 0, 1], 0).into();
    let err = rt
        .block_on(kensa_server::serve(config))
        .unwrap_err()
        .to_string();
    assert!(err.contains("absent.pem"), "{err}");
}
