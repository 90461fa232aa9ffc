//! Listener-aware network findings on the demo account: telemetry turns
//! RecognizedPortNoAgent into RecognizedPortWithListener / RecognizedPortNoListener and
//! adds UnrecognizedPortWithListener; instances without listener telemetry keep theirs.
use kensa_host::reach::{
    ListenerJoin, RULE_NO_AGENT, RULE_NO_LISTENER, RULE_UNRECOGNIZED, RULE_WITH_LISTENER,
};
use kensa_model::{Finding, Severity};
use kensa_telemetry::Telemetry;
use serde_json::{json, Value};

use crate::support::fixtures;

/// The weak fixture's telemetry as instance `id`, with `listeners` instead of its own.
pub fn telemetry(id: &str, listeners: Value) -> Telemetry {
    let text = std::fs::read_to_string(fixtures().join("telemetry-weak.json")).unwrap();
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    doc["host"]["instance_id"] = json!(id);
    doc["listeners"] = listeners;
    serde_json::from_value(doc).unwrap()
}

pub fn listener(addr: &str, port: u16, pid: u32, name: &str, exe: &str) -> Value {
    let family = if addr.contains(':') { "v6" } else { "v4" };
    json!({"proto": "tcp", "family": family, "address": addr, "port": port, "pid": pid,
           "user": "root", "uid": 0, "process_name": name, "exe": exe})
}

fn joined(docs: &[(String, Telemetry)]) -> (Vec<Finding>, Vec<(String, String)>) {
    let snap = kensa_model::demo::snapshot();
    let analysis = kensa_net::analyze(&snap);
    let (join, warnings) = ListenerJoin::new(docs.iter().map(|(s, d)| (s.clone(), d)), &snap);
    let findings = kensa_net::findings::findings(&analysis)
        .into_iter()
        .flat_map(|f| join.apply(f))
        .collect();
    (findings, warnings)
}

fn on<'a>(fs: &'a [Finding], instance: &str, rule: &str) -> Vec<&'a Finding> {
    fs.iter()
        .filter(|f| f.resource.id == instance && f.rule_id == rule)
        .collect()
}

const WEB: &str = "i-0a1b2c3d4e5f60002"; // TCP 22 and 443 open to the Internet, ENI 10.0.0.11
const METRICS: &str = "i-0a1b2c3d4e5f60005"; // TCP 9100 open to a transit gateway, ENI 10.0.10.11

#[test]
fn recognized_ports_name_the_listening_process_or_say_none_listens() {
    let web = telemetry(
        WEB,
        json!([
            listener("0.0.0.0", 22, 812, "sshd", "/usr/sbin/sshd"),
            listener("127.0.0.1", 443, 900, "nginx", "/usr/sbin/nginx"),
        ]),
    );
    let (fs, warnings) = joined(&[("web.json".into(), web)]);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(on(&fs, WEB, RULE_NO_AGENT).is_empty());
    let with = on(&fs, WEB, RULE_WITH_LISTENER);
    assert_eq!(with.len(), 1);
    let ssh = with[0];
    assert_eq!(ssh.attributes["PORT"], "22");
    assert_eq!(ssh.attributes["RULE_TYPE"], RULE_WITH_LISTENER);
    assert_eq!(ssh.attributes["LISTENER_PROCESS"], "sshd");
    assert_eq!(ssh.attributes["LISTENER_PID"], "812");
    assert_eq!(ssh.attributes["LISTENER_EXE"], "/usr/sbin/sshd");
    assert_eq!(ssh.attributes["LISTENER_ADDRESS"], "0.0.0.0:22");
    assert_eq!(
        ssh.severity,
        Severity::High,
        "same severity as without an agent"
    );
    assert!(
        ssh.description
            .contains("sshd (pid 812, /usr/sbin/sshd, user root) on 0.0.0.0:22"),
        "{}",
        ssh.description
    );
    assert!(!ssh.description.contains("Without an agent"));
    // nginx on loopback cannot be reached: no listener, and the description says why.
    let none = on(&fs, WEB, RULE_NO_LISTENER);
    assert_eq!(none.len(), 1);
    assert_eq!(none[0].attributes["PORT"], "443");
    assert!(
        none[0].description.contains("nginx (pid 900"),
        "{}",
        none[0].description
    );
    assert!(none[0].description.contains("loopback only"));
    // Ids are new (another rule) and unique.
    let mut ids: Vec<&str> = fs.iter().map(|f| f.id.as_str()).collect();
    ids.sort();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n);
}

