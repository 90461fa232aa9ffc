//! The bundled demo account: every fact its README lists, as findings and path verdicts.
use kensa_model::Finding;
use kensa_net::findings::findings;
use kensa_net::path::{query, Endpoint, Verdict};

const WIN: &str = "i-0a1b2c3d4e5f60001";
const LINUX: &str = "i-0a1b2c3d4e5f60002";
const BUILD: &str = "i-0a1b2c3d4e5f60003";
const API6: &str = "i-0a1b2c3d4e5f60004";
const WEB1: &str = "i-0a1b2c3d4e5f60005";
const WEB2: &str = "i-0a1b2c3d4e5f60006";
const JUMP: &str = "i-0a1b2c3d4e5f60007";
const LEGACY: &str = "i-0a1b2c3d4e5f60008";
const DB: &str = "i-0a1b2c3d4e5f60009";
const ETL: &str = "i-0a1b2c3d4e5f60010";
const ALB: &str =
    "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web-alb/50dc6c495c0c9188";

fn demo_findings() -> Vec<Finding> {
    let snap = kensa_model::demo::snapshot();
    findings(&kensa_net::analyze(&snap))
}

fn find<'a>(
    fs: &'a [Finding],
    res: &str,
    rule: &str,
    class: &str,
    port: Option<&str>,
) -> Option<&'a Finding> {
    fs.iter().find(|f| {
        f.resource.id == res
            && f.rule_id == rule
            && f.attributes["REACHABILITY_TYPE"] == class
            && port.is_none_or(|p| f.attributes.get("PORT_RANGE").map(String::as_str) == Some(p))
    })
}

