//! The document's round trip and its refusals.
use std::collections::BTreeMap;

use kensa_telemetry::*;

fn sample() -> Telemetry {
    Telemetry {
        schema_version: SCHEMA_VERSION,
        agent_version: "0.1.0".into(),
        collected_at: "2026-12-07T18:00:00Z".into(),
        mode: CollectionMode::Live,
        root: None,
        host: Host {
            hostname: "web-1".into(),
            instance_id: Some("i-0123456789abcdef0".into()),
            region: Some("eu-west-1".into()),
            os_release: parse_os_release("ID=\"amzn\"\nVERSION_ID=\"2023\"\n# note\n"),
            kernel: Kernel {
                running: Some("6.1.0".into()),
                installed: vec!["6.1.0".into()],
            },
        },
        packages: vec![InstalledPackage {
            kind: PackageKind::Rpm,
            name: "openssl".into(),
            version: "1:3.0.8-1.amzn2023".into(),
            arch: "x86_64".into(),
            source_name: None,
            source_version: None,
            location: None,
        }],
        listeners: Some(vec![Listener {
            proto: Proto::Tcp,
            family: Family::V4,
            address: "0.0.0.0".into(),
            port: 22,
            pid: Some(1),
            user: Some("root".into()),
            uid: Some(0),
            process_name: Some("sshd".into()),
            exe: Some("/usr/sbin/sshd".into()),
            cmdline: Some(vec!["sshd".into(), "-D".into()]),
            elf_hardening: Some(ElfHardening {
                nx: true,
                stack_protector: true,
                pie: true,
                relro: Relro::Full,
            }),
            package: Some(OwningPackage {
                kind: PackageKind::Rpm,
                name: "openssh-server".into(),
                version: "8.7p1-8.amzn2023.0.4".into(),
                arch: "x86_64".into(),
            }),
        }]),
        sshd: Some(SshdConfig {
            source: SshdSource::SshdT,
            effective: BTreeMap::from([("permitrootlogin".into(), vec!["no".into()])]),
            matches: vec![],
        }),
        files: BTreeMap::new(),
        sysctls: Some(BTreeMap::from([(
            "kernel.randomize_va_space".into(),
            "2".into(),
        )])),
        permissions: vec![],
        insecure_clients_servers: vec![],
        warnings: vec![Warning::new("/etc/shadow", "permission denied")],
    }
}

#[test]
fn round_trip_keeps_every_field() {
    let doc = sample();
    let text = serde_json::to_vec(&doc).unwrap();
    let back = Telemetry::from_json(&text).unwrap();
    assert_eq!(back, doc);
    assert_eq!(back.os_info().unwrap().id, "amzn");
    assert_eq!(
        back.sshd.as_ref().unwrap().get("PermitRootLogin"),
        Some("no")
    );
    assert_eq!(back.listeners_on(Proto::Tcp, 22).len(), 1);
    let json: serde_json::Value = serde_json::from_slice(&text).unwrap();
    assert_eq!(json["sshd"]["source"], "sshd -T");
    assert_eq!(json["listeners"][0]["elf_hardening"]["relro"], "full");
}

#[test]
fn another_schema_version_is_refused_for_its_version() {
    let mut json = serde_json::to_value(sample()).unwrap();
    json["schema_version"] = 2.into();
    json.as_object_mut().unwrap().remove("host");
    let err = Telemetry::from_json(json.to_string().as_bytes()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "schema_version 2 is not supported (this server reads 1)"
    );
}

#[test]
fn malformed_documents_say_what_is_wrong() {
    let err = Telemetry::from_json(b"{not json").unwrap_err();
    assert!(
        err.to_string().starts_with("not a telemetry document"),
        "{err}"
    );
    let err = Telemetry::from_json(b"{}").unwrap_err();
    assert_eq!(err.to_string(), "field schema_version: missing");

    let mut bad = sample();
    bad.collected_at = "yesterday".into();
    let err = Telemetry::from_json(&serde_json::to_vec(&bad).unwrap()).unwrap_err();
    assert!(err.to_string().contains("collected_at"), "{err}");

    let mut bad = sample();
    bad.mode = CollectionMode::Root;
    let err = Telemetry::from_json(&serde_json::to_vec(&bad).unwrap()).unwrap_err();
    assert!(err.to_string().contains("listeners"), "{err}");

    let mut bad = sample();
    bad.listeners.as_mut().unwrap()[0].address = "not-an-ip".into();
    let err = Telemetry::from_json(&serde_json::to_vec(&bad).unwrap()).unwrap_err();
    assert!(err.to_string().contains("not an IP address"), "{err}");
}

#[test]
fn oversized_document_is_refused_before_parsing() {
    let big = vec![b' '; MAX_DOCUMENT_BYTES + 1];
    let err = Telemetry::from_json(&big).unwrap_err();
    assert!(matches!(err, SchemaError::TooLarge { .. }), "{err}");
}

#[test]
fn loopback_listener_is_recognised() {
    let mut l = sample().listeners.unwrap().remove(0);
    assert!(!l.is_loopback());
    l.address = "::1".into();
    assert!(l.is_loopback());
}

#[test]
fn listeners_of_agents_without_package_ownership_still_parse() {
    let mut doc = serde_json::to_value(sample()).unwrap();
    let listener = &mut doc["listeners"][0];
    assert_eq!(listener["package"]["name"], "openssh-server");
    assert_eq!(listener["package"]["kind"], "rpm");
    listener.as_object_mut().unwrap().remove("package");
    let parsed = Telemetry::from_json(doc.to_string().as_bytes()).unwrap();
    assert_eq!(parsed.listeners.unwrap()[0].package, None);
}