#[test]
fn a_listener_on_the_eni_address_counts_another_address_does_not() {
    let on_eni = telemetry(
        WEB,
        json!([listener(
            "10.0.0.11",
            22,
            5,
            "dropbear",
            "/usr/sbin/dropbear"
        )]),
    );
    let (fs, _) = joined(&[("a.json".into(), on_eni)]);
    assert_eq!(
        on(&fs, WEB, RULE_WITH_LISTENER)[0].attributes["LISTENER_PROCESS"],
        "dropbear"
    );
    let elsewhere = telemetry(
        WEB,
        json!([listener(
            "10.9.9.9",
            22,
            5,
            "dropbear",
            "/usr/sbin/dropbear"
        )]),
    );
    let (fs, _) = joined(&[("b.json".into(), elsewhere)]);
    assert!(on(&fs, WEB, RULE_WITH_LISTENER).is_empty());
    assert_eq!(on(&fs, WEB, RULE_NO_LISTENER).len(), 2);
}

#[test]
fn other_reachable_listeners_are_unrecognized_port_findings() {
    let metrics = telemetry(
        METRICS,
        json!([
            listener(
                "::",
                9100,
                77,
                "node_exporter",
                "/usr/local/bin/node_exporter"
            ),
            listener("0.0.0.0", 9200, 78, "java", "/usr/bin/java"),
        ]),
    );
    let (fs, _) = joined(&[("m.json".into(), metrics)]);
    let un = on(&fs, METRICS, RULE_UNRECOGNIZED);
    assert_eq!(un.len(), 1, "9200 is not open: {un:#?}");
    let f = un[0];
    assert_eq!(f.severity, Severity::Low);
    assert_eq!(f.attributes["PORT"], "9100");
    assert_eq!(f.attributes["PROTOCOL"], "TCP");
    assert_eq!(f.attributes["REACHABILITY_TYPE"], "TGW");
    assert_eq!(f.attributes["LISTENER_EXE"], "/usr/local/bin/node_exporter");
    assert!(!f.attributes.contains_key("OPEN_PORT_RANGES"));
    assert!(f.title.contains("node_exporter"), "{}", f.title);
    let kensa_model::Evidence::NetworkPath(p) = f.evidence.as_ref().unwrap() else {
        panic!("network path evidence");
    };
    assert_eq!((p.open_port_range.from, p.open_port_range.to), (9100, 9100));
    assert!(p
        .network_path
        .steps
        .iter()
        .any(|s| s.component_id.starts_with("tgw-")));
    // The exposure itself stays.
    assert_eq!(on(&fs, METRICS, "NetworkExposure").len(), 2);
}

#[test]
fn without_listener_telemetry_findings_stay_as_they_were() {
    let (plain, _) = joined(&[]);
    let mut root = telemetry(WEB, json!(null));
    root.listeners = None;
    let mut anonymous = telemetry(WEB, json!([]));
    anonymous.host.instance_id = None;
    let (fs, warnings) = joined(&[("root.json".into(), root), ("anon.json".into(), anonymous)]);
    assert_eq!(fs, plain);
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].1.contains("no instance id") || warnings[1].1.contains("no instance id"));
    assert!(warnings.iter().any(|w| w.1.contains("mounted root")));
    assert!(!on(&fs, WEB, RULE_NO_AGENT).is_empty());
}
