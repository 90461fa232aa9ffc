//! Network reachability raises cve severities: a vulnerable package whose program
//! listens where the Internet reaches it (demo account, instance WEB: TCP 22 open to the
//! Internet) is raised one band, with the port, process and path named.
use kensa_host::reach::{raise_reachable, ListenerJoin};
use kensa_model::{Finding, Severity};
use kensa_telemetry::Telemetry;
use kensa_vuln::{AdvisoryRecord, Filters};
use serde_json::{json, Value};

const WEB: &str = "i-0a1b2c3d4e5f60002";

fn owned(addr: &str, port: u16, name: &str, exe: &str, package: &str, version: &str) -> Value {
    json!({"proto": "tcp", "family": "v4", "address": addr, "port": port, "pid": 800 + port % 100,
           "user": "root", "uid": 0, "process_name": name, "exe": exe,
           "package": {"kind": "rpm", "name": package, "version": version, "arch": "x86_64"}})
}

fn host() -> Telemetry {
    let pkg = |n: &str, v: &str| json!({"kind": "rpm", "name": n, "version": v, "arch": "x86_64"});
    serde_json::from_value(json!({
        "schema_version": 1, "agent_version": "0.1.0", "collected_at": "2026-12-07T18:00:00Z",
        "mode": "live",
        "host": {"hostname": "web", "instance_id": WEB,
                 "os_release": {"ID": "amzn", "VERSION_ID": "2023"},
                 "kernel": {"running": null, "installed": []}},
        "packages": [pkg("openssh-server", "8.7p1-8.amzn2023.0.4"), pkg("redis6", "6.2.7-1.amzn2023"),
                     pkg("nginx", "1.24.0-1.amzn2023")],
        "listeners": [
            owned("0.0.0.0", 22, "sshd", "/usr/sbin/sshd", "openssh-server", "8.7p1-8.amzn2023.0.4"),
            // Loopback only: no other host reaches it.
            owned("127.0.0.1", 6379, "redis-server", "/usr/bin/redis-server", "redis6", "6.2.7-1.amzn2023"),
            // Reachable address, but its port is closed to the Internet.
            owned("0.0.0.0", 8080, "nginx", "/usr/sbin/nginx", "nginx", "1.24.0-1.amzn2023"),
        ],
    }))
    .unwrap()
}

fn advisory(package: &str, fixed: &str, severity: &str) -> AdvisoryRecord {
    serde_json::from_value(json!({
        "distro": "amzn", "release": "2023", "package": package, "id": format!("ALAS2023-{package}"),
        "scheme": "rpm", "fix_state": "fixed", "fixed": fixed, "severity": severity,
        "cves": [format!("CVE-2026-{}", package.len())], "source": "alas"
    }))
    .unwrap()
}

fn by_package<'a>(fs: &'a [Finding], name: &str) -> &'a Finding {
    fs.iter()
        .find(|f| f.attributes["PACKAGE_NAME"] == name)
        .unwrap()
}

#[test]
fn a_vulnerable_package_listening_for_the_internet_is_raised_one_band() {
    let snap = kensa_model::demo::snapshot();
    let doc = host();
    let (join, warnings) = ListenerJoin::new([("web.json".to_string(), &doc)], &snap);
    assert!(warnings.is_empty(), "{warnings:?}");
    let exposed = join.internet_listeners_in(&snap);
    let ports: Vec<u16> = exposed.iter().map(|e| e.listener.port).collect();
    assert_eq!(ports, [22]);

    let (inv, _) = kensa_host::kernel::inventory(&doc, "web.json");
    let records = [
        advisory("openssh-server", "8.7p1-9.amzn2023", "Medium"),
        advisory("redis6", "6.2.14-1.amzn2023", "High"),
        advisory("nginx", "1.24.0-2.amzn2023", "Low"),
    ];
    let mut findings = kensa_vuln::scan(&inv, &records, &Filters::default());
    assert_eq!(findings.len(), 3);
    assert_eq!(raise_reachable(&mut findings, WEB, &exposed), 1);

    let ssh = by_package(&findings, "openssh-server");
    assert_eq!(ssh.severity, Severity::High);
    assert_eq!(ssh.attributes["ORIGINAL_SEVERITY"], "Medium");
    assert_eq!(ssh.attributes["NETWORK_REACHABLE"], "Internet");
    assert_eq!(ssh.attributes["NETWORK_REACHABLE_PORTS"], "TCP 22");
    assert!(
        ssh.attributes["NETWORK_REACHABLE_PROCESS"].starts_with("sshd (pid 822, /usr/sbin/sshd")
    );
    let path = &ssh.attributes["NETWORK_PATH"];
    assert!(
        path.starts_with("igw-") && path.contains("sg-") && path.contains("eni-"),
        "{path}"
    );
    assert_eq!(ssh.attributes["NETWORK_FINDING"], exposed[0].finding_id);
    assert!(ssh.description.contains("raised from Medium to High"));
    // Loopback-only and closed-port listeners raise nothing.
    for (name, severity) in [("redis6", Severity::High), ("nginx", Severity::Low)] {
        let f = by_package(&findings, name);
        assert_eq!(f.severity, severity);
        assert!(!f.attributes.contains_key("ORIGINAL_SEVERITY"));
        assert!(!f.attributes.contains_key("NETWORK_REACHABLE"));
    }
}

#[test]
fn critical_stays_critical_and_an_unowned_listener_raises_nothing() {
    let snap = kensa_model::demo::snapshot();
    let mut doc = host();
    let (inv, _) = kensa_host::kernel::inventory(&doc, "web.json");
    let records = [advisory("openssh-server", "8.7p1-9.amzn2023", "Critical")];
    let mut findings = kensa_vuln::scan(&inv, &records, &Filters::default());
    let (join, _) = ListenerJoin::new([("web.json".to_string(), &doc)], &snap);
    assert_eq!(
        raise_reachable(&mut findings, WEB, &join.internet_listeners_in(&snap)),
        0
    );
    assert_eq!(findings[0].severity, Severity::Critical);
    assert_eq!(findings[0].attributes["NETWORK_REACHABLE_PORTS"], "TCP 22");
    assert!(!findings[0].attributes.contains_key("ORIGINAL_SEVERITY"));

    // An agent that could not tell the owner: unknown is never a match.
    for l in doc.listeners.iter_mut().flatten() {
        l.package = None;
    }
    let mut findings = kensa_vuln::scan(&inv, &records, &Filters::default());
    let (join, _) = ListenerJoin::new([("web.json".to_string(), &doc)], &snap);
    assert_eq!(
        raise_reachable(&mut findings, WEB, &join.internet_listeners_in(&snap)),
        0
    );
    assert!(!findings[0].attributes.contains_key("NETWORK_REACHABLE"));
}