fn sources(f: &Finding) -> Vec<String> {
    let kensa_model::Evidence::NetworkPath(ev) = f.evidence.as_ref().unwrap() else {
        panic!("no network path")
    };
    let ev = serde_json::to_value(ev).unwrap();
    ev["sourceCidrs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// Internet sources are every public address whose return route leads to the IGW:
/// public IPv4 space (the VPC's own 10.0.0.0/16 is private, so nothing more to except).
fn internet_v4(f: &Finding) {
    let kensa_model::Evidence::NetworkPath(ev) = f.evidence.as_ref().unwrap() else {
        panic!("no network path")
    };
    let ev = serde_json::to_value(ev).unwrap();
    let public_v4 = kensa_net::public::PublicSpace::default()
        .addrs()
        .intersect(&kensa_net::rangeset::AddrSet::all_v4())
        .to_cidrs();
    assert_eq!(sources(f), public_v4, "{}", f.title);
    assert!(!sources(f).iter().any(|c| c.starts_with("10.")));
    let except = ev.get("exceptCidrs").cloned().unwrap_or_default();
    assert!(
        except.is_null() || except == serde_json::json!([]),
        "{}: {except}",
        f.title
    );
}

fn steps(f: &Finding) -> Vec<String> {
    let kensa_model::Evidence::NetworkPath(ev) = f.evidence.as_ref().unwrap() else {
        panic!("no network path")
    };
    let ev = serde_json::to_value(ev).unwrap();
    ev["networkPath"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["componentId"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn reachable_facts_are_reported() {
    let fs = demo_findings();
    let rdp =
        find(&fs, WIN, "RecognizedPortNoAgent", "Internet", Some("3389")).expect("fact 1: RDP");
    internet_v4(rdp);
    assert!(steps(rdp).contains(&"sg-0b2c3d4e5f6a71829".to_string()));
    assert!(steps(rdp).contains(&"acl-0a3c5e7f9b1d2f4a6".to_string()));
    find(&fs, LINUX, "RecognizedPortNoAgent", "Internet", Some("22")).expect("fact 2: SSH");
    let https = find(&fs, LINUX, "RecognizedPortNoAgent", "Internet", Some("443")).expect("fact 3");
    assert_eq!(sources(https), ["198.51.100.64/26", "203.0.113.0/24"]);
    find(&fs, BUILD, "RecognizedPortNoAgent", "Internet", Some("22")).expect("fact 4");
    let v6 = find(&fs, API6, "RecognizedPortNoAgent", "Internet", Some("443")).expect("fact 5");
    let public_v6 = kensa_net::public::PublicSpace::default()
        .addrs()
        .intersect(&kensa_net::rangeset::AddrSet::all_v6())
        .to_cidrs();
    assert_eq!(sources(v6), public_v6);
    let kensa_model::Evidence::NetworkPath(ev) = v6.evidence.as_ref().unwrap() else {
        panic!()
    };
    let ev = serde_json::to_value(ev).unwrap();
    assert_eq!(
        ev["exceptCidrs"],
        serde_json::json!(["2600:1f18:4a3:6e00::/56"])
    );
    let alb = find(&fs, ALB, "NetworkExposure", "Internet", None).expect("fact 6");
    assert!(
        alb.attributes["OPEN_PORT_RANGES"].contains("80")
            && alb.attributes["OPEN_PORT_RANGES"].contains("443")
    );
    for web in [WEB1, WEB2] {
        let f = fs
            .iter()
            .find(|f| {
                f.resource.id == web && f.attributes.get("ELB").map(String::as_str) == Some(ALB)
            })
            .expect("fact 7: web through the ALB");
        assert_eq!(f.attributes["PORT_RANGE"], "8080");
        assert!(
            f.attributes["LISTENER"].contains("listener/app/web-alb"),
            "{:?}",
            f.attributes
        );
        let st = steps(f);
        let lb_pos = st.iter().position(|s| s == ALB).unwrap();
        let eni_pos = st.iter().position(|s| s.starts_with("eni-")).unwrap();
        assert!(lb_pos < eni_pos, "both hops in order: {st:?}");
        internet_v4(f);
        let tgw = find(&fs, web, "NetworkExposure", "TGW", None).expect("fact 10");
        assert_eq!(sources(tgw), ["10.50.0.0/16"]);
        assert!(tgw.attributes["OPEN_PORT_RANGES"].contains("TCP 9100"));
    }
    let db = find(&fs, DB, "RecognizedPortNoAgent", "PeeredVPC", Some("5432")).expect("fact 8");
    assert_eq!(sources(db), ["10.1.0.0/16"]);
    assert_eq!(db.attributes["PCX"], "pcx-0a7b8c9d0e1f2a3b4");
    let jump = find(&fs, JUMP, "RecognizedPortNoAgent", "VGW", Some("22")).expect("fact 9");
    assert_eq!(sources(jump), ["10.200.0.0/16"]);
    assert_eq!(jump.attributes["VGW"], "vgw-0d4e5f6a7b8c9d0e1");
    for (class, src) in [("VGW", "10.200.0.0/16"), ("TGW", "10.50.0.0/16")] {
        let f = find(&fs, LEGACY, "NetworkExposure", class, None).expect("facts 11/12");
        assert_eq!(f.attributes["OPEN_PORT_RANGES"], "ALL all");
        assert_eq!(sources(f), [src]);
    }
}

#[test]
fn unreachable_facts_are_not_reported() {
    let fs = demo_findings();
    assert!(find(
        &fs,
        BUILD,
        "RecognizedPortNoAgent",
        "Internet",
        Some("8443")
    )
    .is_none());
    assert!(!find(&fs, BUILD, "NetworkExposure", "Internet", None)
        .unwrap()
        .attributes["OPEN_PORT_RANGES"]
        .contains("8443"));
    assert!(fs
        .iter()
        .all(|f| !(f.resource.id == LEGACY && f.attributes["REACHABILITY_TYPE"] == "Internet")));
    assert!(fs
        .iter()
        .all(|f| !(f.resource.id == LEGACY && f.attributes["REACHABILITY_TYPE"] == "PeeredVPC")));
    for web in [WEB1, WEB2] {
        assert!(fs.iter().all(|f| !(f.resource.id == web
            && f.attributes["REACHABILITY_TYPE"] == "Internet"
            && !f.attributes.contains_key("ELB"))));
    }
    assert!(fs
        .iter()
        .filter(|f| f.resource.id == DB)
        .all(|f| f.attributes["REACHABILITY_TYPE"] == "PeeredVPC"));
    assert!(fs.iter().all(|f| f.resource.id != ETL));
    assert!(fs.iter().all(|f| !f.resource.id.starts_with("nat-")
        && f.attributes.get("ENI").is_none_or(|e| !e.contains("nat"))));
}

fn q(from: &str, to: &str, proto: &str, port: Option<u16>) -> kensa_net::path::PathAnswer {
    let snap = kensa_model::demo::snapshot();
    query(
        &snap,
        &from.parse::<Endpoint>().unwrap(),
        &to.parse::<Endpoint>().unwrap(),
        proto,
        port,
    )
    .unwrap()
}

#[test]
fn path_verdicts_match_the_readme() {
    assert_eq!(
        q("internet", WIN, "tcp", Some(3389)).verdict,
        Verdict::Reachable
    );
    assert_eq!(
        q("internet", LINUX, "tcp", Some(22)).verdict,
        Verdict::Reachable
    );
    assert_eq!(
        q("internet", BUILD, "tcp", Some(8443))
            .blocked_at
            .unwrap()
            .code,
        "SUBNET_ACL_RESTRICTION"
    );
    assert_eq!(
        q("internet", API6, "tcp", Some(443)).verdict,
        Verdict::Reachable
    );
    let legacy = q("internet", LEGACY, "tcp", Some(22));
    assert_eq!(legacy.verdict, Verdict::Blocked);
    assert_eq!(legacy.blocked_at.unwrap().code, "NO_ROUTE_TO_IGW");
    // web-1 on 8080: not directly, but through the ALB (both hops).
    let web = q("internet", WEB1, "tcp", Some(8080));
    assert_eq!(web.verdict, Verdict::Reachable, "{web:#?}");
    let ids: Vec<&str> = web.path.iter().map(|h| h.component_id.as_str()).collect();
    assert!(ids.contains(&ALB) && ids.contains(&WEB1), "{ids:?}");
    let lb = q("internet", "web-alb", "tcp", Some(443));
    assert_eq!(lb.verdict, Verdict::Reachable, "{lb:#?}");
    assert_eq!(
        q("10.1.0.25", DB, "tcp", Some(5432)).verdict,
        Verdict::Reachable
    );
    assert_eq!(
        q("i-0a1b2c3d4e5f60010", DB, "tcp", Some(5432)).verdict,
        Verdict::Reachable
    );
    assert_eq!(
        q("10.200.1.1", JUMP, "tcp", Some(22)).verdict,
        Verdict::Reachable
    );
    assert_eq!(
        q("10.200.1.1", DB, "tcp", Some(5432)).verdict,
        Verdict::Blocked
    );
    assert_eq!(
        q("internet", ETL, "tcp", Some(22)).verdict,
        Verdict::Blocked
    );
}

#[test]
fn demo_findings_snapshot() {
    let fs = demo_findings();
    let compact: Vec<serde_json::Value> = fs
        .iter()
        .map(|f| serde_json::json!({"id": f.id, "resource": f.resource.id, "rule": f.rule_id, "severity": f.severity, "attributes": f.attributes}))
        .collect();
    insta::assert_json_snapshot!("demo_findings", compact);
    let linux_ssh = find(&fs, LINUX, "RecognizedPortNoAgent", "Internet", Some("22")).unwrap();
    insta::assert_json_snapshot!("demo_linux_ssh_finding", linux_ssh);
}

#[test]
fn from_is_honoured_with_a_load_balancer_destination() {
    let snap = kensa_model::demo::snapshot();
    let q = |from: &str| {
        kensa_net::path::query(
            &snap,
            &from.parse().unwrap(),
            &ALB.parse().unwrap(),
            "tcp",
            Some(443),
        )
    };
    let a = q("198.51.100.7").unwrap();
    assert_eq!(a.source.as_deref(), Some("198.51.100.7"), "{a:#?}");
    let err = q(LINUX).unwrap_err();
    assert!(
        matches!(err, kensa_net::path::PathError::UnsupportedLbSource(_)),
        "{err}"
    );
    assert!(q("127.0.0.1").is_err());
}

#[test]
fn a_load_balancer_is_a_source_through_its_node_interfaces() {
    // The ALB's nodes reach web-1's target port: web-1's group admits the ALB's group.
    let a = q("web-alb", WEB1, "tcp", Some(8080));
    assert_eq!(a.verdict, Verdict::Reachable, "{a:#?}");
    let ids: Vec<&str> = a.path.iter().map(|h| h.component_id.as_str()).collect();
    assert_eq!(ids.first(), Some(&ALB), "{ids:?}");
    assert!(ids.contains(&WEB1), "{ids:?}");
    assert!(["10.0.0.145", "10.0.1.87"].contains(&a.source.as_deref().unwrap()));
    // Not to a port web-1's group keeps closed to the balancer.
    let ssh = q(ALB, WEB1, "tcp", Some(22));
    assert_eq!(ssh.verdict, Verdict::Blocked, "{ssh:#?}");
    assert_eq!(ssh.blocked_at.unwrap().code, "ENI_SG_RULES_MISMATCH");
}
